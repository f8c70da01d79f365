"""The FlashForge 3D printer integration."""

from homeassistant.const import Platform
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    issue_registry as ir,
)
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity_platform import async_get_platforms
from homeassistant.helpers.typing import ConfigType

from .api import PrinterDetail, has_camera
from .const import DOMAIN
from .coordinator import FlashForgeConfigEntry, FlashForgeCoordinator
from .discovery import async_start_discovery
from .entity import DEVICE_FIELDS, device_info
from .history import PrintHistoryKeeper, history_store
from .history_services import async_setup_history_services
from .issues import firmware_issue_id, unreachable_issue_id
from .manual_services import async_setup_manual_services
from .services import async_setup_services
from .station_services import async_setup_station_services
from .tcp_services import async_setup_tcp_services
from .voice import async_setup_sentences, async_setup_voice

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CAMERA,
    Platform.EVENT,
    Platform.FAN,
    Platform.IMAGE,
    Platform.LIGHT,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


def platforms_of(detail: PrinterDetail) -> list[Platform]:
    """Return the platforms of a printer: the camera's only if it has one.

    A printer without a camera then never loads Home Assistant's camera
    component for it. A camera fitted later shows once the entry reloads,
    as it did when the camera platform decided at setup.
    """
    return [
        platform
        for platform in PLATFORMS
        if platform is not Platform.CAMERA or has_camera(detail)
    ]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions and the sentences naming no printer; look for printers."""
    async_start_discovery(hass)
    for async_setup_actions in (
        async_setup_services,
        async_setup_tcp_services,
        async_setup_manual_services,
        async_setup_station_services,
        async_setup_history_services,
    ):
        async_setup_actions(hass)
    await async_setup_sentences(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: FlashForgeConfigEntry) -> bool:
    """Connect to the printer, register it as a device and set up its entities."""
    coordinator = FlashForgeCoordinator(hass, entry)
    # Set before the first read: a retried setup's coordinator finds it there.
    entry.runtime_data = coordinator
    await coordinator.async_config_entry_first_refresh()
    # Before the entities: the event entity and the sensors read it.
    coordinator.history = await PrintHistoryKeeper.async_load(hass, coordinator)
    entry.async_on_unload(coordinator.history.async_start())
    entry.async_on_unload(coordinator.history.async_stop)

    entry.async_on_unload(_async_keep_device_current(hass, coordinator))
    await hass.config_entries.async_forward_entry_setups(
        entry, platforms_of(coordinator.data)
    )
    await async_setup_voice(hass, entry)
    return True


@callback
def _async_keep_device_current(
    hass: HomeAssistant, coordinator: FlashForgeCoordinator
) -> CALLBACK_TYPE:
    """Register the printer's device, and update it when the printer reports changes.

    A firmware update, another name or model shows on the device at the next
    poll; polls changing none of DEVICE_FIELDS do not call it.
    """
    registry = dr.async_get(hass)
    entry_id = coordinator.config_entry.entry_id
    registered: DeviceInfo | None = None

    @callback
    def describe() -> None:
        nonlocal registered
        if (info := device_info(coordinator)) != registered:
            registry.async_get_or_create(config_entry_id=entry_id, **info)
            registered = info

    describe()
    return coordinator.async_add_listener(describe, frozenset(DEVICE_FIELDS))


async def async_migrate_entry(
    hass: HomeAssistant, entry: FlashForgeConfigEntry
) -> bool:
    """Bring an entry from an older version up to date."""
    if entry.version == 1 and entry.minor_version < 2:
        # The polling intervals are no longer options: 5 s and 30 s for all.
        hass.config_entries.async_update_entry(entry, options={}, minor_version=2)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: FlashForgeConfigEntry) -> bool:
    """Stop the printer's commands and uploads in flight, then unload the entities.

    The requests stop first, so nothing the entry started reaches the
    printer once unloading began (an upload stopped before its end is never
    printed), and a reloaded entry never sends beside the old one.
    The shared session stays with Home Assistant.
    """
    await entry.runtime_data.printer.close()
    # The platforms set up, not those the printer's state would pick now: a
    # camera started or stopped since setup changes nothing until a reload.
    loaded = {
        platform.domain
        for platform in async_get_platforms(hass, DOMAIN)
        if platform.config_entry is entry
    }
    return await hass.config_entries.async_unload_platforms(
        entry, [platform for platform in PLATFORMS if platform in loaded]
    )


async def async_remove_entry(hass: HomeAssistant, entry: FlashForgeConfigEntry) -> None:
    """Drop the repair issues and the print history of a printer that is gone."""
    for issue_id in (unreachable_issue_id(entry), firmware_issue_id(entry)):
        ir.async_delete_issue(hass, DOMAIN, issue_id)
    await history_store(hass, entry).async_remove()
