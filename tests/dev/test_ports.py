"""Tests of dev/ports.py: the farm's layout, busy ports, a server that never answers."""

import asyncio
import socket
import subprocess
import sys

import pytest

from dev.ports import PROFILES, farm_layout, main, parse_models
from flashforge_emulator import Emulator, get_profile

from ..integration.conftest import closed_port


@pytest.mark.parametrize(
    ("printers", "models", "expected"),
    [
        # scripts/develop's default: today's ports, the TCP API beside them.
        (
            None,
            "5m-pro",
            ["5m-pro SNFFEMU00001 http 8898 8899 8900 9899"],
        ),
        # Without a number, one printer of each model listed.
        (
            None,
            "adventurer3,ad5x",
            [
                "adventurer3 SNFFEMU00001 tcp 8898 8899 8900 9899 Adventurer 3",
                "ad5x SNFFEMU00002 http 8901 8902 8903 9900 AD5X",
            ],
        ),
        (
            2,
            "5m-pro",
            [
                "5m-pro SNFFEMU00001 http 8898 8899 8900 9899 Printer 1",
                "5m-pro SNFFEMU00002 http 8901 8902 8903 9900 Printer 2",
            ],
        ),
        # The list is cycled; the Creator 5 has no TCP API, the Adventurers
        # nothing but it; a mixed farm names each printer by its model.
        (
            6,
            "5m-pro, ADVENTURER4,creator5,adventurer3",
            [
                "5m-pro SNFFEMU00001 http 8898 8899 8900 9899 Adventurer 5M Pro",
                "adventurer4 SNFFEMU00002 tcp 8901 8902 8903 9900 Adventurer 4",
                "creator5 SNFFEMU00003 http 8904 8905 8906 - Creator 5",
                "adventurer3 SNFFEMU00004 tcp 8907 8908 8909 9902 Adventurer 3",
                "5m-pro SNFFEMU00005 http 8910 8911 8912 9903 Adventurer 5M Pro (2)",
                "adventurer4 SNFFEMU00006 tcp 8913 8914 8915 9904 Adventurer 4 (2)",
            ],
        ),
    ],
)
def test_layout_lines(
    printers: int | None,
    models: str,
    expected: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each printer gets one line with its model, serial number, API and ports."""
    count = [] if printers is None else ["--printers", str(printers)]

    assert main(["layout", *count, "--models", models]) == 0

    assert capsys.readouterr().out.splitlines() == expected


@pytest.mark.parametrize("model", sorted(PROFILES))
def test_layout_reads_the_emulators_profiles(model: str) -> None:
    """The model table dev/ports.py loads by itself is the emulator's own."""
    (printer,) = farm_layout(1, [model], 8898)
    profile = get_profile(model)

    assert printer.has_http is profile.has_http
    assert (printer.tcp_port is not None) is profile.has_tcp
    assert PROFILES[model].model_name == profile.model_name


@pytest.mark.parametrize(("base", "tcp_base"), [(8898, None), (28898, 29899)])
def test_layout_gives_every_printer_its_own_ports(
    base: int, tcp_base: int | None
) -> None:
    """No port is shared, also with the TCP ports right above the HTTP ones."""
    models = parse_models("5m,5m-pro,ad5x,creator5,adventurer3,adventurer4")
    farm = farm_layout(40, models, base, tcp_base)

    ports = [port for printer in farm for port in printer.ports]
    assert len(ports) == len(set(ports))
    assert min(ports) == base
    assert {printer.serial for printer in farm} == {
        f"SNFFEMU{i:05d}" for i in range(1, 41)
    }


def test_layout_tcp_base_moves_the_tcp_ports_only() -> None:
    """--tcp-base places the TCP APIs; the HTTP ports stay where they were."""
    (moved,) = farm_layout(1, ["adventurer4"], 28898, 40000)

    assert (moved.http_port, moved.tcp_port) == (28898, 40000)
    assert not moved.has_http


@pytest.mark.parametrize(
    ("models", "message"),
    [
        ("5m-pro,adventurer5", "unknown model 'adventurer5'"),
        (" , ", "no model given"),
    ],
)
def test_layout_refuses_unknown_models(
    models: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A typo in --models ends the script naming it, before anything starts."""
    assert main(["layout", "--models", models]) == 2

    captured = capsys.readouterr()
    assert message in captured.err
    assert not captured.out


@pytest.mark.parametrize("held", ["farm", "given"])
def test_layout_free_names_a_port_in_use(
    socket_enabled: None, capsys: pytest.CaptureFixture[str], held: str
) -> None:
    """With --free, a held port of the farm, or one given, ends it with 1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        # The held port is the first printer's HTTP API, or Home Assistant's:
        # the first ones checked, whatever else the machine holds.
        base, given = (port, closed_port()) if held == "farm" else (port + 1, port)
        argv = ["layout", "--printers", "2", "--base", str(base), "--free", str(given)]

        assert main(argv) == 1

    captured = capsys.readouterr()
    assert captured.err == f"port {port} on 127.0.0.1 is in use\n"
    assert not captured.out


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
