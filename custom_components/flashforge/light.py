"""The light of a FlashForge printer."""

from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.light import LightEntity, LightEntityDescription

# Not re-exported explicitly by the package root, which mypy --strict requires.
from homeassistant.components.light.const import ATTR_RGB_COLOR, ColorMode
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import FlashForgeConfigEntry, FlashForgeCoordinator
from .entity import (
    FlashForgeToggleEntity,
    FlashForgeToggleEntityDescription,
    entities_that_exist,
)
from .helpers import flashforge_exception_handler

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


# The colour of a colour light before one was set: the white it starts in.
WHITE = (255, 255, 255)


class FlashForgeLight(FlashForgeToggleEntity, LightEntity):
    """A light of the printer, on or off, in a colour where it takes one."""

    entity_description: FlashForgeLightEntityDescription

    def __init__(
        self,
        coordinator: FlashForgeCoordinator,
        description: FlashForgeLightEntityDescription,
    ) -> None:
        """Pick the light's colour mode from what the printer takes."""
        super().__init__(coordinator, description)
        mode = ColorMode.RGB if coordinator.printer.light_colors else ColorMode.ONOFF
        self._attr_color_mode = mode
        self._attr_supported_color_modes = {mode}
        if mode is ColorMode.RGB:
            # The printer does not report its colour: the one last set shows.
            self._attr_rgb_color = WHITE

    @flashforge_exception_handler
    @override
    async def async_turn_on(self, /, **kwargs: Any) -> None:
        """Turn it on, in the colour asked for or the last one set."""
        if self._attr_color_mode is not ColorMode.RGB:
            await self._async_set(on=True)
            return
        color: tuple[int, int, int] = (
            kwargs.get(ATTR_RGB_COLOR) or self._attr_rgb_color or WHITE
        )
        await self.coordinator.printer.set_light(on=True, color=color)
        self._attr_rgb_color = color
        # A colour change alone changes no field the coordinator compares.
        self.async_write_ha_state()
