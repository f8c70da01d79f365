"""Poll cost: CPU per coordinator update against a bare ``/detail`` round trip."""

import asyncio

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from . import control
from .fleet import Fleet, Pace, PrinterAddress
from .hass import add_printer, coordinator_of, home_assistant
from .measure import MS, StateWriteCounter, cpu_of, median
from .report import Figure, Section
from .settings import Settings

# The integration's default, spelled out: importing it here would take its
# import time out of the setup benchmark.
DEFAULT_FAST_INTERVAL = 5

TITLE = "1. Poll cost"
HOW = """\
One printer, all platforms loaded with their default entities. Each sample
is the process CPU time (`time.process_time`, every thread) of one
`await coordinator.async_refresh()`, taken alternately with one bare aiohttp
`POST /detail` (same Home Assistant client session, answer parsed with
`json.loads`) to the same emulator; the ratio is of the medians. Each
measurement follows the same pause, as a poll follows its interval, so
neither runs on caches the other warmed. The emulator runs in a
subprocess, so only the Home Assistant side is counted.
Idle: the printer is `ready` and nothing changes. Printing: a print runs,
and the printer's clock runs faster than the wall clock so that between
two polls it moves on by the fast interval (5 s), as it would between real
polls; this also moves the end-time estimate by minutes within the run,
which adds a few writes a real printer would not cause. State writes count
both `state_changed` and `state_reported` events on the bus."""

WARM_UP = 5


async def _sample(
    hass: HomeAssistant, entry_printer: PrinterAddress, settings: Settings
) -> tuple[list[float], list[float], StateWriteCounter]:
    """Return bare and coordinator CPU samples and the state writes seen."""
    coordinator = coordinator_of(hass.config_entries.async_entries("flashforge")[0])
    session = async_get_clientsession(hass)

    async def bare() -> None:
        await control.post_json(session, entry_printer, "/detail")

    for _ in range(WARM_UP):
        await bare()
        await coordinator.async_refresh()
    bare_cpu: list[float] = []
    poll_cpu: list[float] = []
    with StateWriteCounter(hass) as writes:
        for _ in range(settings.poll_samples):
            await asyncio.sleep(settings.poll_gap)
            bare_cpu.append(await cpu_of(bare))
            await asyncio.sleep(settings.poll_gap)
            poll_cpu.append(await cpu_of(coordinator.async_refresh))
    return bare_cpu, poll_cpu, writes


def _figures(
    section: Section,
    label: str,
    samples: tuple[list[float], list[float], StateWriteCounter],
    limit: float,
) -> None:
    bare_cpu, poll_cpu, writes = samples
    ratio = median(poll_cpu) / median(bare_cpu)
    section.add(
        Figure(
            f"{label}: CPU per update / bare `/detail`",
            f"{ratio:.2f}x ({median(poll_cpu) * MS:.3f} ms / {median(bare_cpu) * MS:.3f} ms)",
            f"≤ {limit}x",
            ratio <= limit,
        )
    )
    per_update = writes.total / len(poll_cpu)
    busiest = (
        f" (most written over {len(poll_cpu)} updates: {writes.busiest()})"
        if writes.total
        else ""
    )
    section.add(
        Figure(
            f"{label}: state writes per update",
            f"{per_update:.2f}{busiest}",
            "0" if label == "idle" else "",
            per_update == 0 if label == "idle" else None,
        )
    )


async def run(settings: Settings) -> Section:
    """Measure an idle, then a printing printer."""
    section = Section(TITLE, HOW)
    # Two pauses separate consecutive polls (the bare request sits between).
    time_scale = DEFAULT_FAST_INTERVAL / (2 * settings.poll_gap)
    async with (
        Fleet(1, Pace(time_scale=time_scale)) as fleet,
        home_assistant() as hass,
    ):
        printer = fleet.printers[0]
        await add_printer(hass, printer)
        await hass.async_block_till_done()
        idle = await _sample(hass, printer, settings)
        _figures(section, "idle", idle, 1.2)
        session = async_get_clientsession(hass)
        await control.start_print(session, printer)
        await control.wait_for_status(session, printer, "printing")
        printing = await _sample(hass, printer, settings)
        _figures(section, "printing", printing, 1.3)
    return section
