"""Tests for the print history: recorded on the emulator, kept across restarts, removed."""

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.event import ATTR_EVENT_TYPE
from homeassistant.const import ATTR_DEVICE_ID, Platform
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.flashforge.api import FlashForgePrinter
from custom_components.flashforge.const import DOMAIN
from custom_components.flashforge.history import SAVE_DELAY
from flashforge_emulator import Emulator

from ..conftest import EmulatorFactory
from .conftest import entry_for
from .job_steps import (
    FILE,
    HEATING_SECONDS,
    JOB_PACE,
    PRINT_SECONDS,
    Step,
    cancel,
    clear,
    fail,
    finish,
    pause,
    refresh,
    resume,
    start_printing,
)

LAST_RESULT = "sensor.adventurer_5m_pro_last_print_result"
COUNTS = {
    result: f"sensor.adventurer_5m_pro_{result}_prints"
    for result in ("finished", "cancelled", "failed")
}


@pytest.fixture
async def emulator(emulator_factory: EmulatorFactory) -> AsyncIterator[Emulator]:
    """Return a 5M Pro whose prints move only as far as a test advances them."""
    async with emulator_factory("5m-pro", **JOB_PACE) as emu:
        yield emu


@pytest.fixture(autouse=True)
def events_and_sensors() -> Iterator[None]:
    """Set up the event and sensor platforms alone."""
    with patch(
        "custom_components.flashforge.PLATFORMS", [Platform.EVENT, Platform.SENSOR]
    ):
        yield


def storage_key(entry: MockConfigEntry) -> str:
    """Return the key of the entry's print history in Home Assistant's storage."""
    return f"{DOMAIN}.history.{entry.entry_id}"


