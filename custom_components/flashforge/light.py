"""The light of a FlashForge printer."""

from dataclasses import dataclass

from homeassistant.components.light import LightEntity, LightEntityDescription

# Not re-exported explicitly by the package root, which mypy --strict requires.
from homeassistant.components.light.const import ColorMode
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import FlashForgeConfigEntry
from .entity import (
    FlashForgeToggleEntity,
    FlashForgeToggleEntityDescription,
    entities_that_exist,
)

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class FlashForgeLightEntityDescription(
    FlashForgeToggleEntityDescription, LightEntityDescription
):
    """Describe a light of the printer."""


LIGHTS: tuple[FlashForgeLightEntityDescription, ...] = (
    # Always there: aftermarket LEDs obey the command even on printers whose
    # /product says the light cannot be controlled.
    FlashForgeLightEntityDescription(
        key="light",
        translation_key="light",
        is_on_fn=lambda detail: detail.light_on,
        fields=("light_on",),
        set_fn=lambda printer, on: printer.set_light(on),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FlashForgeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the printer's light."""
    coordinator = entry.runtime_data
    async_add_entities(entities_that_exist(coordinator, FlashForgeLight, LIGHTS))


class FlashForgeLight(FlashForgeToggleEntity, LightEntity):
    """A light of the printer, on or off."""

    entity_description: FlashForgeLightEntityDescription
    _attr_color_mode = ColorMode.ONOFF
    # Home Assistant only reads it; no instance changes it.
    _attr_supported_color_modes = {ColorMode.ONOFF}  # noqa: RUF012
