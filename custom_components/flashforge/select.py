"""Selects of a FlashForge printer: the material in each slot of the material station."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
import re
from typing import override

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import (
    MATERIALS,
    FlashForgePrinter,
    PrinterDetail,
    station_in_use,
    station_slot,
)
from .coordinator import FlashForgeConfigEntry, FlashForgeCoordinator
from .entity import FlashForgeEntity, FlashForgeEntityDescription
from .helpers import flashforge_exception_handler
from .parts import async_follow_parts

PARALLEL_UPDATES = 1

# The fields that tell which slots the station has, and what they hold.
STATION_FIELDS = ("has_material_station", "material_station")
# Keys of the selects of the station's slots, which come and go with it.
SLOT_SELECT_KEY = re.compile(r"slot_\d+_material")


@dataclass(frozen=True, kw_only=True)
class FlashForgeSelectEntityDescription(
    FlashForgeEntityDescription, SelectEntityDescription
):
    """Describe a choice the printer offers."""

    current_fn: Callable[[PrinterDetail], str | None]
    select_fn: Callable[[FlashForgePrinter, str], Awaitable[None]]


def _material(slot_id: int) -> Callable[[PrinterDetail], str | None]:
    """Return a current_fn: the slot's material, None if none the station offers."""

    def current(detail: PrinterDetail) -> str | None:
        slot = station_slot(detail, slot_id)
        name = None if slot is None else slot.material_name
        return name if name in MATERIALS else None

    return current


def _set_material(slot_id: int) -> Callable[[FlashForgePrinter, str], Awaitable[None]]:
    """Return a select_fn: set the slot's material, keeping its colour."""
    return lambda printer, material: printer.station.set_slot(slot_id, material)


def slot_selects(
    coordinator: FlashForgeCoordinator,
) -> list[FlashForgeSelectEntityDescription]:
    """Describe a select of the material for each slot of the station."""
    if (station := station_in_use(coordinator.data)) is None:
        return []
    return [
        FlashForgeSelectEntityDescription(
            key=f"slot_{slot.slot_id}_material",
            translation_key="slot_material",
            translation_placeholders={"slot": str(slot.slot_id)},
            entity_category=EntityCategory.CONFIG,
            options=list(MATERIALS),
            current_fn=_material(slot.slot_id),
            select_fn=_set_material(slot.slot_id),
            fields=STATION_FIELDS,
        )
        for slot in station.slots
    ]


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FlashForgeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a select for each slot of the station; follow the station's slots."""
    async_follow_parts(
        entry,
        async_add_entities,
        Platform.SELECT,
        keys=SLOT_SELECT_KEY,
        fields=STATION_FIELDS,
        describe=slot_selects,
        entity=FlashForgeSelect,
    )


class FlashForgeSelect(FlashForgeEntity, SelectEntity):
    """A choice the printer offers."""

    entity_description: FlashForgeSelectEntityDescription

    @property
    @override
    def current_option(self) -> str | None:
        """Return the option the printer reports."""
        return self.entity_description.current_fn(self.coordinator.data)

    @flashforge_exception_handler
    @override
    async def async_select_option(self, option: str) -> None:
        """Send the option to the printer."""
        await self.entity_description.select_fn(self.coordinator.printer, option)
