"""Diagnostics for FlashForge printers, with secrets and addresses redacted."""

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant

from .const import CONF_CHECK_CODE, CONF_SERIAL_NUMBER
from .coordinator import FlashForgeConfigEntry

TO_REDACT = {
    CONF_CHECK_CODE,
    CONF_HOST,
    CONF_SERIAL_NUMBER,
    "cameraStreamUrl",
    "flashRegisterCode",
    "ipAddr",
    "macAddr",
    "polarRegisterCode",
    "printFileThumbUrl",
    "unique_id",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: FlashForgeConfigEntry
) -> dict[str, Any]:
    """Return what the printer reported and how polling goes."""
    coordinator = entry.runtime_data
    error = coordinator.last_exception
    return async_redact_data(
        {
            "entry": {
                "data": dict(entry.data),
                "unique_id": entry.unique_id,
            },
            "coordinator": {
                "last_update_success": coordinator.last_update_success,
                "last_update_success_time": coordinator.last_update_success_time,
                "last_error": None if error is None else repr(error),
                "update_interval": coordinator.update_interval,
            },
            "detail": dict(coordinator.data.raw),
            "product": dict(coordinator.product.raw),
        },
        TO_REDACT,
    )
