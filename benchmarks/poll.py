"""Poll cost: CPU per coordinator update against a bare ``/detail`` round trip."""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
import json
import logging
import time
from typing import Any

import aiohttp
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.entity_platform import async_get_platforms
from homeassistant.helpers.update_coordinator import TimestampDataUpdateCoordinator

from . import control
from .fleet import Fleet, Pace, PrinterAddress
from .hass import add_printer, coordinator_of, home_assistant
from .measure import MS, StateWriteCounter, cpu_of, median
from .report import Figure, Section
from .settings import Settings

TITLE = "1. Poll cost"
HOW = """\
One printer, all platforms loaded with their default entities. Each sample
is the process CPU time (`time.process_time`, every thread) of one
`await coordinator.async_refresh()`, taken in turn with one bare aiohttp
`POST /detail` (same Home Assistant client session, answer parsed with
`json.loads`) to the same emulator, and with the refresh of a second
coordinator for the same entry that no entity listens to (the client's
request and parsing and the coordinator's own work, without the entities);
ratios are of the medians. The floor is Home Assistant's own
`TimestampDataUpdateCoordinator` around the bare request, with one listener
that does nothing: what any integration polling through a coordinator pays
at least, before it parses anything or writes a state. The listener pass
(the coordinator calling the entities whose fields changed, and their
state writes) and each state write are timed inside the refreshes; the
floor plus the writes an update made, at what a write cost, is the least
any poll showing the same changes could cost. Each measurement follows the
same pause, as a poll follows its interval, so none runs on caches another
warmed. The
emulator runs in a subprocess, so only the Home Assistant side is counted.
Idle: the printer is `ready` and nothing changes. Printing: a print runs,
and the printer's clock runs faster than the wall clock so that between
two polls it moves on by the fast interval (5 s), as it would between real
polls; this also moves the end-time estimate by minutes within the run,
which adds a few writes a real printer would not cause. State writes count
both `state_changed` and `state_reported` events on the bus.
Parse cost: twenty successive answers of the printing printer, one poll
period apart, are decoded and built into `PrinterDetail`s in a loop, with
the CPU time per answer compared: orjson (the client's first decoder where
Home Assistant is) against `json.loads`, and the client's `DetailParser`
(reading only the fields whose raw value changed) against
`PrinterDetail.from_dict` (every field)."""

# Issue 14's goals: an update costs little more than the request it makes.
IDLE_TARGET = 1.05
PRINTING_TARGET = 1.15
WARM_UP = 5
# Bare request, floor, refresh without entities, refresh: each after one pause.
MEASUREMENTS_PER_ROUND = 4
# Successive printing answers for the parse cost, and passes over them.
PARSE_ANSWERS = 20
PARSE_PASSES = 50
US = 1_000_000.0


@dataclass(frozen=True, slots=True)
class Samples:
    """CPU samples of one phase and the state writes seen during them."""

    bare: list[float]
    floor: list[float]
    alone: list[float]
    poll: list[float]
    writes: StateWriteCounter
    # The coordinator's listener passes (state writes included), and the
    # entities' state writes, over all polls.
    listener_passes: CpuTally
    state_writes: CpuTally


@dataclass(slots=True)
class CpuTally:
    """The CPU time and number of calls of a timed callable."""

    seconds: float = 0.0
    calls: int = 0


def _timed(call: Callable[[], None], tally: CpuTally) -> Callable[[], None]:
    """Return call, counting its CPU time and calls in tally."""

    def timed() -> None:
        start = time.process_time()
        call()
        tally.seconds += time.process_time() - start
        tally.calls += 1

    return timed


