"""Sensors for FlashForge printers: state, temperatures, job and lifetime figures."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from operator import attrgetter
import re
from typing import Any, Literal, override

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    MAX_LENGTH_STATE_STATE,
    PERCENTAGE,
    EntityCategory,
    Platform,
    UnitOfInformation,
    UnitOfLength,
    UnitOfMass,
    UnitOfTemperature,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from .api import (
    JOB_TIME_FIELDS,
    JobTimes,
    MachineStatus,
    MaterialSlot,
    PrinterDetail,
    kept_job_value,
    time_remaining_minutes,
)
from .coordinator import FlashForgeConfigEntry, FlashForgeCoordinator
from .entity import (
    FlashForgeEntity,
    FlashForgeEntityDescription,
    async_remove_entities,
    entities_that_exist,
)
from .history_sensor import history_sensors
from .parts import async_follow_parts

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
# A material-station slot's state while it holds no filament (translated).
# The slot's material is free text the printer reports, so the slot sensor
# is no enum (whose states must be a fixed list): the frontend translates a
# state through the entity's state translations whatever its device class.
EMPTY_SLOT = "empty"


@dataclass(frozen=True, kw_only=True)
class FlashForgeSensorEntityDescription(
    FlashForgeEntityDescription, SensorEntityDescription
):
    """Describe a FlashForge sensor."""

    # Sensors with a job_time show a time of the job instead.
    value_fn: Callable[[PrinterDetail], StateType | datetime] = lambda _: None
    attributes_fn: Callable[[PrinterDetail], Mapping[str, Any] | None] = lambda _: None
    # The value is one entry of a field others read too (a tool's in a
    # per-tool list): a change of that field often leaves it as it was.
    shares_field: bool = False
    # A time of the current or last job (JobTimes' start or end), which the
    # entity works out poll by poll from the fields in JOB_TIME_FIELDS.
    job_time: Literal["started", "ends"] | None = None
    # The value is the job's: kept once the job ended and the printer
    # dropped it. The logbook records every change of state of a sensor
    # without a unit or state class: a text dropped at each job's end would
    # log a change to unknown there, and another at the next job's start.
    keeps_last_job: bool = False


def _reported(
    read: Callable[[PrinterDetail], object],
) -> Callable[[FlashForgeCoordinator], bool]:
    """Return an exists_fn: the printer reported the value at setup."""
    return lambda coordinator: read(coordinator.data) is not None


def _layers_reported(coordinator: FlashForgeCoordinator) -> bool:
    """Return whether the printer tells layers: the HTTP API does, some TCP ones not."""
    return coordinator.printer.has_http or coordinator.data.print_layer is not None


def _temperature(key: str, field: str) -> FlashForgeSensorEntityDescription:
    """Describe the temperature in a field of the detail, where the printer reports it."""
    read: Callable[[PrinterDetail], float | None] = attrgetter(field)
    return FlashForgeSensorEntityDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        suggested_display_precision=1,
        value_fn=read,
        exists_fn=_reported(read),
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
        exists_fn=_reported(lambda detail: detail.tvoc),
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

ACTIVE_SLOT = FlashForgeSensorEntityDescription(
    key="active_slot",
    translation_key="active_slot",
    # The station reports 0 while no slot feeds the nozzle.
    value_fn=lambda detail: (
        detail.material_station.current_slot or None
        if detail.material_station
        else None
    ),
    fields=("material_station",),
)

# Keys of the sensors of parts that come and go: the station and the tools,
# and the fields of the detail that tell which there are.
PART_KEY = re.compile(r"active_slot|slot_\d+|tool_\d+_\w+")
PART_FIELDS = ("material_station", "nozzle_temperatures")


def _slot(detail: PrinterDetail, slot_id: int) -> MaterialSlot | None:
    """Return a material-station slot by its 1-based id."""
    station = detail.material_station
    if station is None:
        return None
    return next((slot for slot in station.slots if slot.slot_id == slot_id), None)


def _slot_state(slot_id: int) -> Callable[[PrinterDetail], str | None]:
    """Return a value_fn: the slot's material, or "empty"."""

    def value(detail: PrinterDetail) -> str | None:
        if (slot := _slot(detail, slot_id)) is None:
            return None
        if not slot.has_filament:
            return EMPTY_SLOT
        return slot.material_name

    return value


