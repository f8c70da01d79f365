"""Run one benchmark in this process and write its section as JSON.

``python -m benchmarks.one NAME OUTPUT [--quick]``: the orchestrator runs
every benchmark in a fresh process, so imports, caches and memory left by
one do not colour the next (the setup benchmark's first entry includes the
integration's import, the upload's memory baseline is clean).
"""

import argparse
from collections.abc import Awaitable, Callable
import dataclasses
import json
from pathlib import Path
import time

from . import poll, responsiveness, scale, setup_time, upload
from .hass import run_on_ha_loop
from .report import Section
from .settings import FULL, QUICK, Settings

BENCHMARKS: dict[str, Callable[[Settings], Awaitable[Section]]] = {
    "poll": poll.run,
    "responsiveness": responsiveness.run,
    "upload": upload.run,
    "scale": scale.run,
    "setup": setup_time.run,
}


def main() -> None:
    """Run the benchmark named on the command line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.one")
    parser.add_argument("name", choices=sorted(BENCHMARKS))
    parser.add_argument("output", type=Path)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    settings = QUICK if args.quick else FULL
    benchmark = BENCHMARKS[args.name]

    async def go() -> Section:
        return await benchmark(settings)

    start = time.perf_counter()
    section = run_on_ha_loop(go)
    section.seconds = time.perf_counter() - start
    args.output.write_text(json.dumps(dataclasses.asdict(section)), encoding="utf-8")


if __name__ == "__main__":
    main()