async def _sample(
    hass: HomeAssistant,
    printer: PrinterAddress,
    alone: Callable[[], Awaitable[None]],
    settings: Settings,
) -> Samples:
    """Measure the bare request, the floor, the refresh without entities, the refresh."""
    coordinator = coordinator_of(hass.config_entries.async_entries("flashforge")[0])
    session = async_get_clientsession(hass)

    async def bare() -> dict[str, Any]:
        return await control.post_json(session, printer, "/detail")

    floor = TimestampDataUpdateCoordinator(
        hass,
        logging.getLogger(__name__),
        config_entry=coordinator.config_entry,
        name="floor",
        update_method=bare,
        update_interval=coordinator.update_interval,
        always_update=False,
    )
    unsubscribe = floor.async_add_listener(lambda: None)
    jobs: tuple[Callable[[], Awaitable[object]], ...] = (
        bare,
        floor.async_refresh,
        alone,
        coordinator.async_refresh,
    )
    for _ in range(WARM_UP):
        for job in jobs:
            await job()
    bare_cpu: list[float] = []
    floor_cpu: list[float] = []
    alone_cpu: list[float] = []
    poll_cpu: list[float] = []
    samples = (bare_cpu, floor_cpu, alone_cpu, poll_cpu)
    passes, state_writes = CpuTally(), CpuTally()
    entities = [
        entity
        for platform in async_get_platforms(hass, "flashforge")
        for entity in platform.entities.values()
    ]
    # The refresh and the entities call these on the instances: timed here,
    # the rest untouched.
    coordinator.async_update_listeners = _timed(  # type: ignore[method-assign]
        coordinator.async_update_listeners, passes
    )
    for entity in entities:
        # Final in Home Assistant: a timer on this instance, not an override.
        entity.async_write_ha_state = _timed(  # type: ignore[method-assign,misc]
            entity.async_write_ha_state, state_writes
        )
    try:
        with StateWriteCounter(hass) as writes:
            for _ in range(settings.poll_samples):
                for job, cpu in zip(jobs, samples, strict=True):
                    await asyncio.sleep(settings.poll_gap)
                    cpu.append(await cpu_of(job))
    finally:
        del coordinator.async_update_listeners
        for entity in entities:
            del entity.async_write_ha_state
        unsubscribe()
    return Samples(
        bare_cpu, floor_cpu, alone_cpu, poll_cpu, writes, passes, state_writes
    )


def _ratio(
    section: Section,
    label: str,
    cpu: list[float],
    bare: list[float],
    limit: float | None,
) -> None:
    """Add the ratio of two medians, against its target if it has one."""
    ratio = median(cpu) / median(bare)
    section.add(
        Figure(
            label,
            f"{ratio:.2f}x ({median(cpu) * MS:.3f} ms / {median(bare) * MS:.3f} ms)",
            "" if limit is None else f"≤ {limit}x",
            None if limit is None else ratio <= limit,
        )
    )


