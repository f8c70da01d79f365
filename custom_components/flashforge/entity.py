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


def device_info(coordinator: FlashForgeCoordinator) -> DeviceInfo:
    """Describe the printer as it reports itself now, keyed by its serial number."""
    detail = coordinator.data
    serial = coordinator.printer.serial_number
    info = DeviceInfo(
        identifiers={(DOMAIN, serial)},
        manufacturer="FlashForge",
        model=MODEL_NAMES.get(detail.pid or -1, detail.name),
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
    """Describe an entity of the printer, and on which printers it exists."""

    exists_fn: Callable[[FlashForgeCoordinator], bool] = lambda _: True


def entities_that_exist[DescriptionT: FlashForgeEntityDescription, EntityT](
    coordinator: FlashForgeCoordinator,
    entity: Callable[[FlashForgeCoordinator, DescriptionT], EntityT],
    descriptions: Iterable[DescriptionT],
) -> list[EntityT]:
    """Return an entity for each description that exists on the printer."""
    return [
        entity(coordinator, description)
        for description in descriptions
        if description.exists_fn(coordinator)
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
    """An entity of one printer, named by its translation key."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: FlashForgeCoordinator, description: EntityDescription
    ) -> None:
        """Attach the entity to its printer, keyed by serial number and key."""
        super().__init__(coordinator)
        self.entity_description = description
        self._attr_unique_id = unique_id(coordinator, description.key)
        # The device itself is registered at setup; this only links to it.
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, coordinator.printer.serial_number)}
        )
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

    @override
    def _shown_values(self) -> bool | None:
        """Return whether it is on."""
        return self.is_on

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
