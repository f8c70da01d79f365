"""Buttons of a FlashForge printer: job controls, clearing the platform or an error, homing."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
import re
from typing import override

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import (
    FlashForgePrinter,
    PrinterDetail,
    can_control,
    station_in_use,
    station_ready,
    station_slot,
)
from .coordinator import FlashForgeConfigEntry, FlashForgeCoordinator
from .entity import FlashForgeEntity, FlashForgeEntityDescription, entities_that_exist
from .helpers import flashforge_exception_handler
from .parts import async_follow_parts

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
        fields=("status",),
        available_fn=can_control,
        exists_fn=lambda coordinator: coordinator.printer.can_move,
        press_fn=lambda printer: printer.home(),
    ),
    FlashForgeButtonEntityDescription(
        key="clear_error",
        translation_key="clear_error",
        fields=("error_code",),
        available_fn=lambda detail: detail.error_code is not None,
        exists_fn=lambda coordinator: coordinator.printer.can_clear_error,
        press_fn=lambda printer: printer.clear_error(),
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


# The fields the station's buttons read: its slots, and whether it may act.
STATION_FIELDS = ("has_material_station", "material_station", "status")
# Keys of the station's buttons, which come and go with it.
STATION_BUTTON_KEY = re.compile(r"unload_filament|slot_\d+_load")


def _can_unload(detail: PrinterDetail) -> bool:
    """Return whether a slot feeds the nozzle and the station may act."""
    station = detail.material_station
    return station_ready(detail) and station is not None and bool(station.current_slot)


def _can_load(slot_id: int) -> Callable[[PrinterDetail], bool]:
    """Return an available_fn: the slot holds filament and the station may act."""

    def available(detail: PrinterDetail) -> bool:
        slot = station_slot(detail, slot_id)
        return station_ready(detail) and slot is not None and slot.has_filament

    return available


def _load(slot_id: int) -> Callable[[FlashForgePrinter], Awaitable[None]]:
    """Return a press_fn: feed the slot's filament to the nozzle."""
    return lambda printer: printer.station.load(slot_id)


def station_buttons(
    coordinator: FlashForgeCoordinator,
) -> list[FlashForgeButtonEntityDescription]:
    """Describe unloading the filament, and loading each slot of the station."""
    if (station := station_in_use(coordinator.data)) is None:
        return []
    return [
        FlashForgeButtonEntityDescription(
            key="unload_filament",
            translation_key="unload_filament",
            fields=STATION_FIELDS,
            available_fn=_can_unload,
            press_fn=lambda printer: printer.station.unload(),
        ),
        *(
            FlashForgeButtonEntityDescription(
                key=f"slot_{slot.slot_id}_load",
                translation_key="load_slot",
                translation_placeholders={"slot": str(slot.slot_id)},
                fields=STATION_FIELDS,
                available_fn=_can_load(slot.slot_id),
                press_fn=_load(slot.slot_id),
            )
            for slot in station.slots
        ),
    ]


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FlashForgeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the printer's buttons; follow its material station's slots."""
    async_add_entities(
        entities_that_exist(entry.runtime_data, FlashForgeButton, BUTTONS)
    )
    async_follow_parts(
        entry,
        async_add_entities,
        Platform.BUTTON,
        keys=STATION_BUTTON_KEY,
        fields=STATION_FIELDS,
        describe=station_buttons,
        entity=FlashForgeButton,
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
