"""Sensors for FlashForge printers: state, temperatures, job and lifetime figures."""

from collections.abc import Callable
from dataclasses import replace
from operator import attrgetter

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    Platform,
    UnitOfInformation,
    UnitOfLength,
    UnitOfMass,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import JOB_TIME_FIELDS, MachineStatus, PrinterDetail, time_remaining_minutes
from .coordinator import FlashForgeConfigEntry, FlashForgeCoordinator
from .entity import async_remove_entities, entities_that_exist, reported
from .history_sensor import history_sensors
from .job_sensor import sensor_for
from .part_sensors import PART_FIELDS, PART_KEY, part_sensors
from .parts import async_follow_parts
from .sensor_entity import TEMPERATURE, FlashForgeSensorEntityDescription

# Read-only: the coordinator does all I/O.
PARALLEL_UPDATES = 0

# Units of the fields whose unit FlashForge's documents disagree on; these
# follow http-api.md (see the README's known limitations).
LIFETIME_FILAMENT_UNIT = UnitOfLength.METERS
LIFETIME_PRINT_TIME_UNIT = UnitOfTime.SECONDS
FREE_DISK_SPACE_UNIT = UnitOfInformation.MEGABYTES

# Sensors earlier versions made beside the control that shows the same: the
# number (speed, Z offset, targets) or the fan.
DUPLICATES = (
    "print_speed",
    "z_offset",
    "cooling_fan_speed",
    "chamber_fan_speed",
    "nozzle_target_temperature",
    "bed_target_temperature",
    "chamber_target_temperature",
)

# The error code's state while the printer reports no error (translated).
NO_ERROR = "none"


def _layers_reported(coordinator: FlashForgeCoordinator) -> bool:
    """Return whether the printer tells layers: the HTTP API does, some TCP ones not."""
    return coordinator.printer.has_http or coordinator.data.print_layer is not None


def _temperature(key: str, field: str) -> FlashForgeSensorEntityDescription:
    """Describe the temperature in a field of the detail, where the printer reports it."""
    read: Callable[[PrinterDetail], float | None] = attrgetter(field)
    return replace(
        TEMPERATURE,
        key=key,
        translation_key=key,
        value_fn=read,
        exists_fn=reported(read),
        fields=(field,),
    )


def _seconds(minutes: int | None) -> int | None:
    """Return whole minutes in seconds, the unit durations are kept in.

    The printer counts seconds; its whole minutes change once a minute, not
    on every poll of a print, and that is the precision they are shown in.
    """
    return None if minutes is None else 60 * minutes


def _job_value[T](
    read: Callable[[PrinterDetail], T],
) -> Callable[[PrinterDetail], T | None]:
    """Return a value_fn that reads only while a job is loaded."""
    return lambda detail: read(detail) if detail.status.job_loaded else None


