"""Talk to the printer through Home Assistant's default conversation agent."""

from collections.abc import AsyncIterator
import json
from pathlib import Path

from homeassistant.components.conversation import async_converse
from homeassistant.components.conversation.agent_manager import get_agent_manager
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.flashforge.const import DOMAIN
from flashforge_emulator import Emulator, Status

from ..conftest import EmulatorFactory
from .conftest import busy, entry_for, put_printer_in

PRINTER = "Adventurer 5M Pro"
TRANSLATIONS = Path(__file__).parents[2] / "custom_components/flashforge/translations"
# Two hours and eight minutes of printing: "about 2 hours and 10 minutes".
PRINT_SECONDS = 2 * 3600 + 8 * 60


def exception_text(language: str, key: str) -> str:
    """Return an error's message in a language, as the translations hold it."""
    texts = json.loads((TRANSLATIONS / f"{language}.json").read_text("utf-8"))
    message: str = texts["exceptions"][key]["message"]
    return message


@pytest.fixture
async def emulator(quick_emulator: EmulatorFactory) -> AsyncIterator[Emulator]:
    """Return a 5M Pro whose clock stands still: a print stays where put."""
    async with quick_emulator(
        "5m-pro", heating_seconds=0, print_seconds=PRINT_SECONDS
    ) as emu:
        yield emu


@pytest.fixture
async def entry(hass: HomeAssistant, emulator: Emulator) -> MockConfigEntry:
    """Set up the conversation agent, with its real intents, and the printer."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    entry = entry_for(emulator)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def say(hass: HomeAssistant, text: str, language: str = "en") -> str:
    """Say a sentence to the default agent; return its spoken answer."""
    result = await async_converse(hass, text, None, Context(), language=language)
    speech: str = result.response.speech["plain"]["speech"]
    return speech


async def update(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Read the printer now, as the next poll would."""
    await entry.runtime_data.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)


STATUS_QUESTIONS = [
    ("en", f"what is {PRINTER}"),
    ("en", f"How is the {PRINTER}?"),
    ("en", f"what is the status of {PRINTER}"),
    ("en", f"what's the {PRINTER} status"),
    ("en", f"What is the {PRINTER} status?"),
    ("en", f"what is the current state of {PRINTER}"),
    ("en", f"tell me {PRINTER}"),
    ("de", f"Wie ist der Status von {PRINTER}?"),
    ("de", f"was macht der {PRINTER}"),
]


@pytest.mark.parametrize(("language", "sentence"), STATUS_QUESTIONS)
@pytest.mark.parametrize(
    ("status", "english", "german"),
    [
        (Status.READY, "Ready", "Bereit"),
        (Status.PRINTING, "Printing", "Druckt"),
        (Status.PAUSED, "Paused", "Pausiert"),
        (Status.CANCEL, "Cancelled", "Abgebrochen"),
    ],
)
async def test_status_in_words(
    hass: HomeAssistant,
    emulator: Emulator,
    entry: MockConfigEntry,
    language: str,
    sentence: str,
    status: Status,
    english: str,
    german: str,
) -> None:
    """Asked how the printer is, the agent says its status in words."""
    put_printer_in(emulator, status)
    await update(hass, entry)

    answer = await say(hass, sentence, language)

    assert (
        answer
        == {
            "en": f"Status of {PRINTER}: {english}.",
            "de": f"Status von {PRINTER}: {german}.",
        }[language]
    )