def value(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state."""
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


async def run_job(
    hass: HomeAssistant,
    emulator: Emulator,
    client: FlashForgePrinter,
    entry: MockConfigEntry,
    end: Step,
) -> tuple[State, State]:
    """Run a job from start to its end; return the event states at both."""
    await start_printing(emulator, client)
    started = await refresh(hass, entry)
    emulator.advance(PRINT_SECONDS / 2)
    await refresh(hass, entry)
    await end(emulator, client)
    ended = await refresh(hass, entry)
    await clear(emulator, client)
    await refresh(hass, entry)
    return started, ended


async def get_history(
    hass: HomeAssistant, entry: MockConfigEntry, **data: Any
) -> dict[str, Any]:
    """Call the action for the entry's printer; return its answer for it."""
    (device,) = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    response = await hass.services.async_call(
        DOMAIN,
        "get_print_history",
        {ATTR_DEVICE_ID: device.id, **data},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    answer: dict[str, Any] = response[device.id]  # type: ignore[assignment]
    return answer


@pytest.mark.parametrize(
    ("end", "result", "duration"),
    [
        pytest.param(finish, "finished", PRINT_SECONDS, id="finished"),
        pytest.param(cancel, "cancelled", PRINT_SECONDS / 2, id="cancelled"),
        pytest.param(fail, "failed", PRINT_SECONDS / 2, id="failed"),
    ],
)
async def test_a_job_is_recorded_when_it_ends(
    hass: HomeAssistant,
    emulator: Emulator,
    client: FlashForgePrinter,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    *,
    end: Step,
    result: str,
    duration: float,
) -> None:
    """The job's id is the same at start and end; the record, sensors and store tell it."""
    assert value(hass, LAST_RESULT) == "unknown"
    assert value(hass, COUNTS[result]) == "0"

    started, ended = await run_job(hass, emulator, client, init_integration, end)

    assert started.attributes[ATTR_EVENT_TYPE] == "started"
    assert ended.attributes[ATTR_EVENT_TYPE] == result
    job_id = started.attributes["job_id"]
    assert ended.attributes["job_id"] == job_id
    assert value(hass, LAST_RESULT) == result
    assert {key: value(hass, entity) for key, entity in COUNTS.items()} == {
        key: "1" if key == result else "0" for key in COUNTS
    }
    answer = await get_history(hass, init_integration)
    (job,) = answer["jobs"]
    assert job["job_id"] == job_id
    assert job["result"] == result
    assert job["file_name"] == FILE
    assert job["duration"] == pytest.approx(duration, abs=5)
    assert job["filament_weight"] is not None
    assert job["layers"] is not None
    assert answer["current_job"] is None

    # Written a little later, not at each poll.
    assert storage_key(init_integration) not in hass_storage
    freezer.tick(timedelta(seconds=SAVE_DELAY + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    stored = hass_storage[storage_key(init_integration)]["data"]
    assert [job["job_id"] for job in stored["jobs"]] == [job_id]


async def test_the_action_filters_by_count_and_result(
    hass: HomeAssistant,
    emulator: Emulator,
    client: FlashForgePrinter,
    init_integration: MockConfigEntry,
) -> None:
    """Jobs come newest first, of the result asked, at most as many as asked."""
    for end in (finish, cancel, finish):
        await run_job(hass, emulator, client, init_integration, end)

    every = await get_history(hass, init_integration)
    assert [job["result"] for job in every["jobs"]] == [
        "finished",
        "cancelled",
        "finished",
    ]
    assert every["counts"] == {"finished": 2, "cancelled": 1, "failed": 0}
    newest = await get_history(hass, init_integration, count=1)
    assert newest["jobs"] == every["jobs"][:1]
    finished = await get_history(hass, init_integration, result="finished")
    assert finished["jobs"] == [every["jobs"][0], every["jobs"][2]]
    assert (await get_history(hass, init_integration, result="failed"))["jobs"] == []


async def test_the_history_and_the_open_job_survive_a_restart(
    hass: HomeAssistant,
    emulator: Emulator,
    client: FlashForgePrinter,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """A job started before Home Assistant stopped ends with its own id after."""
    await run_job(hass, emulator, client, init_integration, cancel)
    await start_printing(emulator, client)
    started = await refresh(hass, init_integration)
    job_id = started.attributes["job_id"]

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    stored = hass_storage[storage_key(init_integration)]["data"]
    assert stored["open_job"]["job_id"] == job_id
    emulator.advance(PRINT_SECONDS / 2)
    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done()

    assert value(hass, COUNTS["cancelled"]) == "1"
    assert (await get_history(hass, init_integration))["current_job"]["job_id"] == (
        job_id
    )
    await finish(emulator, client)
    ended = await refresh(hass, init_integration)
    assert ended.attributes[ATTR_EVENT_TYPE] == "finished"
    assert ended.attributes["job_id"] == job_id
    jobs = (await get_history(hass, init_integration))["jobs"]
    assert (jobs[0]["job_id"], jobs[0]["result"]) == (job_id, "finished")
    assert jobs[0]["started"] == stored["open_job"]["started"]


async def test_a_job_running_before_home_assistant_started_it_by_its_printed_time(
    hass: HomeAssistant,
    emulator: Emulator,
    client: FlashForgePrinter,
    config_entry: MockConfigEntry,
) -> None:
    """A job seen first while printing began as long ago as it has printed."""
    await start_printing(emulator, client)
    emulator.advance(PRINT_SECONDS / 2)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    job = (await get_history(hass, config_entry))["current_job"]
    started = dt_util.parse_datetime(job["started"])
    assert started is not None
    printed = (dt_util.utcnow() - started).total_seconds()
    assert printed == pytest.approx(PRINT_SECONDS / 2, abs=5)


async def test_a_job_that_ended_while_home_assistant_was_stopped_is_recorded(
    hass: HomeAssistant,
    emulator: Emulator,
    client: FlashForgePrinter,
    init_integration: MockConfigEntry,
) -> None:
    """The printer still shows how the job ended: it is recorded, without an event."""
    await start_printing(emulator, client)
    started = await refresh(hass, init_integration)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await finish(emulator, client)

    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done()

    (job,) = (await get_history(hass, init_integration))["jobs"]
    assert (job["job_id"], job["result"]) == (started.attributes["job_id"], "finished")
    assert value(hass, LAST_RESULT) == "finished"


async def test_the_history_is_kept_without_the_event_entity(
    hass: HomeAssistant,
    emulator: Emulator,
    client: FlashForgePrinter,
    config_entry: MockConfigEntry,
) -> None:
    """The history follows the printer itself, not the event entity."""
    config_entry.add_to_hass(hass)
    with patch("custom_components.flashforge.PLATFORMS", [Platform.SENSOR]):
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await hass.async_block_till_done()
        await start_printing(emulator, client)
        await config_entry.runtime_data.async_refresh()
        await finish(emulator, client)
        await config_entry.runtime_data.async_refresh()
        await hass.async_block_till_done()

    assert not er.async_entries_for_config_entry(
        er.async_get(hass), config_entry.entry_id
    )[0].entity_id.startswith(Platform.EVENT)
    assert value(hass, COUNTS["finished"]) == "1"


async def test_the_history_shows_while_the_printer_is_away(
    hass: HomeAssistant,
    emulator: Emulator,
    init_integration: MockConfigEntry,
) -> None:
    """The history is Home Assistant's: its sensors and action answer without the printer."""
    await emulator.go_offline()
    await refresh(hass, init_integration)

    assert value(hass, COUNTS["finished"]) == "0"
    assert (await get_history(hass, init_integration))["jobs"] == []


async def test_a_damaged_store_reads_as_empty(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """A store that cannot be read sets up with an empty history."""
    hass_storage[storage_key(config_entry)] = {
        "version": 1,
        "key": storage_key(config_entry),
        "data": ["not", "a", "history"],
    }
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert value(hass, COUNTS["failed"]) == "0"
    assert value(hass, LAST_RESULT) == "unknown"


async def test_removing_the_entry_removes_its_history(
    hass: HomeAssistant,
    emulator: Emulator,
    client: FlashForgePrinter,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """A printer removed takes its print history along."""
    await run_job(hass, emulator, client, init_integration, finish)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert storage_key(init_integration) in hass_storage

    await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()

    assert storage_key(init_integration) not in hass_storage


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"count": 0}, "count"),
        ({"count": 501}, "count"),
        ({"count": "many"}, "count"),
        ({"result": "exploded"}, "result"),
    ],
)
async def test_the_action_refuses_bad_filters(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    data: dict[str, Any],
    field: str,
) -> None:
    """A count is 1 to 500 and a result one of the three ends."""
    with pytest.raises(Exception, match=field):
        await get_history(hass, init_integration, **data)


async def test_each_event_of_a_job_carries_its_id(
    hass: HomeAssistant,
    emulator: Emulator,
    client: FlashForgePrinter,
    init_integration: MockConfigEntry,
) -> None:
    """Started, paused, resumed and finished name one job; the next job another."""
    fired: list[tuple[str, str]] = []

    async def step(action: Step) -> None:
        await action(emulator, client)
        state = await refresh(hass, init_integration)
        fired.append((state.attributes[ATTR_EVENT_TYPE], state.attributes["job_id"]))

    for action in (start_printing, pause, resume, finish, clear, start_printing):
        await step(action)

    assert [event for event, _ in fired] == [
        "started",
        "paused",
        "resumed",
        "finished",
        "finished",
        "started",
    ]
    ids = [job_id for _, job_id in fired]
    assert len(set(ids[:5])) == 1
    assert ids[5] != ids[0]


async def test_a_tcp_printer_keeps_a_history_too(
    hass: HomeAssistant, emulator_factory: EmulatorFactory
) -> None:
    """An Adventurer 4 (the TCP API only) records its jobs, without a duration."""
    async with emulator_factory(
        "adventurer4",
        command_seconds=0,
        heating_seconds=HEATING_SECONDS,
        print_seconds=PRINT_SECONDS,
    ) as adventurer4:
        entry = entry_for(adventurer4, extras=True)
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        printer: FlashForgePrinter = entry.runtime_data.printer
        await printer.print_file(next(iter(adventurer4.files)))
        adventurer4.advance(HEATING_SECONDS + PRINT_SECONDS / 2)
        started = await refresh(hass, entry)
        adventurer4.advance(PRINT_SECONDS)
        ended = await refresh(hass, entry)

        (job,) = (await get_history(hass, entry))["jobs"]
        assert job["job_id"] == started.attributes["job_id"]
        assert job["job_id"] == ended.attributes["job_id"]
        assert job["result"] == "finished"
        assert job["duration"] is None
        assert value(hass, "sensor.adventurer_4_finished_prints") == "1"
        assert await hass.config_entries.async_unload(entry.entry_id)
