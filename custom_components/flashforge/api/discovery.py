"""Find printers on the local network over UDP.

Printers answer any datagram sent to the multicast group 225.0.0.9 port
19000 (the Adventurer 3 on port 8899), or broadcast to port 48899, with a
fixed-layout reply. Modern printers (5M, 5M Pro, AD5X, Creator 5) send 276
bytes that include the serial number and the HTTP port; legacy ones
(Adventurer 3, Adventurer 4) send 140 bytes without them: they speak only
the TCP API, whose M115 tells their serial number.

The caller says which local addresses to send from and which broadcast
addresses to use (an application knows its network interfaces; this module
does not look them up).
"""

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
import logging
import socket
import struct
from typing import Final, NamedTuple, Self

from .const import MAX_NAME_LENGTH
from .fields import bounded_text

_LOGGER = logging.getLogger(__name__)

MULTICAST_GROUP: Final = "225.0.0.9"
MULTICAST_PORT: Final = 19000
# The Adventurer 3 listens for the multicast query here rather than on 19000.
LEGACY_MULTICAST_PORT: Final = 8899
BROADCAST_PORT: Final = 48899
ANY_ADDRESS: Final = "0.0.0.0"  # noqa: S104 - a source, not a listening socket
LIMITED_BROADCAST: Final = "255.255.255.255"


class DiscoveryQuery(NamedTuple):
    """One discovery datagram: where it goes and the local address it leaves from."""

    target: tuple[str, int]
    source: str = ANY_ADDRESS


def local_network_queries(
    source_addresses: Iterable[str] = (ANY_ADDRESS,),
    broadcast_addresses: Iterable[str] = (LIMITED_BROADCAST,),
) -> tuple[DiscoveryQuery, ...]:
    """Return the multicast query from each source and a broadcast to each address."""
    return (
        *(
            DiscoveryQuery((MULTICAST_GROUP, port), source)
            for source in source_addresses
            for port in (MULTICAST_PORT, LEGACY_MULTICAST_PORT)
        ),
        # A directed broadcast finds its interface by the routing table.
        *(DiscoveryQuery((address, BROADCAST_PORT)) for address in broadcast_addresses),
    )


DEFAULT_QUERIES: Final = local_network_queries()

# name[132], command (TCP) port, vendor id, product id, reserved, product
# type, event (HTTP) port, status, serial[130]; big-endian.
_MODERN_REPLY: Final = struct.Struct(">132sHHHHHHH130s")
# name[128], 4 bytes of padding, command (TCP) port, vendor id, product id,
# status; big-endian.
_LEGACY_REPLY: Final = struct.Struct(">128s4xHHHH")
_STATUS_NAMES: Final = {0: "ready", 1: "busy", 2: "error"}


def _c_string(raw: bytes) -> str:
    """Decode a NUL-terminated UTF-8 field."""
    return raw.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def _name(raw: bytes) -> str:
    """Return a reply's printer name, fit for a title."""
    # Anyone on the LAN can answer: the name reaches a flow's title.
    return bounded_text(_c_string(raw), MAX_NAME_LENGTH) or ""