def _figures(section: Section, label: str, samples: Samples, limit: float) -> None:
    """Add a phase's ratios and state writes."""
    _ratio(
        section,
        f"{label}: CPU per update / bare `/detail`",
        samples.poll,
        samples.bare,
        limit,
    )
    _ratio(
        section,
        f"{label}, the floor (Home Assistant's coordinator around the bare"
        " request): CPU per update / bare `/detail`",
        samples.floor,
        samples.bare,
        None,
    )
    _ratio(
        section,
        f"{label}, no entity listening: CPU per update / bare `/detail`",
        samples.alone,
        samples.bare,
        None,
    )
    # What the integration adds to what polling through Home Assistant costs.
    _ratio(
        section,
        f"{label}: CPU per update / the floor",
        samples.poll,
        samples.floor,
        None,
    )
    updates = len(samples.poll)
    section.add(
        Figure(
            f"{label}: the entities' share, the listener pass per update (state writes"
            " included)",
            f"{samples.listener_passes.seconds / updates * MS:.3f} ms",
        )
    )
    if state_writes := samples.state_writes.calls:
        per_write = samples.state_writes.seconds / state_writes
        section.add(
            Figure(
                f"{label}: CPU per state write (Home Assistant's own work, timed"
                " in the entities)",
                f"{per_write * MS:.3f} ms ({state_writes} writes)",
            )
        )
        # No poll showing these changes can cost less than the floor and the
        # writes that show them.
        least = median(samples.floor) + state_writes / updates * per_write
        section.add(
            Figure(
                f"{label}: the least a poll making these writes costs (the floor"
                " and the writes) / bare `/detail`",
                f"{least / median(samples.bare):.2f}x",
            )
        )
    writes = samples.writes
    per_update = writes.total / len(samples.poll)
    busiest = (
        f" (most written over {len(samples.poll)} updates: {writes.busiest()})"
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


async def _answers(
    session: aiohttp.ClientSession, printer: PrinterAddress, gap: float
) -> list[bytes]:
    """Return successive ``/detail`` answers as sent, ``gap`` seconds apart."""
    payload = {"serialNumber": printer.serial, "checkCode": printer.check_code}
    answers = []
    for _ in range(PARSE_ANSWERS):
        await asyncio.sleep(gap)
        async with session.post(f"{printer.base_url}/detail", json=payload) as response:
            answers.append(await response.read())
    return answers


def _cpu_per_answer(job: Callable[[], object], answers: int) -> float:
    """Return the median CPU seconds per answer of a job that handles them all."""
    passes = []
    for _ in range(PARSE_PASSES):
        start = time.process_time()
        job()
        passes.append((time.process_time() - start) / answers)
    return median(passes)


def _parse_figures(section: Section, answers: list[bytes]) -> None:
    """Add what decoding and building a printing answer cost, each way."""
    from custom_components.flashforge.api import DetailParser, PrinterDetail  # noqa: PLC0415
    from custom_components.flashforge.api.http.answers import JSON_DECODERS  # noqa: PLC0415

    fastest = JSON_DECODERS[0]
    details = [json.loads(answer)["detail"] for answer in answers]
    parser = DetailParser()
    count = len(answers)
    decode = _cpu_per_answer(lambda: [fastest(answer) for answer in answers], count)
    decode_json = _cpu_per_answer(
        lambda: [json.loads(answer) for answer in answers], count
    )
    build = _cpu_per_answer(lambda: [parser.parse(data) for data in details], count)
    build_all = _cpu_per_answer(
        lambda: [PrinterDetail.from_dict(data) for data in details], count
    )
    for label, cost, baseline in (
        (f"decode with {fastest.__module__} / json.loads", decode, decode_json),
        ("build incrementally / from scratch", build, build_all),
        ("both / json.loads and from scratch", decode + build, decode_json + build_all),
    ):
        section.add(
            Figure(
                f"printing answer, {label}",
                f"{cost / baseline:.2f}x ({cost * US:.1f} us / {baseline * US:.1f} us)",
            )
        )


async def run(settings: Settings) -> Section:
    """Measure an idle, then a printing printer."""
    # Imported here: the setup benchmark's process imports this module and
    # must import the integration itself, timed.
    from custom_components.flashforge.const import FAST_INTERVAL  # noqa: PLC0415
    from custom_components.flashforge.coordinator import FlashForgeCoordinator  # noqa: PLC0415

    section = Section(TITLE, HOW)
    poll_period = MEASUREMENTS_PER_ROUND * settings.poll_gap
    async with (
        Fleet(1, Pace(time_scale=FAST_INTERVAL.total_seconds() / poll_period)) as fleet,
        home_assistant() as hass,
    ):
        printer = fleet.printers[0]
        entry = await add_printer(hass, printer)
        await hass.async_block_till_done()
        alone = FlashForgeCoordinator(hass, entry)
        _figures(
            section,
            "idle",
            await _sample(hass, printer, alone.async_refresh, settings),
            IDLE_TARGET,
        )
        session = async_get_clientsession(hass)
        await control.start_print(session, printer)
        await control.wait_for_status(session, printer, "printing")
        printing = await _sample(hass, printer, alone.async_refresh, settings)
        _figures(section, "printing", printing, PRINTING_TARGET)
        _parse_figures(section, await _answers(session, printer, poll_period))
    return section