SENSORS: tuple[FlashForgeSensorEntityDescription, ...] = (
    FlashForgeSensorEntityDescription(
        key="status",
        # The device's main entity: it carries the device's name, so a
        # voice assistant asked how the printer is answers with its status.
        name=None,
        translation_key="status",
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in MachineStatus],
        value_fn=lambda detail: detail.status.value,
        fields=("status",),
    ),
    _temperature("nozzle_temperature", "nozzle_temperature"),
    _temperature("bed_temperature", "bed_temperature"),
    _temperature("chamber_temperature", "chamber_temperature"),
    FlashForgeSensorEntityDescription(
        key="progress",
        translation_key="progress",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        # Whole percent, as the printer's screen shows it.
        value_fn=lambda detail: detail.progress_percent,
        fields=("progress_percent",),
    ),
    FlashForgeSensorEntityDescription(
        key="current_layer",
        translation_key="current_layer",
        state_class=SensorStateClass.MEASUREMENT,
        exists_fn=_layers_reported,
        value_fn=lambda detail: detail.print_layer,
        fields=("print_layer",),
    ),
    FlashForgeSensorEntityDescription(
        key="total_layers",
        translation_key="total_layers",
        exists_fn=_layers_reported,
        value_fn=lambda detail: detail.target_print_layer,
        fields=("target_print_layer",),
    ),
    FlashForgeSensorEntityDescription(
        key="file_name",
        translation_key="file_name",
        value_fn=lambda detail: detail.print_file_name,
        keeps_last_job=True,
        fields=("status", "print_file_name"),
    ),
    FlashForgeSensorEntityDescription(
        key="print_duration",
        translation_key="print_duration",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.MINUTES,
        suggested_display_precision=0,
        value_fn=lambda detail: _seconds(detail.print_duration_minutes),
        fields=("print_duration_minutes",),
    ),
    FlashForgeSensorEntityDescription(
        key="time_remaining",
        translation_key="time_remaining",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.MINUTES,
        suggested_display_precision=0,
        value_fn=lambda detail: _seconds(time_remaining_minutes(detail)),
        fields=("status", "estimated_time_minutes"),
    ),
    FlashForgeSensorEntityDescription(
        key="print_start_time",
        translation_key="print_start_time",
        device_class=SensorDeviceClass.TIMESTAMP,
        job_time="started",
        fields=JOB_TIME_FIELDS,
    ),
    FlashForgeSensorEntityDescription(
        key="print_end_time",
        translation_key="print_end_time",
        device_class=SensorDeviceClass.TIMESTAMP,
        job_time="ends",
        fields=JOB_TIME_FIELDS,
    ),
    FlashForgeSensorEntityDescription(
        key="filament_length",
        translation_key="filament_length",
        device_class=SensorDeviceClass.DISTANCE,
        native_unit_of_measurement=UnitOfLength.MILLIMETERS,
        suggested_unit_of_measurement=UnitOfLength.METERS,
        suggested_display_precision=2,
        value_fn=_job_value(lambda detail: detail.estimated_length),
        fields=("status", "estimated_length"),
    ),
    FlashForgeSensorEntityDescription(
        key="filament_weight",
        translation_key="filament_weight",
        device_class=SensorDeviceClass.WEIGHT,
        native_unit_of_measurement=UnitOfMass.GRAMS,
        suggested_display_precision=1,
        value_fn=_job_value(lambda detail: detail.estimated_weight),
        fields=("status", "estimated_weight"),
    ),
    FlashForgeSensorEntityDescription(
        key="nozzle_size",
        translation_key="nozzle_size",
        device_class=SensorDeviceClass.DISTANCE,
        native_unit_of_measurement=UnitOfLength.MILLIMETERS,
        # Nozzles are sized in millimetres everywhere, also where lengths
        # are shown in inches; 0.25 mm nozzles exist, so two decimals.
        suggested_unit_of_measurement=UnitOfLength.MILLIMETERS,
        suggested_display_precision=2,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda detail: detail.nozzle_size,
        fields=("nozzle_size",),
    ),
    FlashForgeSensorEntityDescription(
        key="filament_type",
        translation_key="filament_type",
        value_fn=lambda detail: detail.filament_type,
        keeps_last_job=True,
        fields=("status", "filament_type"),
    ),
    FlashForgeSensorEntityDescription(
        key="tvoc",
        translation_key="tvoc",
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda detail: detail.tvoc,
        fields=("tvoc",),
        exists_fn=reported(lambda detail: detail.tvoc),
    ),
    FlashForgeSensorEntityDescription(
        key="lifetime_filament",
        translation_key="lifetime_filament",
        device_class=SensorDeviceClass.DISTANCE,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=LIFETIME_FILAMENT_UNIT,
        suggested_display_precision=1,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda detail: detail.cumulative_filament,
        fields=("cumulative_filament",),
    ),
    FlashForgeSensorEntityDescription(
        key="lifetime_print_time",
        translation_key="lifetime_print_time",
        device_class=SensorDeviceClass.DURATION,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=LIFETIME_PRINT_TIME_UNIT,
        suggested_unit_of_measurement=UnitOfTime.HOURS,
        suggested_display_precision=1,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda detail: detail.cumulative_print_time,
        fields=("cumulative_print_time",),
    ),
    FlashForgeSensorEntityDescription(
        key="free_disk_space",
        translation_key="free_disk_space",
        device_class=SensorDeviceClass.DATA_SIZE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=FREE_DISK_SPACE_UNIT,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda detail: detail.remaining_disk_space,
        fields=("remaining_disk_space",),
    ),
    FlashForgeSensorEntityDescription(
        key="error_code",
        translation_key="error_code",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda detail: detail.error_code or NO_ERROR,
        fields=("error_code",),
    ),
    FlashForgeSensorEntityDescription(
        key="ip_address",
        translation_key="ip_address",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda detail: detail.ip_address,
        fields=("ip_address",),
    ),
    FlashForgeSensorEntityDescription(
        key="firmware_version",
        translation_key="firmware_version",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda detail: detail.firmware_version,
        fields=("firmware_version",),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FlashForgeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors this printer reports; follow its station and tools."""
    coordinator = entry.runtime_data
    async_remove_entities(coordinator, Platform.SENSOR, DUPLICATES)
    async_add_entities(entities_that_exist(coordinator, sensor_for, SENSORS))
    async_add_entities(history_sensors(coordinator))
    async_follow_parts(
        entry,
        async_add_entities,
        Platform.SENSOR,
        keys=PART_KEY,
        fields=PART_FIELDS,
        describe=part_sensors,
        entity=sensor_for,
    )
