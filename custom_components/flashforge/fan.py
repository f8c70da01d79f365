"""Fans of a FlashForge printer whose speed can be set: cooling and chamber."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.fan import FanEntity, FanEntityDescription

# Not re-exported explicitly by the package root, which mypy --strict requires.
from homeassistant.components.fan.const import FanEntityFeature
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import FlashForgePrinter, PrinterDetail
from .coordinator import FlashForgeConfigEntry
from .entity import (
    FlashForgeEntity,
    FlashForgeEntityDescription,
    entities_that_exist,
    reported,
)
from .helpers import flashforge_exception_handler

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class FlashForgeFanEntityDescription(FlashForgeEntityDescription, FanEntityDescription):
    """Describe a fan of the printer."""

    value_fn: Callable[[PrinterDetail], float | None]  # percent
    set_fn: Callable[[FlashForgePrinter, int], Awaitable[None]]


FANS: tuple[FlashForgeFanEntityDescription, ...] = (
    FlashForgeFanEntityDescription(
        key="cooling_fan",
        translation_key="cooling_fan",
        exists_fn=reported(lambda detail: detail.cooling_fan_speed),
        value_fn=lambda detail: detail.cooling_fan_speed,
        fields=("cooling_fan_speed",),
        set_fn=lambda printer, percentage: printer.set_printer_controls(
            cooling_fan=percentage
        ),
    ),
    FlashForgeFanEntityDescription(
        key="chamber_fan",
        translation_key="chamber_fan",
        exists_fn=reported(lambda detail: detail.chamber_fan_speed),
        value_fn=lambda detail: detail.chamber_fan_speed,
        fields=("chamber_fan_speed",),
        set_fn=lambda printer, percentage: printer.set_printer_controls(
            chamber_fan=percentage
        ),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FlashForgeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the fans the printer reports."""
    coordinator = entry.runtime_data
    async_add_entities(entities_that_exist(coordinator, FlashForgeFan, FANS))


class FlashForgeFan(FlashForgeEntity, FanEntity):
    """A fan of the printer, set in percent."""

    entity_description: FlashForgeFanEntityDescription
    _attr_supported_features = (
        FanEntityFeature.SET_SPEED
        | FanEntityFeature.TURN_ON
        | FanEntityFeature.TURN_OFF
    )

    @property
    @override
    def percentage(self) -> int | None:
        """Return the speed the printer reports."""
        value = self.entity_description.value_fn(self.coordinator.data)
        return None if value is None else round(value)

    @flashforge_exception_handler
    @override
    async def async_set_percentage(self, percentage: int) -> None:
        """Set the speed."""
        await self.entity_description.set_fn(self.coordinator.printer, percentage)

    # self is positional-only so that mypy matches a method taking **kwargs
    # to the handler's Concatenate[entity, ...].

    @flashforge_exception_handler
    @override
    async def async_turn_on(
        self,
        /,
        percentage: int | None = None,
        preset_mode: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Turn the fan on, at full speed unless told otherwise."""
        await self.entity_description.set_fn(
            self.coordinator.printer, 100 if percentage is None else percentage
        )

    @flashforge_exception_handler
    @override
    async def async_turn_off(self, /, **kwargs: Any) -> None:
        """Turn the fan off."""
        await self.entity_description.set_fn(self.coordinator.printer, 0)
