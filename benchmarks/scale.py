"""Scale: many printing printers in one Home Assistant instance."""

import asyncio
import time

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from . import control
from .fleet import Fleet, Pace
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
an equal period before any entry was added. A probe task sleeping 10 ms in
a loop records how late it wakes up (event-loop lag), in both periods."""

CPU_TARGET = 0.005
LAG_TARGET = 0.02
SETTLE_SECONDS = 2.0


async def _observe(
    hass: HomeAssistant, seconds: float
) -> tuple[float, LoopLagProbe, StateWriteCounter]:
    """Return the CPU share, the lag probe and the state writes over a period."""
    with LoopLagProbe() as probe, StateWriteCounter(hass) as writes:
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.sleep(seconds)
        share = (time.process_time() - cpu) / (time.perf_counter() - wall)
    return share, probe, writes


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
            "event-loop lag with the printers",
            f"{_lag(full_probe)} (without: {_lag(empty_probe)})",
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
