"""Buttons of a FlashForge printer: job controls, clearing the platform, homing, stopping."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import override

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import FlashForgePrinter, PrinterDetail
from .coordinator import FlashForgeConfigEntry
from .entity import FlashForgeEntity, FlashForgeEntityDescription, entities_that_exist
from .helpers import flashforge_exception_handler

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class FlashForgeButtonEntityDescription(
    FlashForgeEntityDescription, ButtonEntityDescription
):
    """Describe a button of the printer."""

    press_fn: Callable[[FlashForgePrinter], Awaitable[None]]
    # Whether the printer's state lets the button act; the fields it reads
    # must be in the description's fields, or availability goes stale.
    available_fn: Callable[[PrinterDetail], bool] | None = None


# Always there where the API that sends them answers; unavailable while the
# printer's state leaves them nothing to act on. The printer itself still says
# no when its state changed since the last poll.
BUTTONS: tuple[FlashForgeButtonEntityDescription, ...] = (
    FlashForgeButtonEntityDescription(
        key="pause",
        translation_key="pause",
        fields=("status",),
        available_fn=lambda detail: detail.status.can_pause,
        press_fn=lambda printer: printer.pause_print(),
    ),
    FlashForgeButtonEntityDescription(
        key="resume",
        translation_key="resume",
        fields=("status",),
        available_fn=lambda detail: detail.status.can_resume,
        press_fn=lambda printer: printer.resume_print(),
    ),
    FlashForgeButtonEntityDescription(
        key="cancel",
        translation_key="cancel",
        fields=("status",),
        available_fn=lambda detail: detail.status.job_loaded,
        press_fn=lambda printer: printer.cancel_print(),
    ),
    FlashForgeButtonEntityDescription(
        key="clear_platform",
        translation_key="clear_platform",
        fields=("status",),
        available_fn=lambda detail: detail.status.awaiting_clear,
        # Over TCP a finished job is cleared on the printer's screen.
        exists_fn=lambda coordinator: coordinator.printer.has_http,
        press_fn=lambda printer: printer.clear_platform(),
    ),
    FlashForgeButtonEntityDescription(
        key="home",
        translation_key="home",
        exists_fn=lambda coordinator: coordinator.printer.can_move,
        press_fn=lambda printer: printer.home(),
    ),
    FlashForgeButtonEntityDescription(
        key="emergency_stop",
        translation_key="emergency_stop",
        # One press halts a print for good: only who means it enables it.
        entity_registry_enabled_default=False,
        exists_fn=lambda coordinator: coordinator.printer.has_tcp,
        press_fn=lambda printer: printer.emergency_stop(),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FlashForgeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the printer's buttons."""
    async_add_entities(
        entities_that_exist(entry.runtime_data, FlashForgeButton, BUTTONS)
    )


class FlashForgeButton(FlashForgeEntity, ButtonEntity):
    """A button of the printer."""

    entity_description: FlashForgeButtonEntityDescription

    @property
    @override
    def available(self) -> bool:
        """Return whether the printer answers and its state lets the button act."""
        available_fn = self.entity_description.available_fn
        return super().available and (
            available_fn is None or available_fn(self.coordinator.data)
        )

    @flashforge_exception_handler
    @override
    async def async_press(self) -> None:
        """Send the button's command to the printer."""
        await self.entity_description.press_fn(self.coordinator.printer)
