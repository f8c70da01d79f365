"""Run an emulated printer from the command line until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from .emulator import Emulator
from .profiles import PROFILES


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m flashforge_emulator",
        description=(
            "Emulate a FlashForge printer's HTTP API and legacy TCP API"
            " (and camera, discovery)."
        ),
    )
    parser.add_argument("--model", choices=sorted(PROFILES), default="5m-pro")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--port", type=int, default=8898, help="HTTP API port (0: any free port)"
    )
    parser.add_argument(
        "--tcp-port",
        type=int,
        default=8899,
        help="legacy TCP API port, for models that have one (0: any free port)",
    )
    parser.add_argument(
        "--camera-port", type=int, default=8080, help="MJPEG port (0: any free port)"
    )
    parser.add_argument(
        "--discovery-port",
        type=int,
        default=None,
        help="UDP discovery port (default: off)",
    )
    parser.add_argument("--serial", default="SNFFEMU00001")
    parser.add_argument("--check-code", default="12345678")
    parser.add_argument(
        "--name", default=None, help="printer name (default: the model's)"
    )
    parser.add_argument("--heating-seconds", type=float, default=30.0)
    parser.add_argument("--print-seconds", type=float, default=300.0)
    parser.add_argument("--command-seconds", type=float, default=0.05)
    parser.add_argument(
        "--storage-dir", default=None, help="keep uploads here (default: temporary)"
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="loop a demo print: start, heat, print, complete, clear, again",
    )
    parser.add_argument(
        "--demo-pause-seconds",
        type=float,
        default=20.0,
        help="with --demo: how long a finished print stays on the plate, and"
        " the printer then stays ready",
    )
    return parser.parse_args(argv)


DEMO_FILE = "3DBenchy_PLA.gcode"


async def demo_loop(emu: Emulator, idle_seconds: float) -> None:
    """Print forever, as a printer on show would: ready, print, clear, again.

    A print the user pauses stays paused; a cancelled or completed one is
    cleared after idle_seconds, and the next starts idle_seconds later.
    """
    loop = asyncio.get_running_loop()
    last_status = ""
    since = loop.time() - idle_seconds  # the first print starts at once
    while True:
        state = emu.printer
        status = state.status.value
        now = loop.time()
        if status != last_status:
            if last_status:
                since = now
            last_status = status
        waited = now - since
        if status == "ready" and waited >= idle_seconds:
            name = DEMO_FILE if DEMO_FILE in emu.files else next(iter(emu.files), None)
            if name is not None:
                state.start_print(name, emu.files[name].meta)
                emu.core.store.touch(name)
        elif status in ("completed", "cancel") and waited >= idle_seconds:
            state.apply_command("stateCtrl_cmd", {"action": "setClearPlatform"})
        await asyncio.sleep(0.5)


async def run(args: argparse.Namespace) -> None:
    """Serve until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(sig, stop.set)
    async with Emulator(
        args.model,
        serial=args.serial,
        check_code=args.check_code,
        host=args.host,
        port=args.port,
        camera_port=args.camera_port,
        discovery_port=args.discovery_port,
        tcp_port=args.tcp_port,
        heating_seconds=args.heating_seconds,
        print_seconds=args.print_seconds,
        command_seconds=args.command_seconds,
        storage_dir=args.storage_dir,
        name=args.name,
    ) as emu:
        print(f"FlashForge emulator: {emu.profile.model_name} ({emu.printer.name})")
        print(f"  serial number: {emu.serial}")
        if emu.profile.has_http:
            print(f"  check code:    {emu.check_code}")
            print(f"  HTTP API:      {emu.base_url}")
        if emu.tcp_port is not None:
            print(f"  TCP API:       {emu.host}:{emu.tcp_port}")
        if emu.camera_url:
            print(f"  camera:        {emu.camera_url}")
        if emu.discovery_port is not None:
            print(f"  discovery:     udp://{emu.host}:{emu.discovery_port}")
        demo = None
        if args.demo:
            print(f"  demo:          printing {DEMO_FILE} in a loop")
            demo = asyncio.create_task(demo_loop(emu, args.demo_pause_seconds))
        print("Press Ctrl-C to stop.", flush=True)
        await stop.wait()
        if demo is not None:
            demo.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await demo
    print("Stopped.", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return the exit status."""
    args = parse_args(argv)
    try:
        asyncio.run(run(args))
    except KeyboardInterrupt:
        pass  # Ctrl-C before the signal handlers were installed
    except OSError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
