"""Emulated printers in a subprocess, so their CPU and memory are not counted.

The benchmarks measure the Home Assistant process; an emulator in that
process would add the printer's own work (serving ``/detail``, writing an
upload to disk) to every figure. ``python -m benchmarks.fleet`` starts the
printers, prints one JSON line describing them, and runs until its standard
input closes, so it never outlives the benchmark that started it.
"""

import argparse
import asyncio
import contextlib
from dataclasses import dataclass
import json
import sys
import time
from typing import Self

from flashforge_emulator import Clock, Emulator

CHECK_CODE = "12345678"


@dataclass(frozen=True, slots=True)
class PrinterAddress:
    """Where an emulated printer listens and how to authenticate."""

    host: str
    port: int
    serial: str
    check_code: str
    name: str

    @property
    def base_url(self) -> str:
        """Return the printer's HTTP API root."""
        return f"http://{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class Pace:
    """How fast the emulated printers heat, print and carry out commands."""

    heating_seconds: float = 1.0
    print_seconds: float = 3600.0
    command_seconds: float = 0.0
    # Printer seconds per wall-clock second: a poll every 0.25 s of a printer
    # whose time runs 20 times faster sees what a poll every 5 s would.
    time_scale: float = 1.0


class Fleet:
    """A subprocess running emulated 5M Pro printers on 127.0.0.1."""

    def __init__(self, count: int, pace: Pace, prefix: str = "SNFFBENCH") -> None:
        """Configure the fleet; nothing runs until entered."""
        self._arguments = [
            f"--count={count}",
            f"--prefix={prefix}",
            f"--heating-seconds={pace.heating_seconds}",
            f"--print-seconds={pace.print_seconds}",
            f"--command-seconds={pace.command_seconds}",
            f"--time-scale={pace.time_scale}",
        ]
        self._process: asyncio.subprocess.Process | None = None
        self.printers: list[PrinterAddress] = []

    @property
    def pid(self) -> int:
        """Return the subprocess's id."""
        if self._process is None:
            raise RuntimeError("the fleet is not running")
        return self._process.pid

    async def __aenter__(self) -> Self:
        """Start the subprocess and read the printers' addresses."""
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "benchmarks.fleet",
            *self._arguments,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert self._process.stdout is not None  # noqa: S101 - piped above
        line = await asyncio.wait_for(self._process.stdout.readline(), 60)
        if not line:
            await self._process.wait()
            raise RuntimeError("the emulator fleet did not start")
        self.printers = [PrinterAddress(**item) for item in json.loads(line)]
        return self

    async def __aexit__(self, *_exc: object) -> None:
        """Close the subprocess's input and wait for it to stop."""
        process, self._process = self._process, None
        if process is None:
            return
        assert process.stdin is not None  # noqa: S101 - piped in __aenter__
        process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fleet")
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--prefix", default="SNFFBENCH")
    parser.add_argument("--heating-seconds", type=float, default=1.0)
    parser.add_argument("--print-seconds", type=float, default=3600.0)
    parser.add_argument("--command-seconds", type=float, default=0.0)
    parser.add_argument("--time-scale", type=float, default=1.0)
    return parser.parse_args()


async def _serve(args: argparse.Namespace) -> None:
    scale = args.time_scale
    clock = Clock(lambda: time.monotonic() * scale)
    async with contextlib.AsyncExitStack() as stack:
        emulators = [
            await stack.enter_async_context(
                Emulator(
                    "5m-pro",
                    host="127.0.0.1",
                    port=0,
                    serial=f"{args.prefix}{index:04d}",
                    check_code=CHECK_CODE,
                    name=f"Bench {index}",
                    heating_seconds=args.heating_seconds,
                    print_seconds=args.print_seconds,
                    command_seconds=args.command_seconds,
                    clock=clock,
                )
            )
            for index in range(args.count)
        ]
        addresses = [
            {
                "host": emu.host,
                "port": emu.port,
                "serial": emu.serial,
                "check_code": emu.check_code,
                "name": emu.printer.name,
            }
            for emu in emulators
        ]
        sys.stdout.write(json.dumps(addresses) + "\n")
        sys.stdout.flush()
        reader = asyncio.StreamReader()
        loop = asyncio.get_running_loop()
        await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), sys.stdin
        )
        await reader.read()  # until the benchmark closes our input


if __name__ == "__main__":
    asyncio.run(_serve(_parse_args()))
