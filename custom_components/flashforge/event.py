"""FlashForge event platform: what happened to the print job."""

from dataclasses import dataclass
from typing import override

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import JobWatch, PrintEventType
from .coordinator import FlashForgeConfigEntry, FlashForgeCoordinator
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
    # What JobWatch reads: the phase, and the job an event reports.
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
    """Fire when a print starts, pauses, resumes, finishes, is cancelled or fails."""

    entity_description: FlashForgeEventEntityDescription

    def __init__(
        self,
        coordinator: FlashForgeCoordinator,
        description: FlashForgeEventEntityDescription,
    ) -> None:
        """Take the printer's state at set-up as the baseline, firing nothing for it."""
        super().__init__(coordinator, description)
        self._watch = JobWatch(
            coordinator.data if coordinator.last_update_success else None
        )

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Fire the event that the printer's new state makes, if any.

        The job's figures change on every poll of a print, but the entity's
        state is its last event: it is written for a new event (even one
        equal to the last) and when the printer comes or goes, not otherwise.
        """
        if not self.coordinator.last_update_success:
            # What happens while the printer is away is unknown: the first
            # answer after it is a new baseline, not a change to report.
            self._watch.forget()
        elif event := self._watch.see(self.coordinator.data):
            self._trigger_event(
                event.event_type.value,
                {
                    "file_name": event.file_name,
                    "duration": event.duration,
                    "progress": event.progress,
                },
            )
        elif self.coordinator.changed_fields is not None:
            # Only the job's figures moved: the last event still stands.
            return
        super()._handle_coordinator_update()
