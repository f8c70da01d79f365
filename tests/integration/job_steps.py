"""Steps of a print job that a user, or the printer itself, takes in a test.

Each step acts through a client of the emulator, as the user's app or
touchscreen would, or moves the emulator's clock.
"""

from collections.abc import Awaitable, Callable

from custom_components.flashforge.api import FlashForgePrinter
from flashforge_emulator import Emulator

FILE = "3DBenchy_PLA.gcode"
HEATING_SECONDS = 30.0
PRINT_SECONDS = 300.0
PAUSING_SECONDS = 2.0  # the emulator's cap on a quarter of the heating time

type Step = Callable[[Emulator, FlashForgePrinter], Awaitable[None]]


async def start(emu: Emulator, client: FlashForgePrinter) -> None:
    """Start printing the Benchy; the printer heats first."""
    await client.print_file(FILE)


async def heat_up(emu: Emulator, client: FlashForgePrinter) -> None:
    """Let heating end and printing begin."""
    emu.advance(HEATING_SECONDS)


async def print_half(emu: Emulator, client: FlashForgePrinter) -> None:
    """Print half of the job."""
    emu.advance(PRINT_SECONDS / 2)


async def pause(emu: Emulator, client: FlashForgePrinter) -> None:
    """Pause the print and wait until the printer has parked."""
    await client.pause_print()
    emu.advance(PAUSING_SECONDS)


async def resume(emu: Emulator, client: FlashForgePrinter) -> None:
    """Resume a paused print."""
    await client.resume_print()


async def finish(emu: Emulator, client: FlashForgePrinter) -> None:
    """Print to the end."""
    emu.advance(PRINT_SECONDS)


async def cancel(emu: Emulator, client: FlashForgePrinter) -> None:
    """Cancel the print."""
    await client.cancel_print()


async def fail(emu: Emulator, client: FlashForgePrinter) -> None:
    """Have the printer stop with an error, as a filament runout would."""
    emu.printer.set_error("E0011")


async def clear(emu: Emulator, client: FlashForgePrinter) -> None:
    """Take the ended print off the plate, and any error with it."""
    if emu.printer.status == "error":
        emu.printer.clear_error()
    else:
        await client.clear_platform()


async def start_printing(emu: Emulator, client: FlashForgePrinter) -> None:
    """Start printing the Benchy and let it heat up."""
    await start(emu, client)
    await heat_up(emu, client)
