"""Tests for the print job event: what fires, when, and with what."""

from collections.abc import AsyncIterator, Iterator
from unittest.mock import patch

from homeassistant.components.event import ATTR_EVENT_TYPE, ATTR_EVENT_TYPES
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.flashforge.api import FlashForgePrinter, MachineStatus
from flashforge_emulator import Emulator

from ..conftest import EmulatorFactory
from .job_steps import (
    FILE,
    JOB_PACE,
    PAUSING_SECONDS,
    PRINT_SECONDS,
    Step,
    cancel,
    clear,
    fail,
    finish,
    heat_up,
    pause,
    print_half,
    refresh,
    resume,
    start,
)

ENTITY_ID = "event.adventurer_5m_pro_print_status"


@pytest.fixture
async def emulator(emulator_factory: EmulatorFactory) -> AsyncIterator[Emulator]:
    """Return a 5M Pro whose prints take long enough to catch every state."""
    async with emulator_factory("5m-pro", **JOB_PACE) as emu:
        yield emu


@pytest.fixture(autouse=True)
def only_events() -> Iterator[None]:
    """Set up the event platform alone."""
    with patch("custom_components.flashforge.PLATFORMS", [Platform.EVENT]):
        yield


async def toggle_light(emu: Emulator, client: FlashForgePrinter) -> None:
    """Switch the light off, changing the detail but not the job."""
    await client.set_light(False)


