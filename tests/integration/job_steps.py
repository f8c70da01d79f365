"""Steps of a print job that a user, or the printer itself, takes in a test.

Each step acts through a client of the emulator, as the user's app or
touchscreen would, or moves the emulator's clock.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.flashforge.api import FlashForgePrinter
from custom_components.flashforge.const import DOMAIN
from flashforge_emulator import Emulator

FILE = "3DBenchy_PLA.gcode"
HEATING_SECONDS = 30.0
PRINT_SECONDS = 300.0
PAUSING_SECONDS = 2.0  # the emulator's cap on a quarter of the heating time

# A pace at which commands apply at once and a print moves only as far as a
# test advances it, give or take the test's own run time.
JOB_PACE: dict[str, Any] = {
    "command_seconds": 0,
    "heating_seconds": HEATING_SECONDS,
    "print_seconds": PRINT_SECONDS,
}

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


def event_entity(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    """Return the entity id of the printer's print event."""
    entity_id = er.async_get(hass).async_get_entity_id(
        Platform.EVENT, DOMAIN, f"{entry.unique_id}_print"
    )
    assert entity_id is not None
    return entity_id


async def refresh(hass: HomeAssistant, entry: MockConfigEntry) -> State:
    """Poll the printer now and return the print event's state."""
    await entry.runtime_data.async_refresh()
    await hass.async_block_till_done()
    state = hass.states.get(event_entity(hass, entry))
    assert state is not None
    return state
