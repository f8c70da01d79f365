"""Actions that work a printer by hand: move the head, extrude, calibrate.

None of them goes to a printer with a job running or paused, or busy homing
or calibrating. Moving and extruding can damage a printer, so only
administrators may. Every targeted printer is checked before anything is
sent to any.
"""

from collections.abc import Awaitable, Callable
import math
from typing import Final, NoReturn

from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, service
import probatio

from .action_target import DEVICES, ActionTarget, async_targets
from .api import (
    DEFAULT_EXTRUDE_FEED_RATE,
    FlashForgeNotSupportedError,
    FlashForgePrinter,
    check_can_control,
)
from .const import DOMAIN
from .errors import refusals
from .helpers import async_gather_all, async_run_command

SERVICE_MOVE: Final = "move"
SERVICE_EXTRUDE: Final = "extrude"
SERVICE_CALIBRATE: Final = "calibrate"

ATTR_X: Final = "x"
ATTR_Y: Final = "y"
ATTR_Z: Final = "z"
ATTR_DISTANCE: Final = "distance"
ATTR_FEED_RATE: Final = "feed_rate"
ATTR_LEVELING: Final = "leveling"
ATTR_VIBRATION_COMPENSATION: Final = "vibration_compensation"

# A move crosses the largest build volume (the Adventurer 4's 250 mm height)
# at most; a jog at 50 mm/s by default, 200 mm/s at most.
MAX_MOVE_DISTANCE: Final = 250.0
DEFAULT_FEED_RATE: Final = 3000
MAX_FEED_RATE: Final = 12000
# Loading filament by hand takes about 100 mm; extruding faster than 20 mm/s
# grinds it.
MAX_EXTRUDE_DISTANCE: Final = 100.0
MAX_EXTRUDE_FEED_RATE: Final = 1200


def _finite(value: float) -> float:
    """Refuse NaN, which a range lets through, and infinities."""
    if not math.isfinite(value):
        raise probatio.Invalid("must be a finite number")
    return value


def _distance(limit: float) -> probatio.All[float]:
    """Return the schema of a distance in mm, either way up to a limit."""
    return probatio.All(
        probatio.Coerce(float), _finite, probatio.Range(min=-limit, max=limit)
    )


def _feed_rate(limit: int) -> probatio.All[int]:
    """Return the schema of a feed rate in mm/min, up to a limit."""
    return probatio.All(probatio.Coerce(int), probatio.Range(min=1, max=limit))


MOVE_SCHEMA: Final = probatio.Schema(
    {
        probatio.Required("device_id"): DEVICES,
        **{
            probatio.Optional(axis, default=0.0): _distance(MAX_MOVE_DISTANCE)
            for axis in (ATTR_X, ATTR_Y, ATTR_Z)
        },
        probatio.Optional(ATTR_FEED_RATE, default=DEFAULT_FEED_RATE): _feed_rate(
            MAX_FEED_RATE
        ),
    }
)
EXTRUDE_SCHEMA: Final = probatio.Schema(
    {
        probatio.Required("device_id"): DEVICES,
        probatio.Required(ATTR_DISTANCE): _distance(MAX_EXTRUDE_DISTANCE),
        probatio.Optional(
            ATTR_FEED_RATE, default=DEFAULT_EXTRUDE_FEED_RATE
        ): _feed_rate(MAX_EXTRUDE_FEED_RATE),
    }
)
CALIBRATE_SCHEMA: Final = probatio.Schema(
    {
        probatio.Required("device_id"): DEVICES,
        probatio.Optional(ATTR_LEVELING, default=True): cv.boolean,
        probatio.Optional(ATTR_VIBRATION_COMPENSATION, default=True): cv.boolean,
    }
)


@callback
def async_setup_manual_services(hass: HomeAssistant) -> None:
    """Register the actions that move, extrude and calibrate."""
    service.async_register_admin_service(
        hass, DOMAIN, SERVICE_MOVE, _async_move, MOVE_SCHEMA
    )
    service.async_register_admin_service(
        hass, DOMAIN, SERVICE_EXTRUDE, _async_extrude, EXTRUDE_SCHEMA
    )
    hass.services.async_register(
        DOMAIN, SERVICE_CALIBRATE, _async_calibrate, schema=CALIBRATE_SCHEMA
    )


async def _async_move(call: ServiceCall) -> None:
    """Move the head of printers by a distance along each axis."""
    distances = {axis: call.data[axis] for axis in (ATTR_X, ATTR_Y, ATTR_Z)}
    if not any(distances.values()):
        _refuse("move_no_distance")
    await _async_run(
        call,
        lambda target: target.check_offers(target.coordinator.printer.can_move),
        lambda printer: printer.move(**distances, feed_rate=call.data[ATTR_FEED_RATE]),
    )


async def _async_extrude(call: ServiceCall) -> None:
    """Push filament through the nozzles of printers, or pull it back."""
    distance, feed_rate = call.data[ATTR_DISTANCE], call.data[ATTR_FEED_RATE]
    if not distance:
        _refuse("extrude_no_distance")
    await _async_run(
        call,
        # The AD5X extrudes over its HTTP API as it moves; others over TCP.
        lambda target: target.check_offers(target.coordinator.printer.can_move),
        lambda printer: printer.extrude(distance, feed_rate=feed_rate),
    )


async def _async_calibrate(call: ServiceCall) -> None:
    """Run the calibrations chosen on printers."""
    leveling = call.data[ATTR_LEVELING]
    vibration = call.data[ATTR_VIBRATION_COMPENSATION]
    if not (leveling or vibration):
        _refuse("calibrate_nothing")

    def check_offers(target: ActionTarget) -> None:
        if not target.coordinator.printer.can_calibrate:
            with refusals(name=target.name):
                raise FlashForgeNotSupportedError("calibration")

    await _async_run(
        call,
        check_offers,
        lambda printer: printer.calibrate(
            leveling=leveling, vibration_compensation=vibration
        ),
    )


def _refuse(key: str) -> NoReturn:
    """Refuse the call's values, translated."""
    raise ServiceValidationError(translation_domain=DOMAIN, translation_key=key)


async def _async_run(
    call: ServiceCall,
    check_offers: Callable[[ActionTarget], None],
    command: Callable[[FlashForgePrinter], Awaitable[None]],
) -> None:
    """Send a manual command to the call's printers once each offers it and is idle."""
    targets = async_targets(call)
    for target in targets:
        check_offers(target)
    details = await async_gather_all([target.async_detail() for target in targets])
    for target, detail in zip(targets, details, strict=True):
        with refusals(name=target.name):
            check_can_control(detail)
    await async_gather_all(
        [
            async_run_command(
                target.coordinator,
                command(target.coordinator.printer),
                name=target.name,
            )
            for target in targets
        ]
    )
