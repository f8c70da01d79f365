"""Switches of a FlashForge printer: filtration and auto shutdown."""

from dataclasses import dataclass

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import FlashForgeConfigEntry
from .entity import (
    FlashForgeToggleEntity,
    FlashForgeToggleEntityDescription,
    async_remove_entities,
    entities_that_exist,
    reported,
)

PARALLEL_UPDATES = 1

# Switches earlier versions made: the camera entity turns its stream on and off.
DUPLICATES = ("camera_stream",)


@dataclass(frozen=True, kw_only=True)
class FlashForgeSwitchEntityDescription(
    FlashForgeToggleEntityDescription, SwitchEntityDescription
):
    """Describe a switch of the printer."""


SWITCHES: tuple[FlashForgeSwitchEntityDescription, ...] = (
    FlashForgeSwitchEntityDescription(
        key="internal_filtration",
        translation_key="internal_filtration",
        exists_fn=lambda coordinator: coordinator.product.internal_fan_control,
        is_on_fn=lambda detail: detail.internal_fan_on,
        fields=("internal_fan_on",),
        set_fn=lambda printer, on: printer.set_filtration(internal=on),
    ),
    FlashForgeSwitchEntityDescription(
        key="external_filtration",
        translation_key="external_filtration",
        exists_fn=lambda coordinator: coordinator.product.external_fan_control,
        is_on_fn=lambda detail: detail.external_fan_on,
        fields=("external_fan_on",),
        set_fn=lambda printer, on: printer.set_filtration(external=on),
    ),
    FlashForgeSwitchEntityDescription(
        key="auto_shutdown",
        translation_key="auto_shutdown",
        entity_category=EntityCategory.CONFIG,
        exists_fn=reported(lambda detail: detail.auto_shutdown),
        is_on_fn=lambda detail: detail.auto_shutdown,
        fields=("auto_shutdown",),
        set_fn=lambda printer, on: printer.set_auto_shutdown(enabled=on),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FlashForgeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the switches the printer has."""
    coordinator = entry.runtime_data
    async_remove_entities(coordinator, Platform.SWITCH, DUPLICATES)
    async_add_entities(entities_that_exist(coordinator, FlashForgeSwitch, SWITCHES))


class FlashForgeSwitch(FlashForgeToggleEntity, SwitchEntity):
    """A switch of the printer."""

    entity_description: FlashForgeSwitchEntityDescription
