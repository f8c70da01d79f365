"""Tests for UDP discovery against the emulator's responder on loopback."""

import asyncio
from collections.abc import AsyncIterator, Callable
import socket
import struct

import pytest

from custom_components.flashforge.api.discovery import (
    MULTICAST_GROUP,
    DiscoveredPrinter,
    DiscoveryQuery,
    discover_printers,
)
from flashforge_emulator import Emulator
from flashforge_emulator.discovery import build_reply

# Addresses no socket can send from: one this host does not have, and IPv6.
UNUSABLE_SOURCES = ["198.51.100.7", "::1"]


async def test_finds_printers_on_loopback(
    emulator_factory: Callable[..., Emulator],
) -> None:
    """Each printer that answers is reported once, with its HTTP port."""
    async with (
        emulator_factory("5m-pro", serial="SNPRO0001", discovery_port=0) as pro,
        emulator_factory("ad5x", serial="SNAD5X001", discovery_port=0) as ad5x,
    ):
        queries = (
            DiscoveryQuery(("127.0.0.1", pro.discovery_port)),
            DiscoveryQuery(("127.0.0.1", ad5x.discovery_port), "127.0.0.1"),
            DiscoveryQuery(("127.0.0.1", pro.discovery_port), "127.0.0.1"),
        )
        found = await discover_printers(listen_seconds=0.3, queries=queries)

        assert found == [
            DiscoveredPrinter(
                name=ad5x.detail()["name"],
                host="127.0.0.1",
                serial_number="SNAD5X001",
                port=ad5x.port,
                tcp_port=8899,
                product_id=38,
                status="ready",
            ),
            DiscoveredPrinter(
                name=pro.detail()["name"],
                host="127.0.0.1",
                serial_number="SNPRO0001",
                port=pro.port,
                tcp_port=8899,
                product_id=36,
                status="ready",
            ),
        ]


@pytest.mark.parametrize("model", ["adventurer3", "adventurer4"])
async def test_finds_legacy_printers_on_loopback(
    emulator_factory: Callable[..., Emulator], model: str
) -> None:
    """A legacy printer is found by name and address, marked as speaking only TCP."""
    async with (
        emulator_factory(model, name="Shed", discovery_port=0) as legacy,
        emulator_factory("5m", serial="SN5M00001", discovery_port=0) as modern,
    ):
        queries = [
            DiscoveryQuery(("127.0.0.1", emu.discovery_port))
            for emu in (legacy, modern)
        ]
        found = await discover_printers(listen_seconds=0.3, queries=queries)
        tcp_port = legacy.tcp_port

    assert [(printer.name, printer.legacy) for printer in found] == [
        ("Shed", True),
        ("Adventurer 5M", False),
    ]
    printer = found[0]
    assert printer.host == "127.0.0.1"
    assert printer.serial_number is None
    assert printer.port is None
    assert printer.tcp_port == tcp_port
    assert printer.key == f"127.0.0.1:{tcp_port}"


@pytest.mark.usefixtures("socket_enabled")
async def test_nobody_answers() -> None:
    """Silence is an empty list, not an error; no query means no wait."""
    query = DiscoveryQuery(("127.0.0.1", 9))
    assert await discover_printers(listen_seconds=0.1, queries=[query]) == []
    assert await asyncio.wait_for(discover_printers(queries=[]), 0.5) == []


@pytest.mark.parametrize("unusable", UNUSABLE_SOURCES)
async def test_an_unusable_source_does_not_stop_the_others(
    emulator_factory: Callable[..., Emulator], unusable: str
) -> None:
    """An interface that went away is skipped; the others still ask."""
    async with emulator_factory(serial="SNLOOP001", discovery_port=0) as emulator:
        target = ("127.0.0.1", emulator.discovery_port)
        queries = [
            DiscoveryQuery(target, unusable),
            DiscoveryQuery(target, "127.0.0.1"),
        ]

        found = await discover_printers(listen_seconds=0.3, queries=queries)

        assert [printer.serial_number for printer in found] == ["SNLOOP001"]


@pytest.mark.usefixtures("socket_enabled")
async def test_no_usable_source_is_an_error() -> None:
    """When nothing can be sent, the caller hears why."""
    queries = [DiscoveryQuery(("127.0.0.1", 9), source) for source in UNUSABLE_SOURCES]

    with pytest.raises(OSError):  # noqa: PT011 - the OS picks the errno
        await discover_printers(listen_seconds=0.1, queries=queries)


class GroupMember(asyncio.DatagramProtocol):
    """A printer in the multicast group on loopback only; it notes who asked."""

    def __init__(self) -> None:
        self.askers: list[str] = []
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the transport to answer on."""
        assert isinstance(transport, asyncio.DatagramTransport)
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
        """Answer as a printer does."""
        self.askers.append(str(addr[0]))
        assert self.transport is not None
        reply = build_reply(
            name="Group", product_id=36, event_port=8898, status=0, serial="SNGROUP01"
        )
        self.transport.sendto(reply, addr)


@pytest.fixture
async def group_member(socket_enabled: None) -> AsyncIterator[tuple[GroupMember, int]]:
    """Return a member of the printers' multicast group on the loopback interface."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("", 0))
    sock.setsockopt(
        socket.IPPROTO_IP,
        socket.IP_ADD_MEMBERSHIP,
        socket.inet_aton(MULTICAST_GROUP) + socket.inet_aton("127.0.0.1"),
    )
    transport, member = await asyncio.get_running_loop().create_datagram_endpoint(
        GroupMember, sock=sock
    )
    try:
        yield member, sock.getsockname()[1]
    finally:
        transport.close()  # and the socket with it


