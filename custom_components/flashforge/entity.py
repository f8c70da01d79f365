"""Base entity and device description shared by the FlashForge platforms."""

from typing import Any, override

from homeassistant.core import callback
from homeassistant.helpers.device_registry import (
    CONNECTION_NETWORK_MAC,
    DeviceInfo,
    format_mac,
)
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import MODEL_NAMES
from .const import DOMAIN
from .coordinator import FlashForgeCoordinator


def device_info(coordinator: FlashForgeCoordinator) -> DeviceInfo:
    """Describe the printer as a device, identified by its serial number."""
    detail = coordinator.data
    serial = coordinator.printer.serial_number
    info = DeviceInfo(
        identifiers={(DOMAIN, serial)},
        manufacturer="FlashForge",
        model=MODEL_NAMES.get(detail.pid or -1, detail.name),
        name=coordinator.config_entry.title,
        serial_number=serial,
        sw_version=detail.firmware_version,
    )
    if detail.mac_address:
        info["connections"] = {(CONNECTION_NETWORK_MAC, format_mac(detail.mac_address))}
    return info


class FlashForgeEntity(CoordinatorEntity[FlashForgeCoordinator]):
    """An entity of one printer, named by its translation key."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: FlashForgeCoordinator, description: EntityDescription
    ) -> None:
        """Attach the entity to its printer, keyed by serial number and key."""
        super().__init__(coordinator)
        self.entity_description = description
        serial = coordinator.printer.serial_number
        self._attr_unique_id = f"{serial}_{description.key}"
        # The device itself is registered at setup; this only links to it.
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, serial)})
        self._shown: tuple[bool, Any] | None = None

    def _shown_values(self) -> Any:
        """Return the printer's values this entity shows, besides availability.

        Platforms whose state follows the printer return the raw values their
        state and attributes are made from: comparing those is much cheaper
        than formatting the state of every entity on every poll.
        """
        return None

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Write the state only when what this entity shows has changed.

        While printing, the detail changes on every poll, but most entities
        show the same thing: rewriting them all would cost a state write each.
        """
        shown = (self.available, self._shown_values())
        if shown != self._shown:
            self._shown = shown
            super()._handle_coordinator_update()
