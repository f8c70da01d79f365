"""Entity helpers shared by the FlashForge platforms."""

from homeassistant.helpers.device_registry import (
    CONNECTION_NETWORK_MAC,
    DeviceInfo,
    format_mac,
)

from .api import MODEL_NAMES
from .const import DOMAIN
from .coordinator import FlashForgeCoordinator


def device_info(coordinator: FlashForgeCoordinator) -> DeviceInfo:
    """Describe the printer as a device, identified by its serial number."""
    detail = coordinator.data
    serial = coordinator.client.serial_number
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
