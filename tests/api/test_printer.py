"""Tests for the printer object: what takes more than one request, against the emulator."""

from collections.abc import AsyncIterator

import pytest

from custom_components.flashforge.api import FlashForgePrinter
from flashforge_emulator import Emulator


@pytest.fixture
async def printer(emulator: Emulator) -> AsyncIterator[FlashForgePrinter]:
    """Return the printer object for the 5M Pro emulator."""
    async with FlashForgePrinter(
        emulator.host,
        emulator.serial,
        emulator.check_code,
        port=emulator.port,
        request_timeout=2.0,
    ) as printer:
        yield printer


def test_repr_names_the_printer_without_its_check_code(
    printer: FlashForgePrinter, emulator: Emulator
) -> None:
    """The printer's repr says where it is, never how to authenticate."""
    assert emulator.serial in repr(printer)
    assert emulator.check_code not in repr(printer)


@pytest.mark.parametrize("read_first", [True, False], ids=["read", "never read"])
@pytest.mark.parametrize(
    ("change", "internal", "external"),
    [
        ({"internal": True}, True, True),
        ({"internal": False}, False, True),
        ({"external": False}, False, False),
    ],
)
async def test_filtration_keeps_the_other_fan(
    printer: FlashForgePrinter,
    emulator: Emulator,
    read_first: bool,
    change: dict[str, bool],
    internal: bool,
    external: bool,
) -> None:
    """Setting one fan sends the other as the printer reported it, reading it if needed."""
    emulator.printer.external_fan_on = True
    if read_first:
        await printer.detail()

    await printer.set_filtration(**change)

    assert (emulator.printer.internal_fan_on, emulator.printer.external_fan_on) == (
        internal,
        external,
    )


@pytest.mark.parametrize(
    ("change", "enabled", "minutes"),
    [
        ({"enabled": True}, True, 45),
        ({"minutes": 10}, False, 10),
        ({"enabled": True, "minutes": 5}, True, 5),
    ],
)
async def test_auto_shutdown_keeps_what_is_not_given(
    printer: FlashForgePrinter,
    emulator: Emulator,
    change: dict[str, int | bool],
    enabled: bool,
    minutes: int,
) -> None:
    """Changing the switch keeps the delay set on the printer, and the other way round."""
    emulator.printer.auto_shutdown_minutes = 45
    await printer.detail()

    await printer.set_auto_shutdown(**change)  # type: ignore[arg-type]

    assert (emulator.printer.auto_shutdown, emulator.printer.auto_shutdown_minutes) == (
        enabled,
        minutes,
    )


async def test_detail_is_kept_for_later_commands(
    printer: FlashForgePrinter, emulator: Emulator
) -> None:
    """The state last read is the one commands merge with."""
    assert printer.last_detail is None
    detail = await printer.detail()
    assert printer.last_detail is detail
    assert detail.name == emulator.detail()["name"]