@pytest.mark.parametrize(
    ("before", "language", "sentence", "answer", "after"),
    [
        (
            Status.PRINTING,
            "en",
            f"pause the {PRINTER}",
            f"Pausing the print on {PRINTER}.",
            Status.PAUSED,
        ),
        (
            Status.PRINTING,
            "en",
            f"press {PRINTER} pause print",
            f"Pausing the print on {PRINTER}.",
            Status.PAUSED,
        ),
        (
            Status.PRINTING,
            "de",
            f"Pausiere den Druck auf {PRINTER}",
            f"Der Druck auf {PRINTER} wird pausiert.",
            Status.PAUSED,
        ),
        (
            Status.PAUSED,
            "en",
            f"resume the print on {PRINTER}",
            f"Resuming the print on {PRINTER}.",
            Status.PRINTING,
        ),
        (
            Status.PAUSED,
            "de",
            f"{PRINTER} fortsetzen",
            f"Der Druck auf {PRINTER} wird fortgesetzt.",
            Status.PRINTING,
        ),
        (
            Status.PRINTING,
            "en",
            f"cancel the {PRINTER} print",
            f"Cancelling the print on {PRINTER}.",
            Status.CANCEL,
        ),
        (
            Status.PAUSED,
            "de",
            f"Brich den Druck auf {PRINTER} ab",
            f"Der Druck auf {PRINTER} wird abgebrochen.",
            Status.CANCEL,
        ),
        # With one printer set up, a sentence need not name it.
        (
            Status.PRINTING,
            "en",
            "how long until the print finishes",
            f"{PRINTER} will be done in about 2 hours and 10 minutes.",
            Status.PRINTING,
        ),
        (
            Status.PRINTING,
            "en",
            "pause the print",
            f"Pausing the print on {PRINTER}.",
            Status.PAUSED,
        ),
        (
            Status.READY,
            "en",
            "what is the printer status",
            f"Status of {PRINTER}: Ready.",
            Status.READY,
        ),
        (
            Status.READY,
            "en",
            "what is printing",
            f"Nothing is printing on {PRINTER}.",
            Status.READY,
        ),
        (
            Status.PAUSED,
            "de",
            "Setze den Druck fort",
            f"Der Druck auf {PRINTER} wird fortgesetzt.",
            Status.PRINTING,
        ),
        (
            Status.READY,
            "de",
            "Wann ist der Druck fertig?",
            f"Auf {PRINTER} läuft gerade kein Druck.",
            Status.READY,
        ),
    ],
)
async def test_commands(
    hass: HomeAssistant,
    emulator: Emulator,
    entry: MockConfigEntry,
    before: Status,
    language: str,
    sentence: str,
    answer: str,
    after: Status,
) -> None:
    """A sentence reaches the printer, named or the only one, and is answered."""
    put_printer_in(emulator, before)
    await update(hass, entry)

    assert await say(hass, sentence, language) == answer
    emulator.advance(emulator.printer.pausing_seconds)
    assert emulator.printer.status == after


@pytest.mark.parametrize(
    ("status", "language", "sentence", "answer"),
    [
        (
            Status.READY,
            "en",
            f"pause {PRINTER}",
            f"{PRINTER} has no print to pause. Status: Ready.",
        ),
        (
            Status.READY,
            "de",
            f"pausiere {PRINTER}",
            f"{PRINTER} hat keinen Druck zum Pausieren. Status: Bereit.",
        ),
        (
            Status.PRINTING,
            "en",
            f"resume {PRINTER}",
            f"{PRINTER} has no paused print to resume. Status: Printing.",
        ),
        (
            Status.CANCEL,
            "de",
            f"{PRINTER} abbrechen",
            f"{PRINTER} hat keinen Druck zum Abbrechen. Status: Abgebrochen.",
        ),
        # What is printing names the file; nothing printing says so.
        (
            Status.PRINTING,
            "en",
            f"what is {PRINTER} printing",
            f"{PRINTER} is printing 3DBenchy PLA, 0 percent done.",
        ),
        (
            Status.PRINTING,
            "de",
            f"Was druckt der {PRINTER} gerade?",
            f"{PRINTER} druckt 3DBenchy PLA, zu 0 Prozent fertig.",
        ),
        (
            Status.PAUSED,
            "en",
            f"what's the {PRINTER} printing",
            f"{PRINTER} has paused printing 3DBenchy PLA at 0 percent.",
        ),
        (
            Status.READY,
            "en",
            f"what is {PRINTER} printing",
            f"Nothing is printing on {PRINTER}.",
        ),
        (
            Status.READY,
            "de",
            f"was druckt {PRINTER}",
            f"Auf {PRINTER} läuft gerade kein Druck.",
        ),
        (
            Status.CANCEL,
            "en",
            f"when will {PRINTER} finish",
            f"Nothing is printing on {PRINTER}.",
        ),
        (
            Status.READY,
            "de",
            f"Wann ist der {PRINTER} fertig?",
            f"Auf {PRINTER} läuft gerade kein Druck.",
        ),
    ],
)
async def test_refusals(
    hass: HomeAssistant,
    emulator: Emulator,
    entry: MockConfigEntry,
    status: Status,
    language: str,
    sentence: str,
    answer: str,
) -> None:
    """A question, or a command the button would not offer now, sends nothing."""
    put_printer_in(emulator, status)
    await update(hass, entry)
    commands = len(emulator.commands)

    assert await say(hass, sentence, language) == answer
    assert len(emulator.commands) == commands
    assert emulator.printer.status == status


@pytest.mark.parametrize("language", ["en", "de"])
async def test_printer_error_is_spoken(
    hass: HomeAssistant, emulator: Emulator, entry: MockConfigEntry, language: str
) -> None:
    """A command the printer refuses says the translated error, in the input's language."""
    put_printer_in(emulator, Status.PRINTING)
    await update(hass, entry)
    await busy(emulator)

    sentence = {"en": f"pause {PRINTER}", "de": f"{PRINTER} pausieren"}[language]

    assert await say(hass, sentence, language) == exception_text(
        language, "printer_busy"
    )
    assert emulator.printer.status == Status.PRINTING


