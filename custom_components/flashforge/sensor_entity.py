"""The sensor's description, and the sensor that shows a value of the latest detail."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import MAX_LENGTH_STATE_STATE, UnitOfTemperature
from homeassistant.helpers.typing import StateType

from .api import PrinterDetail
from .entity import FlashForgeEntity, FlashForgeEntityDescription


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
    # history keeper works out poll by poll from the fields in JOB_TIME_FIELDS.
    job_time: Literal["started", "ends"] | None = None
    # The value is the job's: kept once the job ended and the printer
    # dropped it. The logbook records every change of state of a sensor
    # without a unit or state class: a text dropped at each job's end would
    # log a change to unknown there, and another at the next job's start.
    keeps_last_job: bool = False


# What the temperature sensors share; each replaces the key, text and reading.
TEMPERATURE = FlashForgeSensorEntityDescription(
    key="temperature",
    device_class=SensorDeviceClass.TEMPERATURE,
    state_class=SensorStateClass.MEASUREMENT,
    native_unit_of_measurement=UnitOfTemperature.CELSIUS,
    suggested_display_precision=1,
)


class FlashForgeSensor(FlashForgeEntity, SensorEntity):
    """A value the printer reports."""

    entity_description: FlashForgeSensorEntityDescription

    @property
    @override
    def native_value(self) -> StateType | datetime:
        """Return the value from the latest detail."""
        return as_state(self.entity_description.value_fn(self.coordinator.data))

    @property
    @override
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Return the description's attributes, if any."""
        return self.entity_description.attributes_fn(self.coordinator.data)


def as_state(value: StateType | datetime) -> StateType | datetime:
    """Return a value as a state: a text cut to the longest Home Assistant keeps."""
    if isinstance(value, str):
        # Home Assistant keeps no longer state; the printer's text can be.
        return value[:MAX_LENGTH_STATE_STATE]
    return value
