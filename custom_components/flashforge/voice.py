"""Let a printer be talked to through Home Assistant's conversation agent.

Each printer registers its sentences (in every language the integration
speaks) with the agent, the way a conversation trigger does; the agent
matches them before its own intents. Sentences and answers are texts under
"common" in the translations, named by the printer's device name.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from hassil.recognize import RecognizeResult
from homeassistant.components.conversation import ConversationInput
from homeassistant.components.conversation.agent_manager import get_agent_manager
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.translation import async_get_translations

from .api import MachineStatus, PrinterDetail
from .button import BUTTONS, FlashForgeButtonEntityDescription
from .const import DOMAIN
from .coordinator import FlashForgeConfigEntry, FlashForgeCoordinator
from .entity import exists
from .helpers import async_run_command
from .speech import name_template, spoken_duration, spoken_file_name

# The languages with sentences; any other is answered in the first.
VOICE_LANGUAGES = ("en", "de")
# The buttons that can also be pressed by voice, by their keys.
SPOKEN_BUTTONS = ("pause", "resume", "cancel")


class Speaker:
    """Say the answers in one language, about one printer."""

    def __init__(self, texts: dict[str, str], printer: str) -> None:
        """Take the language's texts and the printer's name."""
        self._texts = texts
        self._printer = printer

    def say(self, key: str, **placeholders: str) -> str:
        """Return the answer with this key under "common"."""
        text = self._texts[f"component.{DOMAIN}.common.voice_{key}"]
        return text.format(printer=self._printer, **placeholders)

    def status(self, status: MachineStatus) -> str:
        """Return the status in words, as the status sensor shows it."""
        key = f"component.{DOMAIN}.entity.sensor.status.state.{status.value}"
        return self._texts.get(key, status.value)

    def duration(self, seconds: int) -> str:
        """Return a time left as a person says it."""
        phrase = spoken_duration(seconds)
        return self.say(phrase.key, **phrase.placeholders)

    def error(self, err: HomeAssistantError) -> str:
        """Return an error's message, in this language when it has a translation."""
        key = f"component.{err.translation_domain}.exceptions.{err.translation_key}"
        text = self._texts.get(f"{key}.message")
        if text is None:
            return str(err)
        try:
            return text.format(**(err.translation_placeholders or {}))
        except KeyError, IndexError, ValueError:
            return str(err)


def voice_language(language: str | None) -> str:
    """Return the language to answer in: the input's, its base language, or English."""
    if language:
        for candidate in (language, language.split("-")[0]):
            if candidate.lower() in VOICE_LANGUAGES:
                return candidate.lower()
    return VOICE_LANGUAGES[0]


async def async_texts(hass: HomeAssistant, language: str) -> dict[str, str]:
    """Return the voice's texts, the status words and the errors in a language."""
    texts: dict[str, str] = {}
    for category in ("common", "entity", "exceptions"):
        texts |= await async_get_translations(hass, language, category, [DOMAIN])
    return texts


def _status(speaker: Speaker, detail: PrinterDetail) -> str:
    """Answer how the printer is: its status in words."""
    return speaker.say("status", status=speaker.status(detail.status))


def _time_left(speaker: Speaker, detail: PrinterDetail) -> str:
    """Answer when the print will be done."""
    if not detail.status.job_loaded:
        return speaker.say("nothing_printing")
    if detail.estimated_time is None:
        return speaker.say("time_unknown")
    key = "time_left" if detail.status.printing else "time_left_paused"
    return speaker.say(key, time=speaker.duration(detail.estimated_time))


def _printing(speaker: Speaker, detail: PrinterDetail) -> str:
    """Answer what the printer is printing, and how far it got."""
    if not detail.status.job_loaded or not detail.print_file_name:
        return speaker.say("nothing_printing")
    key = "printing" if detail.status.printing else "printing_paused"
    return speaker.say(
        key,
        file=spoken_file_name(detail.print_file_name),
        progress=str(detail.progress_percent or 0),
    )


# The questions, by the key of their sentences: each answered from the detail.
QUESTIONS: dict[str, Callable[[Speaker, PrinterDetail], str]] = {
    "status": _status,
    "time_left": _time_left,
    "printing": _printing,
}


async def _press(
    coordinator: FlashForgeCoordinator,
    speaker: Speaker,
    button: FlashForgeButtonEntityDescription,
) -> str:
    """Press a button as its entity would; say what happened, or why not."""
    detail = coordinator.data
    if button.available_fn is not None and not button.available_fn(detail):
        return speaker.say(
            f"{button.key}_refused", status=speaker.status(detail.status)
        )
    try:
        await async_run_command(coordinator, button.press_fn(coordinator.printer))
    except HomeAssistantError as err:
        return speaker.error(err)
    return speaker.say(f"{button.key}_done")


