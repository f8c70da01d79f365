"""Fuzz the set_slot action: any input is set, or refused in words, never half-sent."""

from typing import Any

from homeassistant.core import HomeAssistant
from hypothesis import event, given, strategies as st

from custom_components.flashforge.api import MATERIALS, PALETTE
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
SLOTS = st.one_of(
    st.integers(0, 5),
    st.integers(0, 5),
    st.integers(-2, 6),
    st.sampled_from(["1", "0", "x", "", "1.5"]),
    st.floats(allow_nan=True),
    st.none(),
)
MATERIAL_INPUTS = st.one_of(
    st.sampled_from([*MATERIALS, "pla", " PETG ", "PA-CF", ""]),
    st.sampled_from(MATERIALS),
    st.text(max_size=40),
    st.integers(),
    st.none(),
)
COLORS = st.one_of(
    st.sampled_from([*PALETTE, "fff", "#GGGGGG", "#ABCDEF01", "red"]),
    st.lists(st.integers(0, 255), min_size=3, max_size=3),
    st.text(max_size=12),
    st.lists(st.integers(-300, 300), max_size=5),
    st.lists(st.one_of(st.booleans(), st.floats(), st.text(max_size=2)), max_size=4),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    st.none(),
)


@ACTIONS
@given(
    slot=SLOTS,
    material=MATERIAL_INPUTS,
    color=COLORS,
    printing=st.booleans(),
)
async def test_set_slot_inputs(
    hass: HomeAssistant,
    ad5x: Emulator,
    slot: Any,
    material: Any,
    color: Any,
    printing: bool,
) -> None:
    """set_slot sets one slot with a palette colour, or is refused and sends nothing."""
    device_id = await add_printer_once(hass, ad5x)
    ad5x.printer.status = Status.PRINTING if printing else Status.READY
    ad5x.core.commands.clear()
    given_values = {"slot": slot, "material": material, "color": color}
    call: dict[str, Any] = {"device_id": device_id} | {
        key: value for key, value in given_values.items() if value is not None
    }
    assume_typed_no_check_code(ad5x, call)

    try:
        await hass.services.async_call(DOMAIN, "set_slot", call, blocking=True)
    except Exception as err:  # noqa: BLE001 - the property is about any error
        assert refused_properly(err), repr(err)  # noqa: PT017
        assert ad5x.commands == []
        event(f"refused: {outcome(err)}")
        return
    event("accepted")
    assert not printing
    (command,) = ad5x.commands
    assert command.args["mt"] in MATERIALS
    assert command.args["rgb"] in PALETTE
