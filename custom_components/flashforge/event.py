"""FlashForge event platform: what happened to the print job."""

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import JobWatch, PrintEventType
from .coordinator import FlashForgeConfigEntry, FlashForgeCoordinator
from .entity import FlashForgeEntity

# The coordinator polls for every entity at once; events only listen.
PARALLEL_UPDATES = 0

PRINT_EVENT = EventEntityDescription(
    key="print",
    translation_key="print",
    event_types=[event_type.value for event_type in PrintEventType],
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

    entity_description: EventEntityDescription

    def __init__(
        self, coordinator: FlashForgeCoordinator, description: EventEntityDescription
    ) -> None:
        """Take the printer's state at set-up as the baseline, firing nothing for it."""
        super().__init__(coordinator, description)
        self._watch = JobWatch(
            coordinator.data if coordinator.last_update_success else None
        )

    @callback
    def _handle_coordinator_update(self) -> None:
        """Fire the event that the printer's new state makes, if any."""
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
            # A new event is always written, even one equal to the last.
            self._shown = None
        super()._handle_coordinator_update()