async def test_snapshot(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    entity_registry_enabled_by_default: None,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """The printer has one print event entity, with nothing fired yet."""
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


# How far into the job, in percent, each step leaves the Benchy.
HALF = 50.0
DONE = 100.0


@pytest.mark.parametrize(
    ("before", "step", "event_type", "progress"),
    [
        pytest.param([], start, "started", 0.0, id="ready-started"),
        pytest.param([start, heat_up, finish], clear, None, None, id="cleared"),
        pytest.param(
            [start, heat_up, finish, clear], start, "started", 0.0, id="again-started"
        ),
        pytest.param([start], heat_up, None, None, id="heated"),
        pytest.param([start], pause, "paused", 0.0, id="heating-paused"),
        pytest.param([start, heat_up], pause, "paused", 0.0, id="printing-paused"),
        pytest.param([start, pause], resume, "resumed", 0.0, id="heating-resumed"),
        pytest.param(
            [start, heat_up, print_half, pause],
            resume,
            "resumed",
            HALF,
            id="printing-resumed",
        ),
        pytest.param([start, heat_up], finish, "finished", DONE, id="finished"),
        pytest.param([start], cancel, "cancelled", 0.0, id="heating-cancelled"),
        pytest.param(
            [start, heat_up, print_half], cancel, "cancelled", HALF, id="cancelled"
        ),
        pytest.param(
            [start, heat_up, print_half, pause],
            cancel,
            "cancelled",
            HALF,
            id="paused-cancelled",
        ),
        pytest.param([start, heat_up, print_half], fail, "failed", HALF, id="failed"),
        pytest.param(
            [start, heat_up, print_half, pause],
            fail,
            "failed",
            HALF,
            id="paused-failed",
        ),
        pytest.param([], fail, None, None, id="idle-error"),
        pytest.param([start, heat_up], toggle_light, None, None, id="light"),
    ],
)
async def test_transitions(
    hass: HomeAssistant,
    emulator: Emulator,
    client: FlashForgePrinter,
    init_integration: MockConfigEntry,
    *,
    before: list[Step],
    step: Step,
    event_type: str | None,
    progress: float | None,
) -> None:
    """A step fires the event it names, seen between two polls, or none."""
    for earlier in before:
        await earlier(emulator, client)
        assert (await refresh(hass, init_integration)).state != STATE_UNAVAILABLE
    fired = hass.states.get(ENTITY_ID)
    assert fired is not None

    await step(emulator, client)
    state = await refresh(hass, init_integration)

    if event_type is None:
        assert state.state == fired.state
        assert state.attributes == fired.attributes
        return
    assert state.state != fired.state
    assert state.attributes[ATTR_EVENT_TYPE] == event_type
    assert state.attributes["file_name"] == FILE
    # The emulator's clock also runs on its own while the test does.
    assert state.attributes["progress"] == pytest.approx(progress, abs=1)
    duration = state.attributes["duration"]
    assert duration == pytest.approx(PRINT_SECONDS * (progress or 0) / 100, abs=5)


async def test_a_finished_print_reports_its_job(
    hass: HomeAssistant,
    emulator: Emulator,
    client: FlashForgePrinter,
    init_integration: MockConfigEntry,
) -> None:
    """Finishing names the job started, the file, the time it took and full progress."""
    await start(emulator, client)
    started = await refresh(hass, init_integration)
    await heat_up(emulator, client)
    await refresh(hass, init_integration)
    await finish(emulator, client)

    state = await refresh(hass, init_integration)

    assert state.attributes == {
        ATTR_EVENT_TYPES: [
            "started",
            "paused",
            "resumed",
            "finished",
            "cancelled",
            "failed",
        ],
        ATTR_EVENT_TYPE: "finished",
        "job_id": started.attributes["job_id"],
        "file_name": FILE,
        "duration": PRINT_SECONDS,
        "progress": 100.0,
        "friendly_name": "Adventurer 5M Pro Print status",
    }


async def test_pausing_then_paused_fires_once(
    hass: HomeAssistant,
    emulator: Emulator,
    client: FlashForgePrinter,
    init_integration: MockConfigEntry,
) -> None:
    """The printer parks (pausing) before it pauses; only the first is news."""
    await start(emulator, client)
    await heat_up(emulator, client)
    await refresh(hass, init_integration)

    await client.pause_print()
    paused = await refresh(hass, init_integration)
    assert init_integration.runtime_data.data.status == MachineStatus.PAUSING
    assert paused.attributes[ATTR_EVENT_TYPE] == "paused"

    emulator.advance(PAUSING_SECONDS)
    state = await refresh(hass, init_integration)
    assert init_integration.runtime_data.data.status == MachineStatus.PAUSED
    assert state.state == paused.state


async def test_nothing_fires_at_start_up(
    hass: HomeAssistant,
    emulator: Emulator,
    client: FlashForgePrinter,
    config_entry: MockConfigEntry,
) -> None:
    """A print already running when Home Assistant starts is the baseline."""
    await start(emulator, client)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    state = await refresh(hass, config_entry)

    assert config_entry.runtime_data.data.status == MachineStatus.HEATING
    assert state.state == STATE_UNKNOWN
    assert state.attributes[ATTR_EVENT_TYPE] is None

    # The baseline is a real one: the next change does fire.
    await heat_up(emulator, client)
    await finish(emulator, client)
    state = await refresh(hass, config_entry)
    assert state.attributes[ATTR_EVENT_TYPE] == "finished"


async def test_nothing_fires_on_reconnect(
    hass: HomeAssistant,
    emulator: Emulator,
    client: FlashForgePrinter,
    init_integration: MockConfigEntry,
) -> None:
    """What changed while the printer was away is the new baseline, not news."""
    await start(emulator, client)
    await heat_up(emulator, client)
    printing = await refresh(hass, init_integration)
    assert printing.attributes[ATTR_EVENT_TYPE] == "started"

    await emulator.go_offline()
    assert (await refresh(hass, init_integration)).state == STATE_UNAVAILABLE
    await finish(emulator, client)
    await emulator.come_back()

    state = await refresh(hass, init_integration)
    assert init_integration.runtime_data.data.status == MachineStatus.COMPLETED
    assert state.state == printing.state
    assert state.attributes[ATTR_EVENT_TYPE] == "started"

    # The baseline is a real one: the next print does fire.
    await clear(emulator, client)
    await refresh(hass, init_integration)
    await start(emulator, client)
    state = await refresh(hass, init_integration)
    assert state.state != printing.state
    assert state.attributes[ATTR_EVENT_TYPE] == "started"


async def test_an_offline_blip_without_change_fires_nothing(
    hass: HomeAssistant,
    emulator: Emulator,
    client: FlashForgePrinter,
    init_integration: MockConfigEntry,
) -> None:
    """Coming back to the same state is no news either."""
    await start(emulator, client)
    fired = await refresh(hass, init_integration)

    await emulator.go_offline()
    await refresh(hass, init_integration)
    await emulator.come_back()

    state = await refresh(hass, init_integration)
    assert state.state == fired.state