def _slot_attributes(
    slot_id: int,
) -> Callable[[PrinterDetail], Mapping[str, Any] | None]:
    """Return an attributes_fn: the slot's colour and whether it is loaded."""

    def attributes(detail: PrinterDetail) -> Mapping[str, Any] | None:
        if (slot := _slot(detail, slot_id)) is None:
            return None
        return {"color": slot.material_color, "loaded": slot.has_filament}

    return attributes


def station_sensors(
    coordinator: FlashForgeCoordinator,
) -> list[FlashForgeSensorEntityDescription]:
    """Describe the material station's active slot and one sensor per slot."""
    station = coordinator.data.material_station
    if station is None:
        return []
    return [
        ACTIVE_SLOT,
        *(
            FlashForgeSensorEntityDescription(
                key=f"slot_{slot.slot_id}",
                translation_key="slot",
                translation_placeholders={"slot": str(slot.slot_id)},
                value_fn=_slot_state(slot.slot_id),
                attributes_fn=_slot_attributes(slot.slot_id),
                fields=("material_station",),
            )
            for slot in station.slots
        ),
    ]


def _tool_value(field: str, index: int) -> Callable[[PrinterDetail], float | None]:
    """Return a value_fn for one tool's entry in a per-tool field of the detail."""
    read: Callable[[PrinterDetail], tuple[float | None, ...]] = attrgetter(field)
    return lambda detail: values[index] if len(values := read(detail)) > index else None


def tool_sensors(
    coordinator: FlashForgeCoordinator,
) -> list[FlashForgeSensorEntityDescription]:
    """Describe each nozzle's temperature on multi-nozzle printers.

    Their targets are numbers: the per-tool target sensors of earlier
    versions go, as parts no longer described.
    """
    return [
        FlashForgeSensorEntityDescription(
            key=f"tool_{index + 1}_temperature",
            translation_key="tool_temperature",
            translation_placeholders={"tool": str(index + 1)},
            device_class=SensorDeviceClass.TEMPERATURE,
            state_class=SensorStateClass.MEASUREMENT,
            native_unit_of_measurement=UnitOfTemperature.CELSIUS,
            suggested_display_precision=1,
            value_fn=_tool_value("nozzle_temperatures", index),
            fields=("nozzle_temperatures",),
            shares_field=True,
        )
        for index in range(len(coordinator.data.nozzle_temperatures))
    ]


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FlashForgeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors this printer reports; follow its station and tools."""
    coordinator = entry.runtime_data
    async_remove_entities(coordinator, Platform.SENSOR, DUPLICATES)
    async_add_entities(entities_that_exist(coordinator, _sensor, SENSORS))
    async_add_entities(history_sensors(coordinator))
    async_follow_parts(
        entry,
        async_add_entities,
        Platform.SENSOR,
        keys=PART_KEY,
        fields=PART_FIELDS,
        describe=lambda coordinator: (
            *station_sensors(coordinator),
            *tool_sensors(coordinator),
        ),
        entity=_sensor,
    )


def _sensor(
    coordinator: FlashForgeCoordinator, description: FlashForgeSensorEntityDescription
) -> FlashForgeSensor:
    """Return the sensor for a description."""
    if description.job_time is not None:
        return FlashForgeJobTimeSensor(coordinator, description)
    if description.keeps_last_job:
        return FlashForgeLastJobSensor(coordinator, description)
    if description.shares_field:
        return FlashForgeHeldSensor(coordinator, description)
    return FlashForgeSensor(coordinator, description)


class FlashForgeSensor(FlashForgeEntity, SensorEntity):
    """A value the printer reports."""

    entity_description: FlashForgeSensorEntityDescription

    @property
    @override
    def native_value(self) -> StateType | datetime:
        """Return the value from the latest detail."""
        return _state(self.entity_description.value_fn(self.coordinator.data))

    @property
    @override
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Return the description's attributes, if any."""
        return self.entity_description.attributes_fn(self.coordinator.data)


