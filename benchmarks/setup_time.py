"""Setup: time to set up one config entry against the emulator."""

import time

from homeassistant.setup import async_setup_component

from .fleet import Fleet, Pace
from .hass import add_printer, home_assistant
from .measure import MS, median
from .report import Figure, Section
from .settings import Settings

TITLE = "5. Setup"
HOW = """\
Home Assistant is started first (not timed), with its core integration
only; then its `camera` component is set up (timed apart), as in every
default installation, where `default_config` sets it up at start (`go2rtc`
depends on it). Then each entry is added with
`hass.config_entries.async_add`, which returns once the entry is set up:
the first poll (`/product`, `/detail`), the device and every platform's
entities. Wall time with `time.perf_counter`. The first entry also imports
the integration and its platforms, sets up the `flashforge` component and
the entity components not yet loaded (`image`, `sensor`, ...); a fresh
process runs this benchmark, so nothing of it is imported beforehand. Later
entries, each for another emulated printer, show the per-entry cost."""

TARGET = 0.2


async def run(settings: Settings) -> Section:
    """Add entries one by one and time each."""
    section = Section(TITLE, HOW)
    async with Fleet(settings.setup_entries, Pace()) as fleet, home_assistant() as hass:
        start = time.perf_counter()
        if not await async_setup_component(hass, "camera", {}):
            raise RuntimeError("the camera component did not set up")
        camera = time.perf_counter() - start
        times: list[float] = []
        for printer in fleet.printers:
            start = time.perf_counter()
            await add_printer(hass, printer)
            times.append(time.perf_counter() - start)
            await hass.async_block_till_done()
    first, rest = times[0], times[1:]
    section.add(
        Figure(
            "first entry (with the integration's import)",
            f"{first * MS:.0f} ms",
            f"< {TARGET * MS:.0f} ms",
            first < TARGET,
        )
    )
    section.add(
        Figure(
            "Home Assistant's camera component, set up before it",
            f"{camera * MS:.0f} ms (first entry on a bare core: {(camera + first) * MS:.0f} ms)",
            "",
            None,
        )
    )
    section.add(
        Figure(
            "each further entry",
            f"median {median(rest) * MS:.0f} ms, max {max(rest) * MS:.0f} ms ({len(rest)} entries)",
            f"< {TARGET * MS:.0f} ms",
            max(rest) < TARGET,
        )
    )
    return section
