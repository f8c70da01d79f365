"""Sensors that hold their value: across polls, once a job ended, and across restarts."""

from datetime import datetime
from typing import override

from homeassistant.components.sensor import RestoreSensor
from homeassistant.core import callback
from homeassistant.helpers.typing import StateType

from .api import kept_job_value
from .coordinator import FlashForgeCoordinator
from .sensor_entity import FlashForgeSensor, FlashForgeSensorEntityDescription, as_state


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
    shown before Home Assistant restarted stands until the next job.
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
        value = as_state(self.entity_description.value_fn(detail))
        return kept_job_value(held, value, detail.status)


class FlashForgeJobTimeSensor(FlashForgeHeldSensor):
    """When the current or last job started or ends: steady, and kept once it ended.

    The history keeper works the times out, once per update for the
    printer, and stores them with the history across a restart.
    """

    @override
    def _next_value(self, held: StateType | datetime) -> datetime | None:
        """Return the description's time of the job after the latest poll."""
        name = self.entity_description.job_time
        times = self.coordinator.history.job_times()
        time: datetime | None = None if name is None else getattr(times, name)
        return time


def sensor_for(
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