class FlashForgeHeldSensor(FlashForgeSensor):
    """A sensor that holds the value it shows, and is written only when that changes.

    For values that a change of their fields often leaves as they were;
    availability is written whenever it changes.
    """

    def __init__(
        self,
        coordinator: FlashForgeCoordinator,
        description: FlashForgeSensorEntityDescription,
    ) -> None:
        """Take the value to show now."""
        super().__init__(coordinator, description)
        self._held = self._next_value(None)

    def _next_value(self, held: StateType | datetime) -> StateType | datetime:
        """Return the value to show from the latest detail."""
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    @override
    def native_value(self) -> StateType | datetime:
        """Return the value held."""
        return self._held

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Write the value if it changed, or the printer came or went."""
        value = self._next_value(self._held)
        if value == self._held and self.coordinator.changed_fields is not None:
            # Its fields changed, but not what it shows.
            return
        self._held = value
        super()._handle_coordinator_update()


class FlashForgeKeptSensor(FlashForgeHeldSensor, RestoreSensor):
    """A held value of the current or last job, which a restart keeps.

    Once a job ended, the printer no longer tells what it was: the value
    shown before Home Assistant restarted stands until the next job. (A job
    that ended while Home Assistant was stopped shows the one before's
    times: the printer tells no more of it.)
    """

    @override
    async def async_added_to_hass(self) -> None:
        """Take the value shown before the restart, if the printer tells none now."""
        await super().async_added_to_hass()
        if self._held is not None or self.coordinator.data.status.job_loaded:
            return
        if (last := await self.async_get_last_sensor_data()) is not None:
            self._keep(last.native_value)

    def _keep(self, value: object) -> None:
        """Hold a value shown before the restart."""
        if isinstance(value, str):
            self._held = value


class FlashForgeLastJobSensor(FlashForgeKeptSensor):
    """A value of the job, kept once the job ended and the printer dropped it."""

    @override
    def _next_value(self, held: StateType | datetime) -> StateType | datetime:
        """Return the printer's value, or the one held while no job is loaded."""
        detail = self.coordinator.data
        value = _state(self.entity_description.value_fn(detail))
        return kept_job_value(held, value, detail.status)


class FlashForgeJobTimeSensor(FlashForgeKeptSensor):
    """When the current or last job started or ends: steady, and kept once it ended."""

    def __init__(
        self,
        coordinator: FlashForgeCoordinator,
        description: FlashForgeSensorEntityDescription,
    ) -> None:
        """Start knowing no job."""
        self._times = JobTimes()
        super().__init__(coordinator, description)

    @override
    def _next_value(self, held: StateType | datetime) -> datetime | None:
        """Return the time after the latest poll."""
        if self.coordinator.last_update_success:
            # A failed poll leaves the last detail: no news of the job.
            self._times = self._times.next(self.coordinator.data, dt_util.utcnow())
        return self._time()

    def _time(self) -> datetime | None:
        """Return the description's time of the job."""
        name = self.entity_description.job_time
        time: datetime | None = None if name is None else getattr(self._times, name)
        return time

    @override
    def _keep(self, value: object) -> None:
        """Hold a time shown before the restart, until the next job."""
        if not isinstance(value, datetime):
            return
        if self.entity_description.job_time == "started":
            self._times = replace(self._times, started=value)
        elif self.entity_description.job_time == "ends":
            self._times = replace(self._times, ends=value)
        self._held = self._time()


def _state(value: StateType | datetime) -> StateType | datetime:
    """Return a value as a state: a text cut to the longest Home Assistant keeps."""
    if isinstance(value, str):
        # Home Assistant keeps no longer state; the printer's text can be.
        return value[:MAX_LENGTH_STATE_STATE]
    return value
