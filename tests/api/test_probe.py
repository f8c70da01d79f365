"""Tests for finding out which APIs a printer speaks, against the emulator on loopback."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
from dataclasses import replace

import pytest

from custom_components.flashforge.api.probe import PrinterProbe, probe_printer
from custom_components.flashforge.api.tcp.models import LegacyInfo
from flashforge_emulator import Emulator, FaultKind, get_profile
from tests.conftest import EmulatorFactory
from tests.emulator.helpers import tcp_session

from ..integration.conftest import closed_port

TIMEOUT = 1.0

type PeerBehaviour = Callable[
    [asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]
]


async def probe(emu: Emulator, **ports: int) -> PrinterProbe:
    """Probe an emulator at its ports; a model without an API gets a closed port."""
    return await probe_printer(
        emu.host,
        session=None,
        request_timeout=TIMEOUT,
        port=ports.get("port", emu.port or closed_port()),
        tcp_port=ports.get("tcp_port", emu.tcp_port or closed_port()),
    )


@pytest.mark.parametrize(
    ("model", "http", "machine_type"),
    [
        ("5m-pro", True, "Flashforge Adventurer 5M Pro"),
        ("ad5x", True, "Flashforge AD5X"),
        ("adventurer3", False, "FlashForge Adventurer III"),
        ("adventurer4", False, "Flashforge Adventurer 4"),
        ("creator5", True, None),
    ],
)
async def test_probe_finds_each_api(
    emulator_factory: EmulatorFactory,
    model: str,
    http: bool,
    machine_type: str | None,
) -> None:
    """8898 answers where the model has the HTTP API, M115 where it has the TCP API."""
    async with emulator_factory(model, serial="SNPROBE0001") as emu:
        found = await probe(emu)

    assert found.http is http
    assert found.tcp_in_use is False
    assert found.has_tcp is (machine_type is not None)
    if machine_type is None:
        assert found.tcp is None
    else:
        assert found.tcp is not None
        assert found.tcp.machine_type == machine_type
        assert found.tcp.unique_id == "SNPROBE0001"
    assert found.http_firmware_missing is False


@pytest.mark.usefixtures("socket_enabled")
async def test_probe_where_nothing_listens() -> None:
    """Closed ports are no API, not an error."""
    found = await probe_printer(
        "127.0.0.1",
        session=None,
        request_timeout=TIMEOUT,
        port=closed_port(),
        tcp_port=closed_port(),
    )

    assert found == PrinterProbe(http=False, tcp=None, tcp_in_use=False)
    assert found.has_tcp is False


async def test_tcp_in_use_counts_as_present(emulator_factory: EmulatorFactory) -> None:
    """Control held by another program: the TCP API is there, M115 unread."""
    async with emulator_factory("adventurer4") as emu, tcp_session(emu):
        found = await probe(emu)

    assert found == PrinterProbe(http=False, tcp=None, tcp_in_use=True)
    assert found.has_tcp is True


@pytest.mark.parametrize(
    ("fault", "http"),
    [
        (FaultKind.HTML_ERROR, True),
        (FaultKind.INVALID_JSON, True),
        (FaultKind.DROP, False),
    ],
)
async def test_http_port_answers_or_not(
    emulator_factory: EmulatorFactory, fault: FaultKind, http: bool
) -> None:
    """Any answer on the HTTP port counts (the read with credentials explains it)."""
    async with emulator_factory("creator5") as emu:
        emu.add_fault(fault, "/detail")

        found = await probe(emu)

    assert found.http is http


async def test_http_refusal_is_the_api(emulator: Emulator) -> None:
    """The printer refuses a request without credentials: that answer tells the API."""
    found = await probe(emulator, tcp_port=closed_port())

    assert found.http is True
    assert found.tcp is None
    assert emulator.request_counts["/detail"] == 1


async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Take the connection and never answer."""
    await reader.read()


async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answer whatever comes with lines of no reply's form, then hang up."""
    await reader.readline()
    writer.write(b"\xff\xfe garbage\r\n" * 10 + b"ok\r\n")
    await writer.drain()
    writer.close()


@contextlib.asynccontextmanager
async def tcp_peer(behaviour: PeerBehaviour) -> AsyncIterator[int]:
    """Serve a misbehaving TCP peer on a loopback port."""
    server = await asyncio.start_server(behaviour, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        server.close_clients()
        await server.wait_closed()


@pytest.mark.usefixtures("socket_enabled")
@pytest.mark.parametrize("behaviour", [silent, garbage])
async def test_tcp_port_that_is_not_the_api(behaviour: PeerBehaviour) -> None:
    """A TCP port that does not answer M115 as a printer does is no TCP API."""
    async with tcp_peer(behaviour) as port:
        found = await probe_printer(
            "127.0.0.1",
            session=None,
            request_timeout=0.3,
            port=closed_port(),
            tcp_port=port,
        )

    assert found == PrinterProbe(http=False, tcp=None, tcp_in_use=False)


async def test_old_5m_firmware_is_told(emulator_factory: EmulatorFactory) -> None:
    """A 5M before 3.1.3 tells its firmware over TCP: it is to be added as TCP."""
    profile = replace(get_profile("5m"), firmware_version="3.0.9")
    async with emulator_factory(profile) as emu:
        found = await probe(emu)

    assert found.http is True
    assert found.tcp is not None
    assert found.http_firmware_missing is True


def info(machine_type: str | None, firmware_version: str | None) -> LegacyInfo:
    """Return what M115 tells of a machine type and firmware."""
    return LegacyInfo(
        machine_type=machine_type,
        name="Printer",
        firmware_version=firmware_version,
        serial_number="SN1",
        mac_address=None,
        build_volume=None,
        tool_count=1,
    )


@pytest.mark.parametrize(
    ("machine_type", "firmware_version", "missing"),
    [
        ("Flashforge Adventurer 5M", "v3.1.2", True),
        ("Flashforge Adventurer 5M Pro", "3.0.9", True),
        ("Flashforge Adventurer 5M", "v3.1.3", False),
        ("Flashforge Adventurer 5M Pro", "v3.2.7", False),
        ("Flashforge Adventurer 5M", None, False),
        ("Flashforge Adventurer 5M", "unknown", False),
        ("Flashforge Adventurer 4", "v1.2.1", False),
        ("FlashForge Adventurer III", "v1.3.7", False),
        ("Flashforge AD5X", "v1.0.0", False),
        ("Flashforge Adventurer 15M", "v1.0.0", False),
        (None, "v1.0.0", False),
    ],
)
def test_http_firmware_missing(
    machine_type: str | None, firmware_version: str | None, missing: bool
) -> None:
    """Only a 5M or 5M Pro before 3.1.3 lacks the HTTP API an update would give."""
    assert info(machine_type, firmware_version).http_firmware_missing is missing
