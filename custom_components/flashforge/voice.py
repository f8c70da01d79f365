"""Let a printer be talked to through Home Assistant's conversation agent.

Each printer registers its sentences (in every language the integration
speaks) with the agent, the way a conversation trigger does; the agent
matches them before its own intents. Sentences and answers are texts under
"common" in the translations, naming the printer by its device's name.
"""

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.translation import async_get_translations
from homeassistant.setup import async_when_setup

if TYPE_CHECKING:
    from hassil.recognize import RecognizeResult
    from homeassistant.components.conversation import ConversationInput
    from homeassistant.components.conversation.agent_manager import AgentManager

from .const import DOMAIN
from .coordinator import FlashForgeConfigEntry, FlashForgeCoordinator
from .speech import name_template
from .voice_answers import (
    VOICE_LANGUAGES,
    Answer,
    async_speaker,
    device_name,
    printer_answers,
)

type Responder = Callable[[ConversationInput, RecognizeResult], Awaitable[str | None]]

CONVERSATION: Final = "conversation"


def _agent_manager(hass: HomeAssistant) -> AgentManager:
    """Return the conversation agent's manager.

    Imported only once the agent is set up: the agent and its sentence
    matcher are heavy, and a Home Assistant without them never loads them
    for a printer.
    """
    from homeassistant.components.conversation.agent_manager import get_agent_manager  # noqa: PLC0415

    return get_agent_manager(hass)


async def async_sentences(hass: HomeAssistant, prefix: str) -> dict[str, list[str]]:
    """Return the sentence templates under a key prefix, in every language."""
    sentences: dict[str, list[str]] = {}
    start = f"component.{DOMAIN}.common.voice_{prefix}_"
    for language in VOICE_LANGUAGES:
        texts = await async_get_translations(hass, language, "common", [DOMAIN])
        for key, text in texts.items():
            if key.startswith(start):
                sentences.setdefault(key.removeprefix(start), []).append(text)
    return sentences


class PrinterVoice:
    """The sentences of one printer, registered under its device's name."""

    def __init__(self, coordinator: FlashForgeCoordinator) -> None:
        """Describe what can be said to the printer; nothing is registered yet."""
        self._coordinator = coordinator
        self._answers = printer_answers(coordinator)
        self._templates: dict[str, list[str]] = {}
        self._unregister: list[CALLBACK_TYPE] = []
        self._name = ""

    async def async_start(self, entry: FlashForgeConfigEntry) -> None:
        """Register the sentences, and follow the device's name until unloaded."""
        hass = self._coordinator.hass
        self._templates = await async_sentences(hass, "sentence")
        devices = dr.async_get(hass).async_get_devices(
            identifiers={(DOMAIN, self._coordinator.printer.serial_number)},
            config_entry_id=entry.entry_id,
        )
        device_ids = {device.id for device in devices}

        @callback
        def is_this_device(data: dr.EventDeviceRegistryUpdatedData) -> bool:
            return data["action"] == "update" and data["device_id"] in device_ids

        @callback
        def device_updated(event: Event[Any]) -> None:
            self._async_follow_name()

        self._async_follow_name()
        entry.async_on_unload(
            hass.bus.async_listen(
                dr.EVENT_DEVICE_REGISTRY_UPDATED,
                device_updated,
                event_filter=is_this_device,
            )
        )
        entry.async_on_unload(self._async_unregister)

    @callback
    def _async_follow_name(self) -> None:
        """Register the sentences under the device's name, if it changed."""
        name = device_name(self._coordinator)
        if name == self._name and self._unregister:
            return
        self._async_unregister()
        self._name = name
        manager = _agent_manager(self._coordinator.hass)
        printer = name_template(name)
        for key, answer in self._answers.items():
            sentences = [
                template.replace("{printer}", printer)
                for template in self._templates[key]
            ]
            self._unregister.append(
                manager.register_trigger(sentences, self._responder(answer))
            )

    def _responder(self, answer: Answer) -> Responder:
        """Return the trigger's callback: the answer in the input's language."""

        async def respond(
            user_input: ConversationInput, result: RecognizeResult
        ) -> str | None:
            speaker = await async_speaker(
                self._coordinator.hass, user_input.language, self._name
            )
            return await answer(speaker)

        return respond

    @callback
    def _async_unregister(self) -> None:
        """Remove the printer's sentences from the agent."""
        while self._unregister:
            self._unregister.pop()()


async def async_setup_voice(hass: HomeAssistant, entry: FlashForgeConfigEntry) -> None:
    """Make the entry's printer something to talk to, until the entry unloads.

    Without the conversation agent nothing is registered: the printers
    loaded by then are registered when it is set up (async_setup_sentences).
    """
    if CONVERSATION in hass.config.components:
        await PrinterVoice(entry.runtime_data).async_start(entry)


def _unnamed_responder(hass: HomeAssistant, key: str) -> Responder:
    """Return the callback of a sentence naming no printer."""

    async def respond(
        user_input: ConversationInput, result: RecognizeResult
    ) -> str | None:
        coordinators = [
            entry.runtime_data
            for entry in hass.config_entries.async_loaded_entries(DOMAIN)
        ]
        names = [device_name(coordinator) for coordinator in coordinators]
        if len(coordinators) == 1 and (
            answer := printer_answers(coordinators[0]).get(key)
        ):
            speaker = await async_speaker(hass, user_input.language, names[0])
            return await answer(speaker)
        speaker = await async_speaker(hass, user_input.language, "")
        if not names:
            return speaker.say("no_printer")
        return speaker.say("which_printer", printers=", ".join(sorted(names)))

    return respond


async def _async_register_unnamed(hass: HomeAssistant) -> None:
    """Register the sentences naming no printer, while Home Assistant runs.

    The one printer set up answers them; with several, the answer asks which.
    """
    manager = _agent_manager(hass)
    for key, sentences in (await async_sentences(hass, "unnamed")).items():
        manager.register_trigger(sentences, _unnamed_responder(hass, key))


async def async_setup_sentences(hass: HomeAssistant) -> None:
    """Register the sentences when the conversation agent is set up, if ever.

    The agent is an after-dependency: set up first where it is used, never
    loaded for the printers alone. Entries loaded before it are registered
    with it; those loaded after register themselves (async_setup_voice).
    """
    if CONVERSATION in hass.config.components:
        await _async_register_unnamed(hass)
        return

    async def agent_set_up(hass: HomeAssistant, _component: str) -> None:
        # Taken before any await: an entry loading from now on sees the
        # agent and registers itself.
        loaded = hass.config_entries.async_loaded_entries(DOMAIN)
        await _async_register_unnamed(hass)
        for entry in loaded:
            if entry.state is ConfigEntryState.LOADED:
                await async_setup_voice(hass, entry)

    async_when_setup(hass, CONVERSATION, agent_set_up)
