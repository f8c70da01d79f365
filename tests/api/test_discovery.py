"""Tests for UDP discovery against the emulator's responder on loopback."""

from collections.abc import Callable
import struct

import pytest

from custom_components.flashforge.api.discovery import (
    DiscoveredPrinter,
    discover_printers,
)
from flashforge_emulator import Emulator


async def test_finds_printers_on_loopback(
    emulator_factory: Callable[..., Emulator],
) -> None:
    """Each printer that answers is reported once, with its HTTP port."""
    async with (
        emulator_factory("5m-pro", serial="SNPRO0001", discovery_port=0) as pro,
        emulator_factory("ad5x", serial="SNAD5X001", discovery_port=0) as ad5x,
    ):
        targets = (
            ("127.0.0.1", pro.discovery_port),
            ("127.0.0.1", ad5x.discovery_port),
            ("127.0.0.1", pro.discovery_port),
        )
        found = await discover_printers(listen_seconds=0.3, targets=targets)

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
    """Silence is an empty list, not an error."""
    assert (
        await discover_printers(listen_seconds=0.1, targets=(("127.0.0.1", 9),)) == []
    )


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
