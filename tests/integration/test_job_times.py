"""Tests for the job's start and end time sensors: worked out by the history keeper."""

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.flashforge.api import (
    JOB_TIME_FIELDS,
    FlashForgePrinter,
    JobTimes,
)
from custom_components.flashforge.const import DOMAIN
from custom_components.flashforge.history import PrintHistoryKeeper
from flashforge_emulator import Emulator

from ..conftest import EmulatorFactory
from .job_steps import JOB_PACE, Step, cancel, clear, finish, print_half, start_printing
from .test_entity import written

START = "sensor.adventurer_5m_pro_print_start_time"
END = "sensor.adventurer_5m_pro_print_end_time"


@pytest.fixture
async def emulator(emulator_factory: EmulatorFactory) -> AsyncIterator[Emulator]:
    """Return a 5M Pro whose prints move only as far as a test advances them."""
    async with emulator_factory("5m-pro", **JOB_PACE) as emu:
        yield emu


@pytest.fixture(autouse=True)
def sensors_only() -> Iterator[None]:
    """Set up the sensor platform alone."""
    with patch("custom_components.flashforge.PLATFORMS", [Platform.SENSOR]):
        yield


def value(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state."""
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


async def poll(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> datetime:
    """Poll the printer a minute on; return that moment, to the second."""
    freezer.tick(timedelta(minutes=1))
    await entry.runtime_data.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    return dt_util.utcnow().replace(microsecond=0)


async def test_the_times_show_in_the_poll_that_changes_them(
    hass: HomeAssistant,
    emulator: Emulator,
    client: FlashForgePrinter,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The sensors show the times of the poll that changes them.

    Times a poll behind would show unknown at the start and the estimate at
    the end. Between, a poll that leaves the times as they were writes
    neither sensor.
    """
    keeper = init_integration.runtime_data.history
    await start_printing(emulator, client)
    await poll(hass, init_integration, freezer)
    job = keeper.history.open_job
    assert job is not None
    assert value(hass, START) == job.started.isoformat()
    assert value(hass, END) != STATE_UNKNOWN

    with written(hass) as writes:
        for _ in range(3):
            emulator.advance(60)
            await poll(hass, init_integration, freezer)
    assert {START, END}.isdisjoint(writes)

    await finish(emulator, client)
    ended = await poll(hass, init_integration, freezer)
    assert value(hass, START) == job.started.isoformat()
    assert value(hass, END) == ended.isoformat()


async def test_a_reader_called_before_the_keeper_reads_the_poll_s_times(
    hass: HomeAssistant,
    emulator: Emulator,
    client: FlashForgePrinter,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The times are worked out by whoever asks first: listener order does not matter.

    A second keeper starts after a listener that reads its times, so the
    coordinator calls that listener first.
    """
    coordinator = init_integration.runtime_data
    keeper = await PrintHistoryKeeper.async_load(hass, coordinator)
    read: list[JobTimes] = []
    stop_reading = coordinator.async_add_listener(
        lambda: read.append(keeper.job_times()), frozenset(JOB_TIME_FIELDS)
    )
    stop_keeping = keeper.async_start()
    try:
        await start_printing(emulator, client)
        await poll(hass, init_integration, freezer)
        assert read
        assert read[-1].started is not None
        assert read[-1].started.isoformat() == value(hass, START)
        await finish(emulator, client)
        ended = await poll(hass, init_integration, freezer)
        assert read[-1].ends == ended
        assert value(hass, END) == ended.isoformat()
    finally:
        stop_reading()
        stop_keeping()


# A restart: the steps before Home Assistant stops (each followed by a
# poll), those while it is stopped, and the end it shows after: the one
# shown before, the moment it saw the job ended, or an estimate to come.
RESTARTS: dict[str, tuple[list[Step], list[Step], str]] = {
    "a job running across the restart keeps its start": (
        [start_printing],
        [print_half],
        "estimate",
    ),
    "a job that ended keeps its start and end": (
        [start_printing, finish, clear],
        [],
        "kept",
    ),
    "a cancelled job too": ([start_printing, cancel], [], "kept"),
    "a job that ended while stopped: its start, its end when seen": (
        [start_printing],
        [finish],
        "restarted",
    ),
    "the same once cleared": ([start_printing], [finish, clear], "restarted"),
}


@pytest.mark.parametrize(("before", "stopped", "end"), RESTARTS.values(), ids=RESTARTS)
async def test_the_times_across_a_restart(
    hass: HomeAssistant,
    emulator: Emulator,
    client: FlashForgePrinter,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    before: list[Step],
    stopped: list[Step],
    end: str,
) -> None:
    """The times come back from the print history Home Assistant kept."""
    for step in before:
        await step(emulator, client)
        await poll(hass, init_integration, freezer)
    shown = (value(hass, START), value(hass, END))
    assert STATE_UNKNOWN not in shown

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    freezer.tick(timedelta(hours=1))
    for step in stopped:
        await step(emulator, client)
    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    restarted = dt_util.utcnow().replace(microsecond=0)

    assert value(hass, START) == shown[0]
    if end == "kept":
        assert value(hass, END) == shown[1]
    elif end == "restarted":
        assert value(hass, END) == restarted.isoformat()
    else:
        ends = dt_util.parse_datetime(value(hass, END))
        assert ends is not None
        assert ends > restarted


# A print history as Home Assistant stored it: two jobs, none running.
STORED: dict[str, Any] = {
    "jobs": [
        {
            "job_id": "older",
            "started": "2026-11-30T06:00:00+00:00",
            "ended": "2026-11-30T07:00:00+00:00",
            "result": "finished",
        },
        {
            "job_id": "last",
            "file_name": "Cube_PETG.gcode",
            "started": "2026-11-30T08:00:00.500000+00:00",
            "ended": "2026-11-30T09:30:00.250000+00:00",
            "result": "cancelled",
        },
    ],
    "counts": {"finished": 1, "cancelled": 1, "failed": 0},
    "open_job": None,
}


async def test_the_times_of_a_stored_history(
    hass: HomeAssistant,
    emulator: Emulator,
    config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """An idle printer shows the last job the stored history holds, to the second."""
    key = f"{DOMAIN}.history.{config_entry.entry_id}"
    hass_storage[key] = {"version": 1, "key": key, "data": STORED}
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert (value(hass, START), value(hass, END)) == (
        "2026-11-30T08:00:00+00:00",
        "2026-11-30T09:30:00+00:00",
    )


async def finish_and_clear(emu: Emulator, client: FlashForgePrinter) -> None:
    """Print to the end and clear the plate before the next poll sees the end."""
    await finish(emu, client)
    await clear(emu, client)


# Jobs whose end no poll saw, so that the print history drops them: the
# steps, each followed by a poll, and those while Home Assistant is stopped.
UNSEEN_ENDS: dict[str, tuple[list[Step], list[Step]]] = {
    "ended and cleared between two polls": ([start_printing, finish_and_clear], []),
    "ended and cleared while stopped": ([start_printing], [finish, clear]),
}


@pytest.mark.parametrize(("before", "stopped"), UNSEEN_ENDS.values(), ids=UNSEEN_ENDS)
async def test_times_of_a_job_ended_unseen_stand_across_restarts(
    hass: HomeAssistant,
    emulator: Emulator,
    client: FlashForgePrinter,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    before: list[Step],
    stopped: list[Step],
) -> None:
    """A job the history drops shows the times it showed, restart after restart."""
    entry_id = init_integration.entry_id
    for step in before:
        await step(emulator, client)
        await poll(hass, init_integration, freezer)
    shown = [(value(hass, START), value(hass, END))]
    for steps in (stopped, []):
        assert await hass.config_entries.async_unload(entry_id)
        await hass.async_block_till_done()
        freezer.tick(timedelta(hours=1))
        for step in steps:
            await step(emulator, client)
        assert await hass.config_entries.async_setup(entry_id)
        await hass.async_block_till_done(wait_background_tasks=True)
        shown.append((value(hass, START), value(hass, END)))

    assert STATE_UNKNOWN not in shown[1]
    assert shown[2] == shown[1]
    if not stopped:
        assert shown[1] == shown[0]
