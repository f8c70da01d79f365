"""Base entity and device description shared by the FlashForge platforms."""

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, override

from homeassistant.const import Platform
from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import (
    CONNECTION_NETWORK_MAC,
    DeviceInfo,
    format_mac,
)
from homeassistant.helpers.entity import (
    EntityDescription,
    ToggleEntity,
    ToggleEntityDescription,
)
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import MODEL_NAMES, FlashForgePrinter, PrinterDetail
from .const import DOMAIN
from .coordinator import FlashForgeCoordinator
from .helpers import flashforge_exception_handler

# The fields of the detail device_info reads: the device follows their changes.
DEVICE_FIELDS = ("firmware_version", "mac_address", "name", "pid")


def device_info(coordinator: FlashForgeCoordinator) -> DeviceInfo:
    """Describe the printer as it reports itself now, keyed by its serial number."""
    detail = coordinator.data
    serial = coordinator.printer.serial_number
    info = DeviceInfo(
        identifiers={(DOMAIN, serial)},
        manufacturer="FlashForge",
        # A TCP printer reports no product id: M115 names its model.
        model=MODEL_NAMES.get(detail.pid or -1)
        or coordinator.printer.model
        or detail.name,
        # The name set on the printer's screen; the entry's title while it sends none.
        name=detail.name or coordinator.config_entry.title,
        serial_number=serial,
        sw_version=detail.firmware_version,
    )
    if detail.mac_address:
        info["connections"] = {(CONNECTION_NETWORK_MAC, format_mac(detail.mac_address))}
    return info


@dataclass(frozen=True, kw_only=True)
class FlashForgeEntityDescription(EntityDescription):
    """Describe an entity of the printer, on which printers it exists, what it reads."""

    exists_fn: Callable[[FlashForgeCoordinator], bool] = lambda _: True
    # The PrinterDetail attributes the description's functions and its entity
    # read: the coordinator updates the entity only when one of them changed
    # (or the printer came or went). A function reading one not named here
    # would show stale values; tests/integration/test_fields.py catches it.
    fields: tuple[str, ...] = ()


def reported(
    read: Callable[[PrinterDetail], object],
) -> Callable[[FlashForgeCoordinator], bool]:
    """Return an exists_fn: the printer reported the value at setup."""
    return lambda coordinator: read(coordinator.data) is not None


def exists(
    coordinator: FlashForgeCoordinator, description: FlashForgeEntityDescription
) -> bool:
    """Return whether the printer has the entity: it reports what it reads, and more.

    A printer speaking TCP only reports fewer fields: an entity reading
    others would never show a value.
    """
    reported = coordinator.printer.reported_fields
    return (
        reported is None or reported.issuperset(description.fields)
    ) and description.exists_fn(coordinator)


def entities_that_exist[DescriptionT: FlashForgeEntityDescription, EntityT](
    coordinator: FlashForgeCoordinator,
    entity: Callable[[FlashForgeCoordinator, DescriptionT], EntityT],
    descriptions: Iterable[DescriptionT],
) -> list[EntityT]:
    """Return an entity for each description that exists on the printer."""
    return [
        entity(coordinator, description)
        for description in descriptions
        if exists(coordinator, description)
    ]


def unique_id(coordinator: FlashForgeCoordinator, key: str) -> str:
    """Return the unique id of the printer's entity with this description key."""
    return f"{coordinator.printer.serial_number}_{key}"


@callback
def async_remove_entities(
    coordinator: FlashForgeCoordinator, platform: Platform, keys: Iterable[str]
) -> None:
    """Remove the printer's entities with these description keys from the registry."""
    registry = er.async_get(coordinator.hass)
    for key in keys:
        entity_id = registry.async_get_entity_id(
            platform, DOMAIN, unique_id(coordinator, key)
        )
        if entity_id is not None:
            registry.async_remove(entity_id)


class FlashForgeEntity(CoordinatorEntity[FlashForgeCoordinator]):
    """An entity of one printer, named by its translation key.

    It listens for the fields its description declares: the coordinator
    calls it when one of those changed, or when the printer came or went.
    """

    _attr_has_entity_name = True
    entity_description: FlashForgeEntityDescription

    def __init__(
        self,
        coordinator: FlashForgeCoordinator,
        description: FlashForgeEntityDescription,
    ) -> None:
        """Attach the entity to its printer, keyed by serial number and key."""
        super().__init__(coordinator, context=frozenset(description.fields))
        self.entity_description = description
        self._attr_unique_id = unique_id(coordinator, description.key)
        # The device itself is registered at setup; this only links to it.
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, coordinator.printer.serial_number)}
        )


@dataclass(frozen=True, kw_only=True)
class FlashForgeToggleEntityDescription(
    FlashForgeEntityDescription, ToggleEntityDescription
):
    """Describe an on/off control of the printer (a switch or the light)."""

    is_on_fn: Callable[[PrinterDetail], bool | None]
    set_fn: Callable[[FlashForgePrinter, bool], Awaitable[None]]


class FlashForgeToggleEntity(FlashForgeEntity, ToggleEntity):
    """An on/off control of the printer."""

    entity_description: FlashForgeToggleEntityDescription

    @property
    @override
    def is_on(self) -> bool | None:
        """Return whether the printer reports it on."""
        return self.entity_description.is_on_fn(self.coordinator.data)

    # self is positional-only so that mypy matches a method taking **kwargs
    # to the handler's Concatenate[entity, ...].

    @flashforge_exception_handler
    @override
    async def async_turn_on(self, /, **kwargs: Any) -> None:
        """Turn it on."""
        await self._async_set(on=True)

    @flashforge_exception_handler
    @override
    async def async_turn_off(self, /, **kwargs: Any) -> None:
        """Turn it off."""
        await self._async_set(on=False)

    async def _async_set(self, *, on: bool) -> None:
        """Send the command."""
        await self.entity_description.set_fn(self.coordinator.printer, on)
