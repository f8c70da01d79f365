"""Binary sensors for FlashForge printers: door, printing and error."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import override

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import ENCLOSED_PIDS, MachineStatus, PrinterDetail
from .coordinator import FlashForgeConfigEntry
from .entity import FlashForgeEntity, FlashForgeEntityDescription, entities_that_exist

# Read-only: the coordinator does all I/O.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class FlashForgeBinarySensorEntityDescription(
    FlashForgeEntityDescription, BinarySensorEntityDescription
):
    """Describe a FlashForge binary sensor."""

    value_fn: Callable[[PrinterDetail], bool | None]


BINARY_SENSORS: tuple[FlashForgeBinarySensorEntityDescription, ...] = (
    FlashForgeBinarySensorEntityDescription(
        key="door",
        translation_key="door",
        device_class=BinarySensorDeviceClass.DOOR,
        value_fn=lambda detail: detail.door_open,
        fields=("door_open",),
        # Open-frame printers report a door that is always closed.
        exists_fn=lambda coordinator: coordinator.data.pid in ENCLOSED_PIDS,
    ),
    FlashForgeBinarySensorEntityDescription(
        key="printing",
        translation_key="printing",
        device_class=BinarySensorDeviceClass.RUNNING,
        value_fn=lambda detail: detail.status.printing,
        fields=("status",),
    ),
    FlashForgeBinarySensorEntityDescription(
        key="error",
        translation_key="error",
        device_class=BinarySensorDeviceClass.PROBLEM,
        value_fn=lambda detail: (
            detail.status is MachineStatus.ERROR or detail.error_code is not None
        ),
        fields=("status", "error_code"),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FlashForgeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors this printer has."""
    coordinator = entry.runtime_data
    async_add_entities(
        entities_that_exist(coordinator, FlashForgeBinarySensor, BINARY_SENSORS)
    )


class FlashForgeBinarySensor(FlashForgeEntity, BinarySensorEntity):
    """An on/off state of the printer."""

    entity_description: FlashForgeBinarySensorEntityDescription

    @property
    @override
    def is_on(self) -> bool | None:
        """Return the state from the latest detail."""
        return self.entity_description.value_fn(self.coordinator.data)