@dataclass(frozen=True, kw_only=True)
class DiscoveredPrinter:
    """A printer that answered discovery.

    A legacy printer (Adventurer 3, Adventurer 4) speaks only the TCP API: its
    reply tells no serial number and no HTTP port (both None), and its TCP
    API's M115 tells the serial number.
    """

    name: str
    host: str
    serial_number: str | None
    port: int | None  # the HTTP API's port
    tcp_port: int | None  # the legacy TCP API's port, as the reply tells it
    product_id: int
    status: str

    @property
    def legacy(self) -> bool:
        """Return whether the printer speaks only the TCP API."""
        return self.port is None

    @property
    def key(self) -> str:
        """Return what tells this printer from the others that answered."""
        # A legacy reply has no serial: its address tells the printer.
        return self.serial_number or f"{self.host}:{self.tcp_port}"

    @classmethod
    def from_reply(cls, data: bytes, host: str) -> Self | None:
        """Parse a modern or a legacy reply; None for a malformed one."""
        if len(data) == _LEGACY_REPLY.size:
            return cls._from_legacy_reply(data, host)
        if len(data) != _MODERN_REPLY.size:
            return None
        name, tcp_port, _vendor, product, _res, _type, port, status, serial = (
            _MODERN_REPLY.unpack(data)
        )
        serial_number = _c_string(serial)
        # The serial becomes the entry's unique id: take it whole or not at all.
        if not serial_number.isalnum() or not port:
            return None
        return cls(
            name=_name(name),
            host=host,
            serial_number=serial_number,
            port=port,
            tcp_port=tcp_port or None,
            product_id=product,
            status=_STATUS_NAMES.get(status, "unknown"),
        )

    @classmethod
    def _from_legacy_reply(cls, data: bytes, host: str) -> Self | None:
        """Parse a legacy reply; None without a TCP port to ask."""
        name, tcp_port, _vendor, product, status = _LEGACY_REPLY.unpack(data)
        if not tcp_port:
            return None
        return cls(
            name=_name(name),
            host=host,
            serial_number=None,
            port=None,
            tcp_port=tcp_port,
            product_id=product,
            status=_STATUS_NAMES.get(status, "unknown"),
        )


class _DiscoveryProtocol(asyncio.DatagramProtocol):
    """Collect replies by printer (see DiscoveredPrinter.key)."""

    def __init__(self) -> None:
        self.found: dict[str, DiscoveredPrinter] = {}

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        """Keep every well-formed reply."""
        host = str(addr[0])
        if (printer := DiscoveredPrinter.from_reply(data, host)) is not None:
            self.found[printer.key] = printer
        else:
            _LOGGER.debug("Ignored a %d-byte discovery reply from %s", len(data), host)

    def error_received(self, exc: Exception) -> None:
        """Log socket errors (an unreachable target, say) and go on listening."""
        _LOGGER.debug("Discovery socket error: %s", exc)


def _open_socket(source: str) -> socket.socket:
    """Return a UDP socket that sends from the source address."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 2)
        if source != ANY_ADDRESS:
            # Multicast otherwise leaves by the default route's interface only.
            sock.setsockopt(
                socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(source)
            )
        sock.bind((source, 0))  # replies come back to this address
    except OSError:
        sock.close()
        raise
    return sock


async def discover_printers(
    *,
    listen_seconds: float = 3.0,
    queries: Iterable[DiscoveryQuery] = DEFAULT_QUERIES,
) -> list[DiscoveredPrinter]:
    """Send the queries and return the printers that answer in time."""
    targets_by_source: dict[str, list[tuple[str, int]]] = {}
    for query in queries:
        targets_by_source.setdefault(query.source, []).append(query.target)
    loop = asyncio.get_running_loop()
    protocol = _DiscoveryProtocol()
    transports: list[asyncio.DatagramTransport] = []
    error: OSError | None = None
    try:
        for source, targets in targets_by_source.items():
            try:
                sock = _open_socket(source)
            except OSError as err:
                # One interface going away must not stop the others' scan.
                _LOGGER.debug("Cannot send discovery from %s: %s", source, err)
                error = err
                continue
            transport, _ = await loop.create_datagram_endpoint(
                lambda: protocol, sock=sock
            )
            transports.append(transport)
            for target in targets:
                try:
                    transport.sendto(b"", target)
                except OSError as err:
                    _LOGGER.debug("Cannot send discovery to %s: %s", target, err)
        if error is not None and not transports:
            raise error  # nothing could be sent: the caller should know
        if transports:
            await asyncio.sleep(listen_seconds)
    finally:
        for transport in transports:
            transport.close()
    return sorted(protocol.found.values(), key=lambda printer: printer.key)
