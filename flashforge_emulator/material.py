"""The material station: its slots, their /control commands, mapping checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .codes import ACTIVE_STATUSES, SUCCESS, Outcome, fail, invalid, is_number
from .gcode import GcodeMeta

if TYPE_CHECKING:
    from .state import PrinterState

MAX_TOOLS = 4


@dataclass(slots=True)
class SlotState:
    """One material station slot."""

    slot_id: int
    material: str
    color: str
    has_filament: bool


def validate_mappings(  # noqa: PLR0911 - one guard clause per rule reads best
    slots: Sequence[SlotState], meta: GcodeMeta, tool_count: object, mappings: object
) -> Outcome | None:
    """Check material mappings against the station's slots; None when valid."""
    if not is_number(tool_count) or int(tool_count) != tool_count:
        return invalid("gcodeToolCnt must be an integer")
    count = int(tool_count)
    if not 1 <= count <= MAX_TOOLS:
        return invalid(
            f"gcodeToolCnt must be 1 to {MAX_TOOLS} with useMatlStation, got {count}"
        )
    if not isinstance(mappings, list):
        return invalid("materialMappings must be a JSON array")
    if len(mappings) != count:
        return invalid(
            f"materialMappings has {len(mappings)} entries but gcodeToolCnt is {count}"
        )
    if meta.tools and len(meta.tools) != count:
        return invalid(
            f"gcodeToolCnt is {count} but the file uses {len(meta.tools)} tools"
        )
    seen: set[int] = set()
    for entry in mappings:
        if not isinstance(entry, dict):
            return invalid("each materialMappings entry must be an object")
        tool_id, slot_id = entry.get("toolId"), entry.get("slotId")
        if not is_number(tool_id) or not is_number(slot_id):
            return invalid("each mapping needs integer toolId and slotId")
        tool, slot = int(tool_id), int(slot_id)
        if not 0 <= tool < count or tool in seen:
            return invalid(f"toolId {tool} is out of range or repeated")
        seen.add(tool)
        if not 1 <= slot <= len(slots):
            return invalid(f"slot {slot} does not exist (slots are 1 to {len(slots)})")
        if not slots[slot - 1].has_filament:
            return invalid(f"slot {slot} has no filament loaded")
    return None


def _slot_arg(state: PrinterState, args: Mapping[str, Any]) -> int | None:
    slot = args.get("slot")
    if not is_number(slot) or not 0 <= slot <= len(state.slots):
        return None
    return int(slot)


def ms_config(state: PrinterState, args: Mapping[str, Any]) -> Outcome:
    """Handle msConfig_cmd: set a slot's material and colour."""
    slot = _slot_arg(state, args)
    material, color = args.get("mt"), args.get("rgb")
    if slot is None or not isinstance(material, str) or not isinstance(color, str):
        return invalid("msConfig_cmd needs slot 1-4, mt and rgb")
    if slot == 0:
        return SUCCESS  # the firmware ignores slot 0 here
    target = state.slots[slot - 1]
    target.material, target.color = material, color
    return SUCCESS


def ipd_ms_config(state: PrinterState, args: Mapping[str, Any]) -> Outcome:
    """Handle ipdMsConfig_cmd: set the independent feed's material and colour."""
    material, color = args.get("mt"), args.get("rgb")
    if not isinstance(material, str) or not isinstance(color, str):
        return invalid("ipdMsConfig_cmd needs mt and rgb")
    state.indep_material, state.indep_color = material, color
    return SUCCESS


def ms(state: PrinterState, args: Mapping[str, Any]) -> Outcome:
    """Handle ms_cmd: load (action 0) or unload (1) a slot's filament."""
    action, slot = args.get("action"), _slot_arg(state, args)
    if action not in (0, 1, 2) or slot is None or slot == 0:
        return invalid("ms_cmd needs action 0-2 and slot 1-4")
    if state.status in ACTIVE_STATUSES:
        return fail(f"Cannot change filament: printer is {state.status.value}")
    if action == 0 and not state.slots[slot - 1].has_filament:
        return fail(f"Slot {slot} has no filament")
    if action in (0, 1):
        state.current_slot = slot if action == 0 else 0
    # Loading and unloading finish at once in the emulator.
    state.current_load_slot = 0
    state.matl_state_action = 0
    state.matl_state_step = 0
    return SUCCESS


def ipd_ms(state: PrinterState, args: Mapping[str, Any]) -> Outcome:
    """Handle ipdMs_cmd: load or unload the independent feed."""
    if args.get("action") not in (0, 1, 2):
        return invalid("ipdMs_cmd needs action 0-2")
    if state.status in ACTIVE_STATUSES:
        return fail(f"Cannot change filament: printer is {state.status.value}")
    return SUCCESS
