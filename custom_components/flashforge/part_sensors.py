"""Sensors of parts that come and go: the material station's slots, the tools."""

from collections.abc import Callable, Mapping
from dataclasses import replace
import re
from typing import Any

from .api import MaterialSlot, PrinterDetail
from .coordinator import FlashForgeCoordinator
from .parts import tool_value
from .sensor_entity import TEMPERATURE, FlashForgeSensorEntityDescription

# Keys of the sensors of parts that come and go: the station and the tools,
# and the fields of the detail that tell which there are.
PART_KEY = re.compile(r"active_slot|slot_\d+|tool_\d+_\w+")
PART_FIELDS = ("material_station", "nozzle_temperatures")

# A material-station slot's state while it holds no filament (translated).
# The slot's material is free text the printer reports, so the slot sensor
# is no enum (whose states must be a fixed list): the frontend translates a
# state through the entity's state translations whatever its device class.
EMPTY_SLOT = "empty"

ACTIVE_SLOT = FlashForgeSensorEntityDescription(
    key="active_slot",
    translation_key="active_slot",
    # The station reports 0 while no slot feeds the nozzle.
    value_fn=lambda detail: (
        detail.material_station.current_slot or None
        if detail.material_station
        else None
    ),
    fields=("material_station",),
)


def _slot(detail: PrinterDetail, slot_id: int) -> MaterialSlot | None:
    """Return a material-station slot by its 1-based id."""
    station = detail.material_station
    return None if station is None else station.slot(slot_id)


def _slot_state(slot_id: int) -> Callable[[PrinterDetail], str | None]:
    """Return a value_fn: the slot's material, or "empty"."""

    def value(detail: PrinterDetail) -> str | None:
        if (slot := _slot(detail, slot_id)) is None:
            return None
        if not slot.has_filament:
            return EMPTY_SLOT
        return slot.material_name

    return value


def _slot_attributes(
    slot_id: int,
) -> Callable[[PrinterDetail], Mapping[str, Any] | None]:
    """Return an attributes_fn: the slot's colour and whether it is loaded."""

    def attributes(detail: PrinterDetail) -> Mapping[str, Any] | None:
        if (slot := _slot(detail, slot_id)) is None:
            return None
        return {"color": slot.material_color, "loaded": slot.has_filament}

    return attributes


def station_sensors(
    coordinator: FlashForgeCoordinator,
) -> list[FlashForgeSensorEntityDescription]:
    """Describe the material station's active slot and one sensor per slot."""
    station = coordinator.data.material_station
    if station is None:
        return []
    return [
        ACTIVE_SLOT,
        *(
            FlashForgeSensorEntityDescription(
                key=f"slot_{slot.slot_id}",
                translation_key="slot",
                translation_placeholders={"slot": str(slot.slot_id)},
                value_fn=_slot_state(slot.slot_id),
                attributes_fn=_slot_attributes(slot.slot_id),
                fields=("material_station",),
            )
            for slot in station.slots
        ),
    ]


def tool_sensors(
    coordinator: FlashForgeCoordinator,
) -> list[FlashForgeSensorEntityDescription]:
    """Describe each nozzle's temperature on multi-nozzle printers.

    Their targets are numbers: the per-tool target sensors of earlier
    versions go, as parts no longer described.
    """
    return [
        replace(
            TEMPERATURE,
            key=f"tool_{index + 1}_temperature",
            translation_key="tool_temperature",
            translation_placeholders={"tool": str(index + 1)},
            value_fn=tool_value("nozzle_temperatures", index),
            fields=("nozzle_temperatures",),
            shares_field=True,
        )
        for index in range(len(coordinator.data.nozzle_temperatures))
    ]


def part_sensors(
    coordinator: FlashForgeCoordinator,
) -> list[FlashForgeSensorEntityDescription]:
    """Describe the sensors of the station and the tools the printer has now."""
    return [*station_sensors(coordinator), *tool_sensors(coordinator)]
