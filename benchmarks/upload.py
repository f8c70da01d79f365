"""Upload: ``flashforge.upload_file`` against a plain aiohttp upload."""

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
import tempfile
import time

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from . import control
from .fleet import Fleet, Pace, PrinterAddress
from .hass import DOMAIN, add_printer, device_id_of, home_assistant
from .measure import MB, RssSampler
from .report import Figure, Section
from .settings import Settings

TITLE = "3. Upload"
HOW = """\
The same G-code file (pseudo-random moves) is sent to the same emulator by
the `flashforge.upload_file` action (`blocking=True`, its `/detail` check
included) and by a plain aiohttp upload (`aiohttp.MultipartWriter` around
the open file, same headers, same Home Assistant client session),
alternately; throughput is size / wall time, best of the rounds, and the
ratio is action / plain. The emulator runs in a subprocess, so its disk
writes and memory are not counted. Memory growth is the peak resident set
size of the Home Assistant process (sampled every 5 ms from a thread with
psutil) minus its size just before the upload; the worst round counts.
One 1 MB upload each way runs first and is not counted."""

MEMORY_LIMIT_MB = 32
RATIO_TARGET = 0.9


def _write_gcode(path: Path, size: int) -> None:
    """Write a G-code file of exactly `size` bytes."""
    block = "".join(
        f"G1 X{(i * 37) % 220}.{i % 10} Y{(i * 91) % 220}.{i % 7} E{i % 97}.0{i % 9}\n"
        for i in range(20000)
    ).encode()
    with path.open("wb") as handle:
        handle.write(b";FLAVOR:Marlin\n;benchmark file\n")
        remaining = size - handle.tell()
        while remaining > 0:
            remaining -= handle.write(block[:remaining])


async def _timed(job: Callable[[], Awaitable[object]]) -> tuple[float, int]:
    """Return the job's wall seconds and the process's peak memory growth."""
    with RssSampler() as memory:
        start = time.perf_counter()
        await job()
        seconds = time.perf_counter() - start
    return seconds, memory.growth


async def _compare(
    hass: HomeAssistant,
    printer: PrinterAddress,
    device_id: str,
    path: Path,
    rounds: int,
) -> tuple[list[tuple[float, int]], list[tuple[float, int]]]:
    """Upload the file both ways, alternately; return (seconds, growth) of each."""
    session = async_get_clientsession(hass)

    async def action() -> None:
        await hass.services.async_call(
            DOMAIN,
            "upload_file",
            {"device_id": [device_id], "file_path": str(path)},
            blocking=True,
        )

    async def plain() -> None:
        await control.plain_upload(session, printer, path)

    ours: list[tuple[float, int]] = []
    theirs: list[tuple[float, int]] = []
    for _ in range(rounds):
        ours.append(await _timed(action))
        theirs.append(await _timed(plain))
    return ours, theirs


def _figures(
    section: Section,
    size_mb: int,
    ours: list[tuple[float, int]],
    theirs: list[tuple[float, int]],
) -> None:
    ours_speed = size_mb / min(seconds for seconds, _ in ours)
    theirs_speed = size_mb / min(seconds for seconds, _ in theirs)
    ratio = ours_speed / theirs_speed
    section.add(
        Figure(
            f"{size_mb} MB: throughput, action / plain aiohttp",
            f"{ratio:.2f} ({ours_speed:.0f} MB/s / {theirs_speed:.0f} MB/s)",
            f"≥ {RATIO_TARGET}",
            ratio >= RATIO_TARGET,
        )
    )
    growth = max(g for _, g in ours) / MB
    plain_growth = max(g for _, g in theirs) / MB
    section.add(
        Figure(
            f"{size_mb} MB: peak memory growth during the action",
            f"{growth:.1f} MB (plain aiohttp: {plain_growth:.1f} MB)",
            f"< {MEMORY_LIMIT_MB} MB",
            growth < MEMORY_LIMIT_MB,
        )
    )


async def run(settings: Settings) -> Section:
    """Upload each file size a few times both ways."""
    section = Section(TITLE, HOW)
    with tempfile.TemporaryDirectory(prefix="flashforge-bench-files-") as folder:
        directory = Path(folder)
        async with (
            Fleet(1, Pace()) as fleet,
            home_assistant(allowed_dirs=(directory,)) as hass,
        ):
            printer = fleet.printers[0]
            entry = await add_printer(hass, printer)
            await hass.async_block_till_done()
            device_id = device_id_of(hass, entry)
            # Once each way, uncounted: first-call work (lazy imports,
            # connection set-up) is not what grows with the file.
            warm_up = directory / "warm_up.gcode"
            await asyncio.to_thread(_write_gcode, warm_up, MB)
            await _compare(hass, printer, device_id, warm_up, 1)
            for size_mb in settings.upload_sizes_mb:
                path = directory / f"bench_{size_mb}MB.gcode"
                await asyncio.to_thread(_write_gcode, path, size_mb * MB)
                ours, theirs = await _compare(
                    hass, printer, device_id, path, settings.upload_rounds
                )
                await asyncio.to_thread(path.unlink)
                _figures(section, size_mb, ours, theirs)
    return section
