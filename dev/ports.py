"""Check that loopback ports are free, or wait until a web server answers.

    python dev/ports.py free 8123 8898 8899
    python dev/ports.py wait 8123 --path /manifest.json --timeout 600 --pid 4242

`free` names the first port in use and exits 1. `wait` exits 0 once an HTTP
server answers on the port, 1 when the timeout passes first, 2 when the
process --pid exits first.
"""

from __future__ import annotations

import argparse
import errno
import http.client
import os
import socket
import sys
import time


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
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
    if args.command == "free":
        for port in args.ports:
            if in_use(args.host, port):
                sys.stderr.write(f"port {port} on {args.host} is in use\n")
                return 1
        return 0
    return wait(args.host, args.port, args.path, args.timeout, args.pid)


if __name__ == "__main__":
    sys.exit(main())
