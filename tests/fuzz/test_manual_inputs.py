"""Fuzz extrude and calibrate: any input is sent once and sane, or refused in words, never half-sent."""

import math
from typing import Any

from homeassistant.core import HomeAssistant
from hypothesis import event, given, strategies as st

from custom_components.flashforge.const import DOMAIN
from flashforge_emulator import Emulator, Status

from .profiles import ACTIONS
from .test_action_inputs import (
    add_printer_once,
    assume_typed_no_check_code,
    outcome,
    refused_properly,
)

# Mostly values the schema takes, so that the library's checks are reached.
NUMBERS = st.one_of(
    st.floats(-120, 120),
    st.integers(-120, 1300),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["10", "-2.5", "0", "", "nan", "inf", "1e3", "ten"]),
    st.booleans(),
    st.none(),
)
FLAGS = st.one_of(
    st.booleans(),
    st.sampled_from(["yes", "no", "on", "off", "true", "0", "1", "maybe", ""]),
    st.integers(-1, 2),
    st.none(),
)
STATUSES = st.sampled_from(
    [Status.READY, Status.READY, Status.PRINTING, Status.PAUSED, Status.CALIBRATE_DOING]
)


async def call_once(
    hass: HomeAssistant, ad5x: Emulator, service: str, values: dict[str, Any]
) -> bool:
    """Call an action on the AD5X in a fresh state; return whether it was accepted.

    A refusal must be one users read in words, with nothing sent.
    """
    device_id = await add_printer_once(hass, ad5x)
    ad5x.core.commands.clear()
    call = {"device_id": device_id} | {
        key: value for key, value in values.items() if value is not None
    }
    assume_typed_no_check_code(ad5x, call)
    try:
        await hass.services.async_call(DOMAIN, service, call, blocking=True)
    except Exception as err:  # noqa: BLE001 - the property is about any error
        assert refused_properly(err), repr(err)  # noqa: PT017
        assert ad5x.commands == []
        event(f"refused: {outcome(err)}")
        return False
    event("accepted")
    return True


@ACTIONS
@given(
    distance=st.one_of(st.floats(-100, 100), NUMBERS),
    feed_rate=st.one_of(st.none(), NUMBERS),
    status=STATUSES,
)
async def test_extrude_inputs(
    hass: HomeAssistant, ad5x: Emulator, distance: Any, feed_rate: Any, status: Status
) -> None:
    """Extrude sends one finite, bounded, non-zero distance to an idle printer, or nothing."""
    ad5x.printer.status = status
    values = {"distance": distance, "feed_rate": feed_rate}
    if not await call_once(hass, ad5x, "extrude", values):
        return
    assert status == Status.READY
    (command,) = ad5x.commands
    delta = command.args["delta"]
    assert command.cmd == "extrudeCtrl_cmd"
    assert math.isfinite(delta)
    assert 0 < abs(delta) <= 100


@ACTIONS
@given(leveling=FLAGS, vibration=FLAGS, status=STATUSES)
async def test_calibrate_inputs(
    hass: HomeAssistant, ad5x: Emulator, leveling: Any, vibration: Any, status: Status
) -> None:
    """Calibrate sends one command choosing at least one part to an idle printer, or nothing."""
    ad5x.printer.status = status
    ad5x.printer.calibration_ends = None
    values = {"leveling": leveling, "vibration_compensation": vibration}
    if not await call_once(hass, ad5x, "calibrate", values):
        return
    assert status == Status.READY
    (command,) = ad5x.commands
    args = command.args
    assert command.cmd == "calibration_cmd"
    assert set(args.values()) <= {"open", "close"}
    assert "open" in args.values()
