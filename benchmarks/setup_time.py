"""Setup: time to set up one config entry against the emulator."""

import asyncio
import dataclasses
import json
from pathlib import Path
import sys
import time

from homeassistant.setup import async_setup_component

from .fleet import Fleet, Pace, PrinterAddress
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
process runs this benchmark, so nothing of it is imported beforehand. A
single first entry moves with whatever else the machine does, so it is
timed again in as many fresh processes, each starting its own Home
Assistant the same way and adding the first printer; the figure is the
median of all of them. Later entries, each for another emulated printer,
show the per-entry cost.
What the first entry imports is then timed apart, in fresh processes that
have imported what the benchmark had before its first entry: Home
Assistant's `image` component (only the thumbnail needs it; it imports
`httpx`), then the integration with the modules Home Assistant loads with it
(`config_flow`, `diagnostics`), then its platforms (median of the rounds)."""

TARGET = 0.2
ROOT = Path(__file__).resolve().parent.parent

# Run by a fresh interpreter: prints the seconds each group of imports took.
IMPORTS = """
import importlib, json, time
import benchmarks.hass
import homeassistant.components.camera

def timed(*names):
    start = time.perf_counter()
    for name in names:
        importlib.import_module(name)
    return time.perf_counter() - start

package = "custom_components.flashforge"
image = timed("homeassistant.components.image")
integration = timed(package, package + ".config_flow", package + ".diagnostics")
platforms = importlib.import_module(package).PLATFORMS
print(json.dumps([image, integration, timed(*(f"{package}.{p}" for p in platforms))]))
"""


# Run by a fresh interpreter: prints the seconds its first entry took.
FIRST_ENTRY = """
import json, sys, time
from homeassistant.setup import async_setup_component
from benchmarks.fleet import PrinterAddress
from benchmarks.hass import add_printer, home_assistant, run_on_ha_loop

async def first_entry():
    async with home_assistant() as hass:
        if not await async_setup_component(hass, "camera", {}):
            raise RuntimeError("the camera component did not set up")
        start = time.perf_counter()
        await add_printer(hass, PrinterAddress(**json.loads(sys.argv[1])))
        return time.perf_counter() - start

print(json.dumps(run_on_ha_loop(first_entry)))
"""


async def _run_apart(script: str, *args: str) -> object:
    """Run a script in a fresh interpreter; return the JSON it prints."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        script,
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    output, _ = await process.communicate()
    if process.returncode:
        raise RuntimeError(f"a timing run exited with {process.returncode}")
    return json.loads(output)


async def _first_entry_apart(printer: PrinterAddress) -> float:
    """Return the seconds a fresh process's first entry took."""
    seconds = await _run_apart(FIRST_ENTRY, json.dumps(dataclasses.asdict(printer)))
    if not isinstance(seconds, float):
        raise TypeError(f"the first entry run printed {seconds!r}")
    return seconds


async def _import_times() -> list[float]:
    """Return the seconds of the image component's, the integration's, its platforms' imports."""
    times = await _run_apart(IMPORTS)
    if not isinstance(times, list):
        raise TypeError(f"the import timing printed {times!r}")
    return [float(seconds) for seconds in times]


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
        # Apart, while the printers still run; the process's own first entry counts too.
        firsts = [times[0]] + [
            await _first_entry_apart(fleet.printers[0])
            for _ in range(settings.setup_import_rounds)
        ]
    imports = [await _import_times() for _ in range(settings.setup_import_rounds)]
    image, integration, platforms = (
        median(list(group)) for group in zip(*imports, strict=True)
    )
    first, rest = median(firsts), times[1:]
    section.add(
        Figure(
            "first entry (with the integration's import)",
            f"median {first * MS:.0f} ms, max {max(firsts) * MS:.0f} ms "
            f"({len(firsts)} fresh processes; this benchmark's own: "
            f"{firsts[0] * MS:.0f} ms)",
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
            "of the first entry: imports, timed apart",
            f"integration {integration * MS:.0f} ms, its platforms {platforms * MS:.0f} ms, "
            f"Home Assistant's image component {image * MS:.0f} ms",
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
