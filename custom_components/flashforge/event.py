"""FlashForge event platform: what happened to the print job."""

from dataclasses import dataclass
from typing import override

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import PrintEventType, TrackedEvent
from .coordinator import FlashForgeConfigEntry
from .entity import FlashForgeEntity, FlashForgeEntityDescription

# The coordinator polls for every entity at once; events only listen.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class FlashForgeEventEntityDescription(
    FlashForgeEntityDescription, EventEntityDescription
):
    """Describe an event of the printer."""


PRINT_EVENT = FlashForgeEventEntityDescription(
    key="print",
    translation_key="print",
    event_types=[event_type.value for event_type in PrintEventType],
    # The print history follows the job and hands on its events, made by a
    # change of status and naming the job by these fields.
    fields=("status", "print_file_name", "print_progress", "print_duration"),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FlashForgeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the print job event of the printer."""
    async_add_entities([FlashForgePrintEvent(entry.runtime_data, PRINT_EVENT)])


class FlashForgePrintEvent(FlashForgeEntity, EventEntity):
    """Fire when a print starts, pauses, resumes, finishes, is cancelled or fails.

    Each event names its job by the id the print history gave it, the same
    from its start to its end. The entity's state is its last event: it is
    written for a new event (even one equal to the last) and when the
    printer comes or goes, not otherwise.
    """

    entity_description: FlashForgeEventEntityDescription

    @override
    async def async_added_to_hass(self) -> None:
        """Listen to the print history for the job's events."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.coordinator.history.async_add_event_listener(self._async_fire)
        )

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Write the state when the printer came or went; events come from the history."""
        if self.coordinator.changed_fields is None:
            super()._handle_coordinator_update()

    @callback
    def _async_fire(self, tracked: TrackedEvent) -> None:
        """Fire the event of the job."""
        event = tracked.event
        self._trigger_event(
            event.event_type.value,
            {
                "job_id": tracked.job_id,
                "file_name": event.file_name,
                "duration": event.duration,
                "progress": event.progress,
            },
        )
        self.async_write_ha_state()
