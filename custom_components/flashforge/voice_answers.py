"""Answer what is said to a printer, in the speaker's language, from its state."""

from collections.abc import Awaitable, Callable

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.translation import async_get_translations

from .api import MachineStatus, PrinterDetail
from .button import BUTTONS, FlashForgeButtonEntityDescription
from .const import DOMAIN
from .coordinator import FlashForgeCoordinator
from .entity import exists
from .helpers import async_run_command
from .speech import spoken_duration, spoken_file_name

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


# What a printer answers to a sentence: said by the speaker, in its language.
type Answer = Callable[[Speaker], Awaitable[str]]


def voice_language(language: str | None) -> str:
    """Return the language to answer in: the input's, its base language, or English."""
    if language:
        for candidate in (language, language.split("-")[0]):
            if candidate.lower() in VOICE_LANGUAGES:
                return candidate.lower()
    return VOICE_LANGUAGES[0]


async def async_speaker(hass: HomeAssistant, language: str, printer: str) -> Speaker:
    """Return a speaker of the input's language, with its texts loaded."""
    texts: dict[str, str] = {}
    for category in ("common", "entity", "exceptions"):
        texts |= await async_get_translations(
            hass, voice_language(language), category, [DOMAIN]
        )
    return Speaker(texts, printer)


def device_name(coordinator: FlashForgeCoordinator) -> str:
    """Return the printer's name as the user sees it: theirs, or the printer's."""
    devices = dr.async_get(coordinator.hass).async_get_devices(
        identifiers={(DOMAIN, coordinator.printer.serial_number)},
        config_entry_id=coordinator.config_entry.entry_id,
    )
    if devices and (name := devices[0].name_by_user or devices[0].name):
        return name
    return coordinator.config_entry.title


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


def _question(
    coordinator: FlashForgeCoordinator, answer: Callable[[Speaker, PrinterDetail], str]
) -> Answer:
    """Return the answer to a question, from the printer's latest detail."""

    async def ask(speaker: Speaker) -> str:
        if not coordinator.last_update_success:
            return speaker.say("unavailable")
        return answer(speaker, coordinator.data)

    return ask


def _command(
    coordinator: FlashForgeCoordinator, button: FlashForgeButtonEntityDescription
) -> Answer:
    """Return a command that presses the button."""

    async def press(speaker: Speaker) -> str:
        if not coordinator.last_update_success:
            return speaker.say("unavailable")
        return await _press(coordinator, speaker, button)

    return press


def printer_answers(coordinator: FlashForgeCoordinator) -> dict[str, Answer]:
    """Return what the printer answers, by the key of each sentence."""
    answers = {key: _question(coordinator, read) for key, read in QUESTIONS.items()}
    for button in BUTTONS:
        if button.key in SPOKEN_BUTTONS and exists(coordinator, button):
            answers[button.key] = _command(coordinator, button)
    return answers