async def test_multicast_leaves_by_the_source_interface(
    group_member: tuple[GroupMember, int],
) -> None:
    """The multicast query goes out on the interface that owns the source address."""
    member, port = group_member
    query = DiscoveryQuery((MULTICAST_GROUP, port), "127.0.0.1")

    found = await discover_printers(listen_seconds=0.3, queries=[query])

    assert member.askers == ["127.0.0.1"]
    assert [printer.serial_number for printer in found] == ["SNGROUP01"]


def modern_reply(
    name: bytes, port: int, status: int, serial: bytes, tcp_port: int = 8899
) -> bytes:
    """Build a 276-byte reply as a printer sends it."""
    return struct.pack(
        ">132sHHHHHHH130s",
        name,
        tcp_port,
        0x2B71,
        0x0024,
        0,
        0x5A02,
        port,
        status,
        serial,
    )


def legacy_reply(name: bytes, tcp_port: int = 8899, status: int = 0) -> bytes:
    """Build a 140-byte reply as an Adventurer 3 or 4 sends it (discovery.md)."""
    return struct.pack(">128s4xHHHH", name, tcp_port, 0x2B71, 0x0001, status)


def modern(
    name: str, serial: str, *, status: str = "ready", tcp_port: int | None = 8899
) -> DiscoveredPrinter:
    """Return what a modern reply from 10.0.0.5 parses into."""
    return DiscoveredPrinter(
        name=name,
        host="10.0.0.5",
        serial_number=serial,
        port=8898,
        tcp_port=tcp_port,
        product_id=0x24,
        status=status,
    )


def legacy(
    name: str, *, status: str = "ready", tcp_port: int = 8899
) -> DiscoveredPrinter:
    """Return what a legacy reply from 10.0.0.5 parses into."""
    return DiscoveredPrinter(
        name=name,
        host="10.0.0.5",
        serial_number=None,
        port=None,
        tcp_port=tcp_port,
        product_id=0x0001,
        status=status,
    )


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (
            modern_reply(b"Printer\0junk", 8898, 1, b"SN123\0"),
            modern("Printer", "SN123", status="busy"),
        ),
        (modern_reply(b"\xffName", 8898, 9, b"SN1"), "unknown status, odd bytes"),
        (
            modern_reply(b"Bad\r\nName\x07" + b"x" * 100, 8898, 0, b"SN7"),
            modern("Bad  Name" + "x" * 55, "SN7"),
        ),
        (
            modern_reply(b"Printer", 8898, 0, b"SN8", tcp_port=0),
            modern("Printer", "SN8", tcp_port=None),
        ),
        (modern_reply(b"Printer", 8898, 0, b""), None),
        (modern_reply(b"Printer", 8898, 0, b"SN\x071"), None),
        (modern_reply(b"Printer", 8898, 0, b"SN 1"), None),
        (modern_reply(b"Printer", 8898, 0, b"SN/../1"), None),
        (modern_reply(b"Printer", 0, 0, b"SN1"), None),
        (legacy_reply(b"Adventurer4\0junk"), legacy("Adventurer4")),
        (
            legacy_reply(b"Adventurer III", 8899, 1),
            legacy("Adventurer III", status="busy"),
        ),
        (
            legacy_reply(b"Shed", 18899, 2),
            legacy("Shed", status="error", tcp_port=18899),
        ),
        (legacy_reply(b"\xffName", 8899, 7), "unknown status, odd bytes"),
        (legacy_reply(b"Loud\r\n" + b"y" * 127), legacy("Loud  " + "y" * 58)),
        (legacy_reply(b"NoPort", 0), None),
        (b"\0" * 140, None),
        (b"", None),
        (b"x" * 139, None),
        (b"x" * 141, None),
        (b"x" * 277, None),
    ],
)
def test_reply_parsing(reply: bytes, expected: DiscoveredPrinter | str | None) -> None:
    """Modern and legacy replies parse; empty and malformed ones are ignored."""
    printer = DiscoveredPrinter.from_reply(reply, "10.0.0.5")

    if isinstance(expected, str):
        assert printer is not None
        assert printer.status == "unknown"
        assert printer.name == "\ufffdName"
    else:
        assert printer == expected


@pytest.mark.parametrize(
    ("reply", "legacy_printer", "key"),
    [
        (modern_reply(b"Printer", 8898, 0, b"SN123"), False, "SN123"),
        (legacy_reply(b"Printer"), True, "10.0.0.5:8899"),
    ],
)
def test_legacy_printers_speak_only_tcp(
    reply: bytes, legacy_printer: bool, key: str
) -> None:
    """A legacy reply has no HTTP port or serial: the host tells it apart."""
    printer = DiscoveredPrinter.from_reply(reply, "10.0.0.5")

    assert printer is not None
    assert printer.legacy is legacy_printer
    assert printer.key == key
