"""Lay out an emulated farm's ports, check they are free, wait for a server.

    python -m dev.ports layout --printers 4 --models 5m-pro,adventurer4 --free 8123
    python -m dev.ports free 8123 8898 8899
    python -m dev.ports wait 8123 --path /manifest.json --timeout 600 --pid 4242

`layout` prints one line per printer for scripts/develop (model, serial
number, "http" or "tcp" for a printer that speaks only TCP, HTTP, camera,
discovery and TCP port, "-" for a TCP API the model lacks, then its name),
exits 2 naming an unknown model, and with --free exits 1 naming the first
of the farm's ports (or the ports given) in use. `free` names the first
port in use and exits 1. `wait` exits 0 once an HTTP server answers on the
port, 1 when the timeout passes first, 2 when the process --pid exits first.
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass
import errno
import http.client
import importlib.util
import os
from pathlib import Path
import socket
import sys
import time
from types import ModuleType
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[1]


def _load_profiles() -> ModuleType:
    """Load the emulator's model table by itself.

    Importing it through its package loads the whole emulator and aiohttp,
    seconds that every scripts/develop start would wait; profiles.py needs
    nothing but the standard library.
    """
    name = "dev_farm_profiles"
    path = REPOSITORY / "flashforge_emulator" / "profiles.py"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    # Dataclasses look their module up while the class is made.
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


PROFILES: dict[str, Any] = _load_profiles().PROFILES

# Printer i's HTTP API is on base + 3i, its camera and discovery on the two
# ports above; its TCP API on tcp_base + i, by default this far above base
# (the real printers' 8899 is printer 1's camera port).
PORTS_PER_PRINTER = 3
TCP_PORT_OFFSET = 1001


@dataclass(frozen=True, slots=True)
class FarmPrinter:
    """One emulated printer of the farm and the ports it serves."""

    model: str
    serial: str
    name: str | None
    has_http: bool
    # Kept free on a TCP-only printer: the config flow finds no HTTP API there.
    http_port: int
    camera_port: int
    discovery_port: int
    tcp_port: int | None

    @property
    def ports(self) -> list[int]:
        """Return the ports the printer holds (its camera's even without one)."""
        tcp = [] if self.tcp_port is None else [self.tcp_port]
        return [self.http_port, self.camera_port, self.discovery_port, *tcp]

    def line(self) -> str:
        """Return the printer as one line of fields for the shell."""
        fields = (
            self.model,
            self.serial,
            "http" if self.has_http else "tcp",
            self.http_port,
            self.camera_port,
            self.discovery_port,
            self.tcp_port,
        )
        text = " ".join("-" if field is None else str(field) for field in fields)
        return f"{text} {self.name}" if self.name else text


def parse_models(text: str) -> list[str]:
    """Return the models of a comma-separated list; ValueError names an unknown one."""
    models = [model.strip().lower() for model in text.split(",") if model.strip()]
    if not models:
        raise ValueError("no model given")
    for model in models:
        if model not in PROFILES:
            raise ValueError(
                f"unknown model {model!r} (known: {', '.join(sorted(PROFILES))})"
            )
    return models


def farm_layout(
    printers: int, models: list[str], base: int, tcp_base: int | None = None
) -> list[FarmPrinter]:
    """Return the farm's printers: the models cycled, each on its own ports."""
    if tcp_base is None:
        tcp_base = base + TCP_PORT_OFFSET
    mixed = len(set(models)) > 1
    seen: Counter[str] = Counter()
    farm = []
    for i in range(printers):
        model = models[i % len(models)]
        profile = PROFILES[model]
        port = base + PORTS_PER_PRINTER * i
        name = None
        if mixed:
            # Named by model, so the dashboard tells them apart: "Adventurer
            # 4", and "Adventurer 4 (2)" for the second one of a model.
            seen[model] += 1
            name = profile.model_name + (f" ({seen[model]})" if seen[model] > 1 else "")
        elif printers > 1:
            name = f"Printer {i + 1}"
        farm.append(
            FarmPrinter(
                model=model,
                serial=f"SNFFEMU{i + 1:05d}",
                name=name,
                has_http=profile.has_http,
                http_port=port,
                camera_port=port + 1,
                discovery_port=port + 2,
                tcp_port=tcp_base + i if profile.has_tcp else None,
            )
        )
    return farm


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    layout = commands.add_parser("layout", help="print the farm's printers")
    layout.add_argument(
        "--printers", type=int, default=None, help="default: one per model"
    )
    layout.add_argument("--models", default="5m-pro", help="comma-separated, cycled")
    layout.add_argument("--base", type=int, default=8898, help="printer 1's HTTP port")
    layout.add_argument(
        "--tcp-base", type=int, default=None, help="printer 1's TCP port"
    )
    layout.add_argument(
        "--free",
        type=int,
        action="append",
        default=[],
        metavar="PORT",
        help="exit 1 unless this port and the farm's are free (repeat for more)",
    )
    layout.add_argument("--host", default="127.0.0.1")
    free = commands.add_parser("free", help="exit 1 if a port is in use")
    free.add_argument("ports", type=int, nargs="+")
    free.add_argument("--host", default="127.0.0.1")
    wait = commands.add_parser("wait", help="wait until an HTTP server answers")
    wait.add_argument("port", type=int)
    wait.add_argument("--host", default="127.0.0.1")
    wait.add_argument("--path", default="/")
    wait.add_argument("--timeout", type=float, default=600.0)
    wait.add_argument("--pid", type=int, help="stop waiting when it exits")
    return parser.parse_args(argv)


def in_use(host: str, port: int) -> bool:
    """Return whether something holds the TCP port on host."""
    with socket.socket() as sock:
        # A port left in TIME_WAIT by a stopped server is free to bind again.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as err:
            return err.errno == errno.EADDRINUSE
    return False


def all_free(host: str, ports: list[int]) -> bool:
    """Return whether every port is free; name the first one in use."""
    for port in ports:
        if in_use(host, port):
            sys.stderr.write(f"port {port} on {host} is in use\n")
            return False
    return True


def answers(host: str, port: int, path: str) -> bool:
    """Return whether an HTTP server on host:port answers a GET of path."""
    connection = http.client.HTTPConnection(host, port, timeout=2)
    try:
        connection.request("GET", path)
        connection.getresponse().close()
    except OSError, http.client.HTTPException:
        return False
    finally:
        connection.close()
    return True


def alive(pid: int) -> bool:
    """Return whether the process exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait(host: str, port: int, path: str, timeout: float, pid: int | None) -> int:
    """Poll the server until it answers; return the exit status."""
    deadline = time.monotonic() + timeout
    while not answers(host, port, path):
        if pid is not None and not alive(pid):
            return 2
        if time.monotonic() > deadline:
            return 1
        time.sleep(0.5)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command."""
    args = parse_args(argv)
    if args.command == "layout":
        try:
            models = parse_models(args.models)
        except ValueError as err:
            sys.stderr.write(f"{err}\n")
            return 2
        printers = len(models) if args.printers is None else args.printers
        farm = farm_layout(printers, models, args.base, args.tcp_base)
        ports = [*args.free, *(port for printer in farm for port in printer.ports)]
        if args.free and not all_free(args.host, ports):
            return 1
        for printer in farm:
            sys.stdout.write(printer.line() + "\n")
        return 0
    if args.command == "free":
        return 0 if all_free(args.host, args.ports) else 1
    return wait(args.host, args.port, args.path, args.timeout, args.pid)


if __name__ == "__main__":
    sys.exit(main())
