"""Material mappings (AD5X): which slot of the material station feeds each tool of a file.

A printer whose material station is in use needs a mapping for every tool of
the file, even for a single-colour one. Mappings are either given (pairs of
tool and slot, checked against the station and the file) or found
automatically from the materials and colours the file names.
"""

from collections.abc import Sequence
import math
import re
from typing import Final

from .errors import FlashForgeMappingError, MappingProblem
from .models import (
    FileTool,
    MaterialMapping,
    MaterialSlot,
    MaterialStation,
    PrinterDetail,
)

_HEX_COLOR: Final = re.compile(r"#?([0-9A-Fa-f]{6})")

type ToolSlot = tuple[int, int]
"""A requested mapping: (tool of the file, from 0; slot of the station, from 1)."""


def station_in_use(detail: PrinterDetail) -> MaterialStation | None:
    """Return the material station a print must be mapped to, if there is one."""
    return detail.material_station if detail.has_material_station else None


def material_mappings(
    station: MaterialStation | None,
    requested: Sequence[ToolSlot] | None,
    tools: Sequence[FileTool],
) -> list[MaterialMapping]:
    """Return the mappings to print a file with; raise FlashForgeMappingError if none fit.

    ``requested`` is None to map automatically, empty to print without the
    station, or the user's pairs. ``tools`` are the file's tools, empty when
    the file does not say. Without a station, only a non-empty request is an
    error: there is nothing to map to.
    """
    if station is None:
        if requested:
            raise FlashForgeMappingError(MappingProblem.NO_MATERIAL_STATION)
        return []
    if requested is not None:
        return _given_mappings(station, requested, tools) if requested else []
    if not tools:
        raise FlashForgeMappingError(MappingProblem.TOOLS_UNKNOWN)
    return _automatic_mappings(station, tools)


def _given_mappings(
    station: MaterialStation, requested: Sequence[ToolSlot], tools: Sequence[FileTool]
) -> list[MaterialMapping]:
    """Check the requested pairs against the station and the file, and fill them in."""
    slots = {slot.slot_id: slot for slot in station.slots}
    file_tools = {tool.tool_id: tool for tool in tools}
    # Without the file's tools, the firmware's rule stands: tools 0 to n-1.
    expected = set(file_tools) if file_tools else set(range(len(requested)))
    mappings: list[MaterialMapping] = []
    for tool_id, slot_id in sorted(requested, key=lambda pair: pair[0]):
        if any(mapping.tool_id == tool_id for mapping in mappings):
            raise FlashForgeMappingError(
                MappingProblem.DUPLICATE_TOOL, tool=str(tool_id)
            )
        if tool_id not in expected:
            raise FlashForgeMappingError(MappingProblem.UNKNOWN_TOOL, tool=str(tool_id))
        if (slot := slots.get(slot_id)) is None:
            raise FlashForgeMappingError(
                MappingProblem.SLOT_NOT_FOUND, slot=str(slot_id)
            )
        if not slot.has_filament:
            raise FlashForgeMappingError(MappingProblem.SLOT_EMPTY, slot=str(slot_id))
        mappings.append(_mapping(tool_id, file_tools.get(tool_id), slot))
    if missing := sorted(expected - {mapping.tool_id for mapping in mappings}):
        raise FlashForgeMappingError(
            MappingProblem.TOOL_NOT_MAPPED, tool=str(missing[0])
        )
    return mappings


def _automatic_mappings(
    station: MaterialStation, tools: Sequence[FileTool]
) -> list[MaterialMapping]:
    """Map each tool to a loaded slot of its material, preferring its colour.

    Among slots of the right material, the exact colour wins (even when
    another tool uses that slot too); otherwise a slot no other tool uses,
    then the nearest colour, then the lowest slot.
    """
    loaded = [slot for slot in station.slots if slot.has_filament]
    used: set[int] = set()
    mappings: list[MaterialMapping] = []
    for tool in sorted(tools, key=lambda tool: tool.tool_id):
        candidates = [
            slot
            for slot in loaded
            if _same_text(slot.material_name, tool.material_name)
        ]
        if not candidates:
            raise FlashForgeMappingError(
                MappingProblem.NO_MATCHING_SLOT,
                tool=str(tool.tool_id),
                material=tool.material_name or "?",
                color=tool.material_color or "?",
            )
        slot = min(
            candidates,
            key=lambda slot: (
                not _same_text(slot.material_color, tool.material_color),
                slot.slot_id in used,
                _color_distance(slot.material_color, tool.material_color),
                slot.slot_id,
            ),
        )
        used.add(slot.slot_id)
        mappings.append(_mapping(tool.tool_id, tool, slot))
    return mappings


def _mapping(
    tool_id: int, tool: FileTool | None, slot: MaterialSlot
) -> MaterialMapping:
    """Return a mapping, naming the file's material and both colours."""
    tool_material = tool.material_name if tool else None
    tool_color = tool.material_color if tool else None
    return MaterialMapping(
        tool_id=tool_id,
        slot_id=slot.slot_id,
        material_name=tool_material or slot.material_name or "",
        tool_material_color=tool_color or slot.material_color or "",
        slot_material_color=slot.material_color or tool_color or "",
    )


def _same_text(first: str | None, second: str | None) -> bool:
    """Return whether two material names or colours are the same, ignoring case."""
    return (
        first is not None
        and second is not None
        and first.strip().casefold() == second.strip().casefold()
    )


def _color_distance(first: str | None, second: str | None) -> float:
    """Return how far apart two #RRGGBB colours are; unreadable ones are farthest."""
    first_rgb, second_rgb = _rgb(first), _rgb(second)
    if first_rgb is None or second_rgb is None:
        return math.inf
    return math.dist(first_rgb, second_rgb)


def _rgb(color: str | None) -> tuple[int, int, int] | None:
    """Return a #RRGGBB colour's components, None when it is not one."""
    # int() alone would also take a sign or underscores: "+00000", "#00_000".
    if (match := _HEX_COLOR.fullmatch((color or "").strip())) is None:
        return None
    value = int(match[1], 16)
    return (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF
