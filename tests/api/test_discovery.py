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
                product_id=38,
                status="ready",
            ),
            DiscoveredPrinter(
                name=pro.detail()["name"],
                host="127.0.0.1",
                serial_number="SNPRO0001",
                port=pro.port,
                product_id=36,
                status="ready",
            ),
        ]


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


def modern_reply(name: bytes, port: int, status: int, serial: bytes) -> bytes:
    """Build a 276-byte reply as a printer sends it."""
    return struct.pack(
        ">132sHHHHHHH130s", name, 8899, 0x2B71, 0x0024, 0, 0x5A02, port, status, serial
    )


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (
            modern_reply(b"Printer\0junk", 8898, 1, b"SN123\0"),
            DiscoveredPrinter(
                name="Printer",
                host="10.0.0.5",
                serial_number="SN123",
                port=8898,
                product_id=0x24,
                status="busy",
            ),
        ),
        (modern_reply(b"\xffName", 8898, 9, b"SN1"), "unknown status, odd bytes"),
        (
            modern_reply(b"Bad\r\nName\x07" + b"x" * 100, 8898, 0, b"SN7"),
            DiscoveredPrinter(
                name="Bad  Name" + "x" * 55,
                host="10.0.0.5",
                serial_number="SN7",
                port=8898,
                product_id=0x24,
                status="ready",
            ),
        ),
        (modern_reply(b"Printer", 8898, 0, b""), None),
        (modern_reply(b"Printer", 8898, 0, b"SN\x071"), None),
        (modern_reply(b"Printer", 8898, 0, b"SN 1"), None),
        (modern_reply(b"Printer", 8898, 0, b"SN/../1"), None),
        (modern_reply(b"Printer", 0, 0, b"SN1"), None),
        (b"\0" * 140, None),
        (b"", None),
        (b"x" * 277, None),
    ],
)
def test_reply_parsing(reply: bytes, expected: DiscoveredPrinter | str | None) -> None:
    """Modern replies parse; legacy, empty and malformed ones are ignored."""
    printer = DiscoveredPrinter.from_reply(reply, "10.0.0.5")

    if isinstance(expected, str):
        assert printer is not None
        assert printer.status == "unknown"
        assert printer.name == "\ufffdName"
    else:
        assert printer == expected
