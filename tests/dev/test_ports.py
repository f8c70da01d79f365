"""Tests of dev/ports.py: busy ports and a server that never answers."""

import asyncio
import socket
import subprocess
import sys

import pytest

from dev.ports import main
from flashforge_emulator import Emulator


def test_free_names_the_port_in_use(
    socket_enabled: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """A held port fails the check and is named; free ports pass."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]

        assert main(["free", str(port)]) == 1
        assert f"port {port} on 127.0.0.1 is in use" in capsys.readouterr().err

    assert main(["free", str(port)]) == 0


async def test_wait_returns_once_the_server_answers(
    socket_enabled: None, emulator: Emulator
) -> None:
    """Any HTTP answer, even an error status, ends the wait."""
    args = ["wait", str(emulator.port), "--path", "/nothing", "--timeout", "5"]

    assert await asyncio.to_thread(main, args) == 0


def test_wait_stops_when_the_port_stays_closed(socket_enabled: None) -> None:
    """A closed port ends the wait with 1 once the timeout passes."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    assert main(["wait", str(port), "--timeout", "0.5"]) == 1


def test_wait_stops_when_the_server_process_exits(socket_enabled: None) -> None:
    """A server process that exited ends the wait with 2 at once."""
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(gone.stdout)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    assert main(["wait", str(port), "--timeout", "60", "--pid", str(pid)]) == 2
