"""Scale: many printing printers in one Home Assistant instance."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from functools import partial
import logging
import time

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.update_coordinator import TimestampDataUpdateCoordinator

from . import control
from .fleet import Fleet, Pace, PrinterAddress
from .hass import add_printer, home_assistant
from .measure import MS, LoopLagProbe, StateWriteCounter, percentile
from .report import Figure, Section
from .settings import Settings

TITLE = "4. Scale"
HOW = """\
All emulated printers run in one subprocess and print throughout; their
entries are set up in one Home Assistant instance at the fixed intervals.
Over a fixed period, the Home Assistant process's CPU time
(`time.process_time`) divided by the wall time is its share of one core;
the integration's share is that minus the share of the same instance over
an equal period before any entry was added. The floor is measured over an
equal period in between, with the printers printing and no entry: one of
Home Assistant's own `TimestampDataUpdateCoordinator`s per printer around
the bare `POST /detail` (answer parsed with `json.loads`), at the interval
the integration polls a printing printer, each with one listener that does
nothing; it is what polling these printers through Home Assistant costs
before anything is parsed or a state written (the poll cost section's floor,
50 times over). A probe task sleeping 10 ms in a loop records how late it
wakes up (event-loop lag), in every period."""

CPU_TARGET = 0.005
LAG_TARGET = 0.02
SETTLE_SECONDS = 2.0
# The interval the integration polls a printing printer at (const.FAST_INTERVAL;
# not imported, so that this module does not import the integration).
PRINTING_INTERVAL = timedelta(seconds=5)


async def _observe(
    hass: HomeAssistant, seconds: float
) -> tuple[float, LoopLagProbe, StateWriteCounter]:
    """Return the CPU share, the lag probe and the state writes over a period."""
    with LoopLagProbe() as probe, StateWriteCounter(hass) as writes:
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.sleep(seconds)
        share = (time.process_time() - cpu) / (time.perf_counter() - wall)
    return share, probe, writes


@asynccontextmanager
async def _floor(
    hass: HomeAssistant, printers: list[PrinterAddress]
) -> AsyncIterator[None]:
    """Poll every printer with a bare request through Home Assistant's coordinator."""
    session = async_get_clientsession(hass)
    coordinators = [
        TimestampDataUpdateCoordinator(
            hass,
            logging.getLogger(__name__),
            config_entry=None,
            name=f"floor {printer.serial}",
            update_method=partial(control.post_json, session, printer, "/detail"),
            update_interval=PRINTING_INTERVAL,
            always_update=False,
        )
        for printer in printers
    ]
    # Started together, as the entries are set up together.
    await asyncio.gather(*(c.async_refresh() for c in coordinators))
    unsubscribes = [c.async_add_listener(lambda: None) for c in coordinators]
    try:
        yield
    finally:
        for unsubscribe in unsubscribes:
            unsubscribe()
        for coordinator in coordinators:
            await coordinator.async_shutdown()


def _lag(probe: LoopLagProbe) -> str:
    return f"worst {probe.worst * MS:.1f} ms, p99 {percentile(probe.lags, 0.99) * MS:.1f} ms"


async def run(settings: Settings) -> Section:
    """Measure an empty instance, then the same with every printer printing."""
    section = Section(TITLE, HOW)
    count, seconds = settings.scale_printers, settings.scale_seconds
    async with Fleet(count, Pace()) as fleet, home_assistant() as hass:
        await asyncio.sleep(SETTLE_SECONDS)
        empty_share, empty_probe, _ = await _observe(hass, seconds)
        session = async_get_clientsession(hass)
        await asyncio.gather(*(control.start_print(session, p) for p in fleet.printers))
        async with _floor(hass, fleet.printers):
            await asyncio.sleep(SETTLE_SECONDS)
            floor_share, floor_probe, _ = await _observe(hass, seconds)
        # Printing before setup, so every coordinator starts at the fast interval.
        await asyncio.gather(*(add_printer(hass, p) for p in fleet.printers))
        await hass.async_block_till_done()
        await asyncio.sleep(SETTLE_SECONDS)
        full_share, full_probe, writes = await _observe(hass, seconds)
        states = len(hass.states.async_all())
    ours = full_share - empty_share
    section.add(
        Figure(
            f"{count} printing printers, {seconds:.0f} s: integration's CPU share of one core",
            f"{ours:.2%} ({full_share:.2%} with, {empty_share:.2%} without)",
            f"≤ {CPU_TARGET:.1%}",
            ours <= CPU_TARGET,
        )
    )
    section.add(
        Figure(
            f"the floor ({count} of Home Assistant's coordinators around the bare request): "
            "CPU share of one core",
            f"{floor_share - empty_share:.2%} ({floor_share:.2%} with, "
            f"{empty_share:.2%} without)",
        )
    )
    section.add(
        Figure(
            "event-loop lag with the printers",
            f"{_lag(full_probe)} (floor: {_lag(floor_probe)}; "
            f"without: {_lag(empty_probe)})",
            f"worst < {LAG_TARGET * MS:.0f} ms",
            full_probe.worst < LAG_TARGET,
        )
    )
    section.add(
        Figure(
            "entities and state writes",
            f"{states} states; {writes.total / seconds:.1f} writes/s; "
            f"most written: {writes.busiest(4)}",
        )
    )
    return section