@pytest.mark.parametrize(
    ("elapsed", "paused", "language", "answer"),
    [
        (0, False, "en", f"{PRINTER} will be done in about 2 hours and 10 minutes."),
        (0, False, "de", f"{PRINTER} ist in etwa 2 Stunden und 10 Minuten fertig."),
        (
            PRINT_SECONDS - 200,
            False,
            "en",
            f"{PRINTER} will be done in about 3 minutes.",
        ),
        (
            PRINT_SECONDS - 30,
            False,
            "de",
            f"{PRINTER} ist in weniger als einer Minute fertig.",
        ),
        (
            PRINT_SECONDS - 3600,
            True,
            "en",
            f"{PRINTER} is paused; once resumed, it will be done in about an hour.",
        ),
    ],
)
async def test_time_left(
    hass: HomeAssistant,
    emulator: Emulator,
    entry: MockConfigEntry,
    elapsed: int,
    paused: bool,
    language: str,
    answer: str,
) -> None:
    """The time left is said as a person says it."""
    put_printer_in(emulator, Status.PRINTING)
    emulator.advance(elapsed)
    if paused:
        assert emulator.printer.apply_command("jobCtl_cmd", {"action": "pause"}).ok
        emulator.advance(emulator.printer.pausing_seconds)
    await update(hass, entry)

    sentence = {
        "en": f"how long until {PRINTER} is done",
        "de": f"Wie lange braucht der {PRINTER} noch?",
    }[language]

    assert await say(hass, sentence, language) == answer


@pytest.mark.parametrize(
    ("language", "answer"),
    [
        ("fr", f"Status of {PRINTER}: Ready."),
        ("de-CH", f"Status von {PRINTER}: Bereit."),
        ("en-GB", f"Status of {PRINTER}: Ready."),
    ],
)
async def test_language_of_the_input(
    hass: HomeAssistant, entry: MockConfigEntry, language: str, answer: str
) -> None:
    """The answer is in the input's language or its base language, else English."""
    assert await say(hass, f"how is {PRINTER}", language) == answer


async def test_follows_the_device_name(
    hass: HomeAssistant, emulator: Emulator, entry: MockConfigEntry
) -> None:
    """A renamed printer answers to its new name only."""
    registry = dr.async_get(hass)
    (device,) = registry.async_get_devices(
        identifiers={(DOMAIN, emulator.serial)}, config_entry_id=entry.entry_id
    )

    registry.async_update_device(device.id, name_by_user="Workshop (left)")
    await hass.async_block_till_done()

    assert (
        await say(hass, "how is workshop left") == "Status of Workshop (left): Ready."
    )
    assert not (await say(hass, f"how is {PRINTER}")).startswith("Status of")


