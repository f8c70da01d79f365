"""The action that sets what a slot of the AD5X's material station holds.

Slots 1 to 4 are the station's; slot 0 is its independent feed. The
material is one the printer's screen offers; the colour, as the colour
picker gives it (red, green, blue) or as #RRGGBB, becomes the nearest of the
24 the screen knows. Every targeted printer is checked before any is set.
"""

from collections.abc import Sequence
from typing import Final

from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.helpers import config_validation as cv
import probatio

from .action_target import DEVICES, ActionTarget, async_targets
from .api import (
    FlashForgePrinter,
    checked_slot,
    checked_station,
    material_name,
    palette_color,
)
from .const import DOMAIN
from .errors import refusals
from .helpers import async_gather_all, async_run_command

SERVICE_SET_SLOT: Final = "set_slot"

ATTR_SLOT: Final = "slot"
ATTR_MATERIAL: Final = "material"
ATTR_COLOR: Final = "color"

# The station's slot 0 is its independent feed, fed from outside the station.
INDEPENDENT_SLOT: Final = 0

SET_SLOT_SCHEMA: Final = probatio.Schema(
    {
        probatio.Required(ATTR_DEVICE_ID): DEVICES,
        probatio.Required(ATTR_SLOT): probatio.All(
            probatio.Coerce(int), probatio.Range(min=INDEPENDENT_SLOT, max=16)
        ),
        probatio.Required(ATTR_MATERIAL): cv.string,
        # Bounded here; the library tells a wrong value in words the user reads.
        probatio.Required(ATTR_COLOR): probatio.Any(
            cv.string, probatio.All([int], probatio.Length(max=4))
        ),
    }
)


@callback
def async_setup_station_services(hass: HomeAssistant) -> None:
    """Register the action that sets a slot's material and colour."""
    hass.services.async_register(
        DOMAIN, SERVICE_SET_SLOT, _async_set_slot, schema=SET_SLOT_SCHEMA
    )


async def _async_set_slot(call: ServiceCall) -> None:
    """Set a slot's material and colour on printers, once each may take it."""
    slot: int = call.data[ATTR_SLOT]
    color: str | Sequence[int] = call.data[ATTR_COLOR]
    with refusals():
        material = material_name(call.data[ATTR_MATERIAL])
        rgb = palette_color(color)
    targets = async_targets(call)
    await async_gather_all([_async_check(target, slot) for target in targets])
    await async_gather_all(
        [
            async_run_command(
                target.coordinator,
                _set(target.coordinator.printer, slot, material, rgb),
                name=target.name,
            )
            for target in targets
        ]
    )


async def _async_check(target: ActionTarget, slot: int) -> None:
    """Refuse a printer whose station cannot take the slot now."""
    detail = await target.async_detail()
    with refusals(name=target.name):
        if slot == INDEPENDENT_SLOT:
            checked_station(detail)
        else:
            checked_slot(detail, slot)


async def _set(printer: FlashForgePrinter, slot: int, material: str, rgb: str) -> None:
    """Set the slot, or the independent feed for slot 0."""
    if slot == INDEPENDENT_SLOT:
        await printer.station.set_independent(material, rgb)
    else:
        await printer.station.set_slot(slot, material, rgb)
