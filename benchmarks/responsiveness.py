"""Responsiveness: from a command, or a change at the printer, to Home Assistant."""

import asyncio
from collections.abc import Awaitable, Callable

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from . import control
from .fleet import Fleet, Pace
from .hass import add_printer, entity_id_of, home_assistant, state_of, time_until_state
from .measure import MS, median
from .report import Figure, Section
from .settings import Settings

TITLE = "2. Responsiveness"
HOW = """\
Wall time (`time.perf_counter`) from the start of an action to the
`state_changed` event that shows its result. Commands go through Home
Assistant (`light.turn_on`/`turn_off`, the pause and resume buttons) and the
emulator carries them out at once (`--command-seconds 0`). A change at the
printer is a light switched with a direct HTTP request to the emulator
while it prints; Home Assistant sees it at its next poll, so it is bounded by
the fast interval. Those samples are spread evenly over the poll period."""

Action = Callable[[], Awaitable[object]]


async def _latencies(
    hass: HomeAssistant,
    entity_id: str,
    steps: list[tuple[Callable[[str], bool], Action]],
) -> list[float]:
    """Run each (accept, action) step in turn and return its latency."""
    return [
        await time_until_state(hass, entity_id, accept, action)
        for accept, action in steps
    ]


def _describe(samples: list[float]) -> str:
    return (
        f"median {median(samples) * MS:.0f} ms, max {max(samples) * MS:.0f} ms "
        f"({len(samples)} samples)"
    )


def _service(hass: HomeAssistant, domain: str, service: str, entity_id: str) -> Action:
    async def call() -> None:
        await hass.services.async_call(domain, service, {"entity_id": entity_id})

    return call


async def run(settings: Settings) -> Section:
    """Measure commands, then changes made at the printer."""
    # Imported here: the setup benchmark's process imports this module and
    # must import the integration itself, timed.
    from custom_components.flashforge.const import FAST_INTERVAL  # noqa: PLC0415

    section = Section(TITLE, HOW)
    async with Fleet(1, Pace(heating_seconds=0.5)) as fleet, home_assistant() as hass:
        printer = fleet.printers[0]
        session = async_get_clientsession(hass)
        await control.start_print(session, printer)
        await control.wait_for_status(session, printer, "printing")
        entry = await add_printer(hass, printer)
        await hass.async_block_till_done()
        light = entity_id_of(hass, entry, "light", "light")
        status = entity_id_of(hass, entry, "sensor", "status")
        pause = entity_id_of(hass, entry, "button", "pause")
        resume = entity_id_of(hass, entry, "button", "resume")
        n = settings.command_samples

        def is_(wanted: str) -> Callable[[str], bool]:
            return lambda state: state == wanted

        light_samples: list[float] = []
        for _ in range(n * 2):
            target = "off" if state_of(hass, light) == "on" else "on"
            light_samples += await _latencies(
                hass,
                light,
                [(is_(target), _service(hass, "light", f"turn_{target}", light))],
            )
        section.add(Figure("light on/off → new state", _describe(light_samples)))

        pause_samples: list[float] = []
        resume_samples: list[float] = []
        for _ in range(n):
            pause_samples += await _latencies(
                hass,
                status,
                [
                    (
                        lambda s: s in {"pausing", "paused"},
                        _service(hass, "button", "press", pause),
                    )
                ],
            )
            await control.wait_for_status(session, printer, "paused")
            if state_of(hass, status) != "paused":
                # Resume is unavailable until Home Assistant sees the pause
                # done: read the printer now rather than wait for the poll.
                await time_until_state(
                    hass, status, is_("paused"), entry.runtime_data.async_refresh
                )
            resume_samples += await _latencies(
                hass,
                status,
                [(is_("printing"), _service(hass, "button", "press", resume))],
            )
        section.add(Figure("pause → status pausing/paused", _describe(pause_samples)))
        section.add(Figure("resume → status printing", _describe(resume_samples)))

        interval = FAST_INTERVAL.total_seconds()
        change_samples: list[float] = []
        for index in range(settings.change_samples):
            await asyncio.sleep(interval * index / settings.change_samples)
            on = state_of(hass, light) != "on"

            async def switch(on: bool = on) -> None:
                await control.set_light(session, printer, on=on)

            change_samples += await _latencies(
                hass, light, [(is_("on" if on else "off"), switch)]
            )
        worst = max(change_samples)
        section.add(
            Figure(
                f"change at the printer → Home Assistant (printing, fast interval {interval:g} s)",
                _describe(change_samples),
                f"≤ {interval:g} s (fast interval)",
                worst <= interval + 0.5,
            )
        )
    return section