async def test_unregistered_on_unload(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """An unloaded printer leaves no sentence behind."""
    assert get_agent_manager(hass).trigger_sentences

    assert await hass.config_entries.async_unload(entry.entry_id)

    sentences = get_agent_manager(hass).trigger_sentences
    assert not [sentence for sentence in sentences if PRINTER in sentence]
    assert not (await say(hass, f"how is {PRINTER}")).startswith("Status of")


async def test_registered_once_after_a_reload(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """A reloaded printer registers its sentences again, once."""
    sentences = get_agent_manager(hass).trigger_sentences

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()

    assert get_agent_manager(hass).trigger_sentences == sentences
    assert await say(hass, f"how is {PRINTER}") == f"Status of {PRINTER}: Ready."


@pytest.mark.parametrize("agent", [True, False])
async def test_agent_set_up_after_the_printer(
    hass: HomeAssistant, emulator: Emulator, agent: bool
) -> None:
    """Printers loaded before the agent are registered when it comes; none loads it."""
    assert await async_setup_component(hass, "homeassistant", {})
    entry = entry_for(emulator)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert "conversation" not in hass.config.components
    if not agent:
        return

    assert await async_setup_component(hass, "conversation", {})
    await hass.async_block_till_done()

    assert await say(hass, f"how is {PRINTER}") == f"Status of {PRINTER}: Ready."
    assert await say(hass, "what is the printer status") == (
        f"Status of {PRINTER}: Ready."
    )
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    sentences = get_agent_manager(hass).trigger_sentences
    assert len([sentence for sentence in sentences if PRINTER in sentence]) == len(
        {sentence for sentence in sentences if PRINTER in sentence}
    )


async def test_unreachable_printer(
    hass: HomeAssistant, emulator: Emulator, entry: MockConfigEntry
) -> None:
    """A printer that does not answer says so instead of an old status."""
    await emulator.go_offline()
    await update(hass, entry)

    assert await say(hass, f"pause {PRINTER}", "de") == (
        f"{PRINTER} ist gerade nicht erreichbar."
    )


async def test_status_sensor_is_the_main_entity(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """The status sensor carries the device's name."""
    state = hass.states.get("sensor.adventurer_5m_pro")

    assert state is not None
    assert state.name == PRINTER
    assert state.state == "ready"


@pytest.mark.parametrize(
    ("language", "sentence", "answer"),
    [
        ("en", f"continue {PRINTER}", f"{PRINTER} has no paused print to resume."),
        ("en", f"stop the print on {PRINTER}", f"{PRINTER} has no print to cancel."),
        ("en", f"press {PRINTER} resume print", f"{PRINTER} has no paused print"),
        ("en", f"how much time is left on {PRINTER}", "Nothing is printing on"),
        ("en", f"when does the {PRINTER} finish", "Nothing is printing on"),
        ("en", f"tell me the status of {PRINTER}", f"Status of {PRINTER}: Ready."),
        ("de", f"Wie geht es dem {PRINTER}?", f"Status von {PRINTER}: Bereit."),
        ("de", f"Status vom Drucker {PRINTER}", f"Status von {PRINTER}: Bereit."),
        (
            "de",
            f"Setze den Druck auf {PRINTER} fort",
            f"{PRINTER} hat keinen pausierten",
        ),
        ("de", f"Stoppe den {PRINTER}", f"{PRINTER} hat keinen Druck zum Abbrechen."),
        ("de", f"Wann wird der {PRINTER} fertig sein?", "Auf"),
        ("de", f"Wie lange noch bis der {PRINTER} fertig ist", "Auf"),
        ("en", "cancel the print", f"{PRINTER} has no print to cancel."),
        ("en", "resume the print", f"{PRINTER} has no paused print to resume."),
        ("de", "was wird gedruckt", f"Auf {PRINTER} läuft gerade kein Druck."),
        ("de", "Wie ist der Status des Druckers?", f"Status von {PRINTER}: Bereit."),
        ("de", "Pausiere den Druck", f"{PRINTER} hat keinen Druck zum Pausieren."),
        ("de", "Brich den Druck ab", f"{PRINTER} hat keinen Druck zum Abbrechen."),
    ],
)
async def test_more_ways_to_say_it(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    language: str,
    sentence: str,
    answer: str,
) -> None:
    """The other forms the README lists reach the same command or question."""
    assert (await say(hass, sentence, language)).startswith(answer)


async def test_built_in_sentences(
    hass: HomeAssistant, emulator: Emulator, entry: MockConfigEntry
) -> None:
    """Home Assistant's own sentences reach the light and the temperatures."""
    for word in ("on", "off"):
        assert await say(hass, f"turn {word} the {PRINTER} light")
        await hass.async_block_till_done()
        light = hass.states.get("light.adventurer_5m_pro_light")
        assert light is not None
        assert light.state == word

    answer = await say(hass, f"what is the {PRINTER} nozzle temperature")

    temperature = hass.states.get("sensor.adventurer_5m_pro_nozzle_temperature")
    assert temperature is not None
    assert temperature.state in answer


@pytest.mark.parametrize(
    ("language", "answer"),
    [
        ("en", f"Which printer? Say its name: Adventurer 5M, {PRINTER}."),
        ("de", f"Welcher Drucker? Nenne seinen Namen: Adventurer 5M, {PRINTER}."),
    ],
)
async def test_several_printers_ask_which(
    hass: HomeAssistant,
    emulator: Emulator,
    emulator_factory: EmulatorFactory,
    entry: MockConfigEntry,
    language: str,
    answer: str,
) -> None:
    """With several printers, a sentence naming none asks which, and sends nothing."""
    put_printer_in(emulator, Status.PRINTING)
    async with emulator_factory("5m", command_seconds=0) as other:
        second = entry_for(other)
        second.add_to_hass(hass)
        assert await hass.config_entries.async_setup(second.entry_id)
        await hass.async_block_till_done()
        commands = len(emulator.commands)

        sentence = {"en": "pause the print", "de": "Pausiere den Druck"}[language]

        assert await say(hass, sentence, language) == answer
        assert len(emulator.commands) == commands
        assert await hass.config_entries.async_unload(second.entry_id)


async def test_no_printer_set_up(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """With no printer loaded, a sentence naming none says so."""
    assert await hass.config_entries.async_unload(entry.entry_id)

    assert await say(hass, "what is printing") == "No FlashForge printer is set up."
