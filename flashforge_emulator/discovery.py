"""UDP discovery responder: the 276-byte reply of 5M-era printers, the 140-byte legacy one."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import struct

from .core import PrinterCore
from .profiles import (
    DISCOVERY_COMMAND_PORT,
    DISCOVERY_PRODUCT_TYPE,
    DISCOVERY_VENDOR_ID,
)

# Big-endian: name[132], command port, vendor id, product id, reserved,
# product type, event (HTTP) port, status, serial[130].
REPLY_FORMAT = ">132sHHHHHHH130s"
REPLY_SIZE = struct.calcsize(REPLY_FORMAT)
NAME_BYTES = 132
SERIAL_BYTES = 130
# The Adventurer 3 and 4 (discovery.md): name[128], 4 bytes of padding, command
# port, vendor id, product id, status; no serial number, no HTTP port.
LEGACY_REPLY_FORMAT = ">128s4xHHHH"
LEGACY_REPLY_SIZE = struct.calcsize(LEGACY_REPLY_FORMAT)
LEGACY_NAME_BYTES = 128


def _c_string(text: str, size: int) -> bytes:
    """Encode as UTF-8, cut to leave room for the terminating NUL."""
    data = text.encode()[: size - 1]
    while data:
        try:
            data.decode()
            break
        except UnicodeDecodeError:
            data = data[:-1]  # do not leave half a character
    return data


def build_reply(
    *,
    name: str,
    product_id: int,
    event_port: int,
    status: int,
    serial: str,
    command_port: int = DISCOVERY_COMMAND_PORT,
) -> bytes:
    """Return the 276-byte discovery reply."""
    return struct.pack(
        REPLY_FORMAT,
        _c_string(name, NAME_BYTES),
        command_port,
        DISCOVERY_VENDOR_ID,
        product_id,
        0,
        DISCOVERY_PRODUCT_TYPE,
        event_port,
        status,
        _c_string(serial, SERIAL_BYTES),
    )


def build_legacy_reply(
    *, name: str, product_id: int, status: int, command_port: int
) -> bytes:
    """Return the 140-byte legacy discovery reply (Adventurer 3 and 4)."""
    return struct.pack(
        LEGACY_REPLY_FORMAT,
        _c_string(name, LEGACY_NAME_BYTES),
        command_port,
        DISCOVERY_VENDOR_ID,
        product_id,
        status,
    )


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, reply: Callable[[], bytes]) -> None:
        self._reply = reply
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.DatagramTransport)  # noqa: S101 - UDP endpoint
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
        # Any datagram, even an empty one, is a discovery request.
        if self.transport is not None:
            self.transport.sendto(self._reply(), addr)


class DiscoveryResponder:
    """Answer discovery datagrams on a UDP port."""

    def __init__(self, core: PrinterCore, host: str, port: int) -> None:
        """Prepare; nothing listens until start()."""
        self.core = core
        self.host = host
        self.port = port
        self.replies_sent = 0
        self._transport: asyncio.DatagramTransport | None = None

    def reply(self) -> bytes:
        """Return the reply for the printer's current state."""
        core = self.core
        state = core.tick()
        self.replies_sent += 1
        if core.profile.legacy_discovery:
            # TCP is all a legacy printer has, so the reply names the port the
            # emulator really serves it on (ephemeral in tests); the modern
            # reply keeps the firmware's 8899 and points at the HTTP port.
            return build_legacy_reply(
                name=state.name,
                product_id=core.profile.pid,
                status=state.discovery_status,
                command_port=core.tcp_port or DISCOVERY_COMMAND_PORT,
            )
        return build_reply(
            name=state.name,
            product_id=core.profile.pid,
            event_port=core.port,
            status=state.discovery_status,
            serial=core.serial,
        )

    async def start(self) -> None:
        """Bind the UDP port (the same one again after stop())."""
        if self._transport is not None:
            return
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: _Protocol(self.reply), local_addr=(self.host, self.port)
        )
        self._transport = transport
        self.port = int(transport.get_extra_info("sockname")[1])

    async def stop(self) -> None:
        """Release the UDP port."""
        if self._transport is not None:
            self._transport.close()
            self._transport = None
            await asyncio.sleep(0)  # let the transport finish closing
