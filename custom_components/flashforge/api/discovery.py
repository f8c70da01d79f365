"""Find printers on the local network over UDP.

Printers answer any datagram sent to the multicast group 225.0.0.9 port
19000, or broadcast to port 48899, with a fixed-layout reply. Modern
printers (5M, 5M Pro, AD5X, Creator 5) send 276 bytes that include the
serial number and the HTTP port; legacy ones send 140 bytes without them and
have no HTTP API, so they are ignored.
"""

import asyncio
from dataclasses import dataclass
import logging
import socket
import struct
from typing import Final, Self

from .const import MAX_NAME_LENGTH
from .models import bounded_text

_LOGGER = logging.getLogger(__name__)

MULTICAST_GROUP: Final = "225.0.0.9"
MULTICAST_PORT: Final = 19000
BROADCAST_PORT: Final = 48899
DEFAULT_TARGETS: Final = (
    (MULTICAST_GROUP, MULTICAST_PORT),
    ("255.255.255.255", BROADCAST_PORT),
)

# name[132], command port, vendor id, product id, reserved, product type,
# event (HTTP) port, status, serial[130]; big-endian.
_MODERN_REPLY: Final = struct.Struct(">132sHHHHHHH130s")
_STATUS_NAMES: Final = {0: "ready", 1: "busy", 2: "error"}


def _c_string(raw: bytes) -> str:
    """Decode a NUL-terminated UTF-8 field."""
    return raw.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


@dataclass(frozen=True, kw_only=True)
class DiscoveredPrinter:
    """A printer that answered discovery."""

    name: str
    host: str
    serial_number: str
    port: int  # the HTTP API's port
    product_id: int
    status: str

    @classmethod
    def from_reply(cls, data: bytes, host: str) -> Self | None:
        """Parse a modern reply; None for legacy or malformed ones."""
        if len(data) != _MODERN_REPLY.size:
            return None
        name, _cmd, _vendor, product, _res, _type, port, status, serial = (
            _MODERN_REPLY.unpack(data)
        )
        serial_number = _c_string(serial)
        # The serial becomes the entry's unique id: take it whole or not at all.
        if not serial_number.isalnum() or not port:
            return None
        return cls(
            # Anyone on the LAN can answer: the name reaches a flow's title.
            name=bounded_text(_c_string(name), MAX_NAME_LENGTH) or "",
            host=host,
            serial_number=serial_number,
            port=port,
            product_id=product,
            status=_STATUS_NAMES.get(status, "unknown"),
        )


class _DiscoveryProtocol(asyncio.DatagramProtocol):
    """Collect replies by serial number."""

    def __init__(self) -> None:
        self.found: dict[str, DiscoveredPrinter] = {}

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        """Keep every well-formed reply."""
        host = str(addr[0])
        if (printer := DiscoveredPrinter.from_reply(data, host)) is not None:
            self.found[printer.serial_number] = printer
        else:
            _LOGGER.debug("Ignored a %d-byte discovery reply from %s", len(data), host)

    def error_received(self, exc: Exception) -> None:
        """Log socket errors (an unreachable target, say) and go on listening."""
        _LOGGER.debug("Discovery socket error: %s", exc)


async def discover_printers(
    *,
    listen_seconds: float = 3.0,
    targets: tuple[tuple[str, int], ...] = DEFAULT_TARGETS,
) -> list[DiscoveredPrinter]:
    """Ask the network for printers and return those that answer in time."""
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 2)
        sock.bind(("0.0.0.0", 0))  # noqa: S104 - replies come from any printer
    except OSError:
        sock.close()
        raise
    transport, protocol = await loop.create_datagram_endpoint(
        _DiscoveryProtocol, sock=sock
    )
    try:
        for target in targets:
            try:
                transport.sendto(b"", target)
            except OSError as err:
                _LOGGER.debug("Cannot send discovery to %s: %s", target, err)
        await asyncio.sleep(listen_seconds)
    finally:
        transport.close()
    return sorted(protocol.found.values(), key=lambda printer: printer.serial_number)
