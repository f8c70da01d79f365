"""Sensors of a printer's print history: how the last job ended, how many ended how."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.helpers.typing import StateType

from .api import JobResult, PrintHistory
from .coordinator import FlashForgeCoordinator
from .entity import FlashForgeEntity, FlashForgeEntityDescription


@dataclass(frozen=True, kw_only=True)
class FlashForgeHistorySensorEntityDescription(
    FlashForgeEntityDescription, SensorEntityDescription
):
    """Describe a sensor of the print history, which it reads, not the detail."""

    value_fn: Callable[[PrintHistory], StateType]


def _last_result(history: PrintHistory) -> str | None:
    """Return how the last job ended."""
    return history.last.result.value if history.last else None


# A job ends only with a change of status: the history changes then.
_FIELDS = ("status",)


def _count(result: JobResult) -> FlashForgeHistorySensorEntityDescription:
    """Describe the lifetime count of the jobs that ended with a result."""
    return FlashForgeHistorySensorEntityDescription(
        key=f"{result.value}_prints",
        translation_key=f"{result.value}_prints",
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=lambda history: history.counts[result],
        fields=_FIELDS,
    )


HISTORY_SENSORS: tuple[FlashForgeHistorySensorEntityDescription, ...] = (
    FlashForgeHistorySensorEntityDescription(
        key="last_job_result",
        translation_key="last_job_result",
        device_class=SensorDeviceClass.ENUM,
        options=[result.value for result in JobResult],
        value_fn=_last_result,
        fields=_FIELDS,
    ),
    *(_count(result) for result in JobResult),
)


def history_sensors(
    coordinator: FlashForgeCoordinator,
) -> list[FlashForgeHistorySensor]:
    """Return the history sensors: every printer has them."""
    return [
        FlashForgeHistorySensor(coordinator, description)
        for description in HISTORY_SENSORS
    ]


class FlashForgeHistorySensor(FlashForgeEntity, SensorEntity):
    """A figure of the print history, written when the history changes.

    The history is Home Assistant's own: it shows while the printer is away.
    """

    entity_description: FlashForgeHistorySensorEntityDescription

    @override
    async def async_added_to_hass(self) -> None:
        """Follow the print history."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.coordinator.history.async_add_listener(self.async_write_ha_state)
        )

    @property
    @override
    def available(self) -> bool:
        """Return True: the history stays readable without the printer."""
        return True

    @property
    @override
    def native_value(self) -> StateType:
        """Return the figure from the history."""
        return self.entity_description.value_fn(self.coordinator.history.history)
