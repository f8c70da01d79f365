"""Settings of a FlashForge printer: print speed, z offset, target temperatures."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
import re
from typing import override

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    Platform,
    UnitOfLength,
    UnitOfTemperature,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import FlashForgePrinter, PrinterDetail
from .coordinator import FlashForgeConfigEntry, FlashForgeCoordinator
from .entity import (
    FlashForgeEntity,
    FlashForgeEntityDescription,
    entities_that_exist,
    reported,
)
from .helpers import flashforge_exception_handler
from .parts import async_follow_parts, tool_value

PARALLEL_UPDATES = 1

# Keys of the tools' targets, which come and go with the tools the printer reports.
TOOL_KEY = re.compile(r"tool_\d+_target_temperature")
# The hottest target the Creator 5 takes for a tool.
MAX_TOOL_TEMPERATURE = 300


@dataclass(frozen=True, kw_only=True)
class FlashForgeNumberEntityDescription(
    FlashForgeEntityDescription, NumberEntityDescription
):
    """Describe a setting of the printer."""

    value_fn: Callable[[PrinterDetail], float | None]
    set_fn: Callable[[FlashForgePrinter, float], Awaitable[None]]


def _target_temperature(
    key: str,
    maximum: int,
    *,
    translation_key: str | None = None,
    translation_placeholders: dict[str, str] | None = None,
    exists_fn: Callable[[FlashForgeCoordinator], bool] = lambda _: True,
    value_fn: Callable[[PrinterDetail], float | None],
    fields: tuple[str, ...],
    set_fn: Callable[[FlashForgePrinter, float], Awaitable[None]],
) -> FlashForgeNumberEntityDescription:
    """Describe a heater's target temperature, 0 (off) to its maximum in °C."""
    return FlashForgeNumberEntityDescription(
        key=key,
        translation_key=translation_key or key,
        translation_placeholders=translation_placeholders,
        device_class=NumberDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        native_min_value=0,
        native_max_value=maximum,
        native_step=1,
        mode=NumberMode.BOX,
        exists_fn=exists_fn,
        value_fn=value_fn,
        fields=fields,
        set_fn=set_fn,
    )


NUMBERS: tuple[FlashForgeNumberEntityDescription, ...] = (
    FlashForgeNumberEntityDescription(
        key="print_speed",
        translation_key="print_speed",
        native_unit_of_measurement=PERCENTAGE,
        native_min_value=50,
        native_max_value=150,
        native_step=1,
        exists_fn=reported(lambda detail: detail.print_speed_adjust),
        value_fn=lambda detail: detail.print_speed_adjust,
        fields=("print_speed_adjust",),
        set_fn=lambda printer, value: printer.set_printer_controls(speed=round(value)),
    ),
    FlashForgeNumberEntityDescription(
        key="z_offset",
        translation_key="z_offset",
        device_class=NumberDeviceClass.DISTANCE,
        entity_category=EntityCategory.CONFIG,
        native_unit_of_measurement=UnitOfLength.MILLIMETERS,
        native_min_value=-5,
        native_max_value=5,
        native_step=0.005,
        mode=NumberMode.BOX,
        exists_fn=reported(lambda detail: detail.z_axis_compensation),
        value_fn=lambda detail: detail.z_axis_compensation,
        fields=("z_axis_compensation",),
        set_fn=lambda printer, value: printer.set_printer_controls(z_offset=value),
    ),
    _target_temperature(
        "nozzle_target_temperature",
        280,
        # Multi-tool printers (per-tool temperatures) read only a per-tool
        # array: each tool has its own target there.
        exists_fn=lambda coordinator: (
            coordinator.product.nozzle_temperature_control
            and not coordinator.data.nozzle_temperatures
        ),
        value_fn=lambda detail: detail.nozzle_target_temperature,
        fields=("nozzle_target_temperature",),
        set_fn=lambda printer, value: printer.set_temperatures(nozzle=round(value)),
    ),
    _target_temperature(
        "bed_target_temperature",
        110,
        exists_fn=lambda coordinator: coordinator.product.bed_temperature_control,
        value_fn=lambda detail: detail.bed_target_temperature,
        fields=("bed_target_temperature",),
        set_fn=lambda printer, value: printer.set_temperatures(bed=round(value)),
    ),
    _target_temperature(
        "chamber_target_temperature",
        60,
        exists_fn=lambda coordinator: coordinator.product.chamber_temperature_control,
        value_fn=lambda detail: detail.chamber_target_temperature,
        fields=("chamber_target_temperature",),
        set_fn=lambda printer, value: printer.set_temperatures(chamber=round(value)),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FlashForgeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the settings the printer has; follow its tools."""
    coordinator = entry.runtime_data
    async_add_entities(entities_that_exist(coordinator, FlashForgeNumber, NUMBERS))
    async_follow_parts(
        entry,
        async_add_entities,
        Platform.NUMBER,
        keys=TOOL_KEY,
        fields=("nozzle_target_temperatures",),
        describe=tool_targets,
        entity=FlashForgeNumber,
    )


def _set_tool_target(
    index: int,
) -> Callable[[FlashForgePrinter, float], Awaitable[None]]:
    """Return a set_fn: set the target of the tool at an index (from 0)."""
    return lambda printer, value: printer.set_temperatures(tools={index: round(value)})


def tool_targets(
    coordinator: FlashForgeCoordinator,
) -> list[FlashForgeNumberEntityDescription]:
    """Describe each tool's target on printers with a nozzle per tool (the Creator 5)."""
    if not coordinator.product.nozzle_temperature_control:
        return []
    return [
        _target_temperature(
            f"tool_{index + 1}_target_temperature",
            MAX_TOOL_TEMPERATURE,
            translation_key="tool_target_temperature",
            translation_placeholders={"tool": str(index + 1)},
            value_fn=tool_value("nozzle_target_temperatures", index),
            fields=("nozzle_target_temperatures",),
            set_fn=_set_tool_target(index),
        )
        for index in range(len(coordinator.data.nozzle_target_temperatures))
    ]


class FlashForgeNumber(FlashForgeEntity, NumberEntity):
    """A setting of the printer."""

    entity_description: FlashForgeNumberEntityDescription

    @property
    @override
    def native_value(self) -> float | None:
        """Return the value the printer reports."""
        return self.entity_description.value_fn(self.coordinator.data)

    @flashforge_exception_handler
    @override
    async def async_set_native_value(self, value: float) -> None:
        """Send the new value to the printer."""
        await self.entity_description.set_fn(self.coordinator.printer, value)