@dataclass(frozen=True)
class _Sentence:
    """What a sentence asks for: its key and how it is answered."""

    key: str
    answer: Callable[[Speaker], Awaitable[str]]


class PrinterVoice:
    """The sentences of one printer, registered under its device's name."""

    def __init__(self, hass: HomeAssistant, coordinator: FlashForgeCoordinator):
        """Describe what can be said to the printer; nothing is registered yet."""
        self._hass = hass
        self._coordinator = coordinator
        self._templates: dict[str, list[str]] = {}
        self._unregister: list[CALLBACK_TYPE] = []
        self._name = ""
        self._device_id: str | None = None
        self._sentences = [
            _Sentence(key, self._question(answer)) for key, answer in QUESTIONS.items()
        ] + [
            _Sentence(button.key, self._command(button))
            for button in BUTTONS
            if button.key in SPOKEN_BUTTONS and exists(coordinator, button)
        ]

    def _question(
        self, answer: Callable[[Speaker, PrinterDetail], str]
    ) -> Callable[[Speaker], Awaitable[str]]:
        """Return an answer to a question, from the latest detail."""

        async def ask(speaker: Speaker) -> str:
            return answer(speaker, self._coordinator.data)

        return ask

    def _command(
        self, button: FlashForgeButtonEntityDescription
    ) -> Callable[[Speaker], Awaitable[str]]:
        """Return a command that presses the button."""

        async def press(speaker: Speaker) -> str:
            return await _press(self._coordinator, speaker, button)

        return press

    async def async_start(self, entry: FlashForgeConfigEntry) -> None:
        """Register the sentences, and follow the device's name until unloaded."""
        for language in VOICE_LANGUAGES:
            texts = await async_get_translations(
                self._hass, language, "common", [DOMAIN]
            )
            for sentence in self._sentences:
                key = f"component.{DOMAIN}.common.voice_sentence_{sentence.key}"
                self._templates.setdefault(sentence.key, []).append(texts[key])
        registry = dr.async_get(self._hass)
        devices = registry.async_get_devices(
            identifiers={(DOMAIN, self._coordinator.printer.serial_number)},
            config_entry_id=entry.entry_id,
        )
        self._device_id = devices[0].id if devices else None
        self._async_follow_name()
        entry.async_on_unload(
            self._hass.bus.async_listen(
                dr.EVENT_DEVICE_REGISTRY_UPDATED,
                self._async_device_updated,
                event_filter=self._is_this_device,
            )
        )
        entry.async_on_unload(self._async_unregister)

    @callback
    def _is_this_device(self, data: dr.EventDeviceRegistryUpdatedData) -> bool:
        """Return whether an update is of this printer's device."""
        return data["action"] == "update" and data["device_id"] == self._device_id

    @callback
    def _async_device_updated(self, event: Event[Any]) -> None:
        """Register the sentences again if the device's name changed."""
        self._async_follow_name()

    def _device_name(self) -> str:
        """Return the device's name as the user sees it: theirs, or the printer's."""
        device = (
            dr.async_get(self._hass).async_get(self._device_id)
            if self._device_id is not None
            else None
        )
        if device is None:
            return self._coordinator.config_entry.title
        return (
            device.name_by_user or device.name or self._coordinator.config_entry.title
        )

    @callback
    def _async_follow_name(self) -> None:
        """Register the sentences under the device's current name."""
        name = self._device_name()
        if name == self._name and self._unregister:
            return
        self._async_unregister()
        self._name = name
        manager = get_agent_manager(self._hass)
        printer = name_template(name)
        for sentence in self._sentences:
            sentences = [
                template.replace("{printer}", printer)
                for template in self._templates[sentence.key]
            ]
            self._unregister.append(
                manager.register_trigger(sentences, self._responder(sentence))
            )

    def _responder(
        self, sentence: _Sentence
    ) -> Callable[[ConversationInput, RecognizeResult], Awaitable[str | None]]:
        """Return the trigger's callback: the answer in the input's language."""

        async def respond(
            user_input: ConversationInput, result: RecognizeResult
        ) -> str | None:
            language = voice_language(user_input.language)
            speaker = Speaker(await async_texts(self._hass, language), self._name)
            if not self._coordinator.last_update_success:
                return speaker.say("unavailable")
            return await sentence.answer(speaker)

        return respond

    @callback
    def _async_unregister(self) -> None:
        """Remove the printer's sentences from the agent."""
        while self._unregister:
            self._unregister.pop()()


async def async_setup_voice(hass: HomeAssistant, entry: FlashForgeConfigEntry) -> None:
    """Make the entry's printer something to talk to, until the entry unloads."""
    await PrinterVoice(hass, entry.runtime_data).async_start(entry)
