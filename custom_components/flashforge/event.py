"""FlashForge event platform: what happened to the print job."""

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Final, NamedTuple

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import MachineStatus, PrinterDetail
from .coordinator import FlashForgeConfigEntry, FlashForgeCoordinator
from .entity import FlashForgeEntity

# The coordinator polls for every entity at once; events only listen.
PARALLEL_UPDATES = 0


class JobPhase(StrEnum):
    """Where a print job stands, as far as the user cares."""

    IDLE = "idle"
    WORKING = "working"
    PAUSED = "paused"
    FINISHED = "finished"
    CANCELLED = "cancelled"
    FAILED = "failed"


# Statuses that differ only in detail share a phase, so that heating → printing,
# pausing → paused or canceling → cancel is no news. UNKNOWN is left out on
# purpose: a status the integration cannot read says nothing about the job.
PHASES: Final[Mapping[MachineStatus, JobPhase]] = {
    MachineStatus.READY: JobPhase.IDLE,
    MachineStatus.BUSY: JobPhase.IDLE,
    MachineStatus.CALIBRATE_DOING: JobPhase.IDLE,
    MachineStatus.HEATING: JobPhase.WORKING,
    MachineStatus.PRINTING: JobPhase.WORKING,
    MachineStatus.PAUSING: JobPhase.PAUSED,
    MachineStatus.PAUSED: JobPhase.PAUSED,
    MachineStatus.PAUSE: JobPhase.PAUSED,
    MachineStatus.COMPLETED: JobPhase.FINISHED,
    MachineStatus.CANCEL: JobPhase.CANCELLED,
    MachineStatus.CANCELING: JobPhase.CANCELLED,
    MachineStatus.ERROR: JobPhase.FAILED,
}

# The event each change of phase makes; a change not listed makes none.
TRANSITIONS: Final[Mapping[tuple[JobPhase, JobPhase], str]] = {
    (JobPhase.IDLE, JobPhase.WORKING): "started",
    (JobPhase.FINISHED, JobPhase.WORKING): "started",
    (JobPhase.CANCELLED, JobPhase.WORKING): "started",
    (JobPhase.FAILED, JobPhase.WORKING): "started",
    (JobPhase.WORKING, JobPhase.PAUSED): "paused",
    (JobPhase.PAUSED, JobPhase.WORKING): "resumed",
    (JobPhase.WORKING, JobPhase.FINISHED): "finished",
    (JobPhase.PAUSED, JobPhase.FINISHED): "finished",
    (JobPhase.WORKING, JobPhase.CANCELLED): "cancelled",
    (JobPhase.PAUSED, JobPhase.CANCELLED): "cancelled",
    (JobPhase.WORKING, JobPhase.FAILED): "failed",
    (JobPhase.PAUSED, JobPhase.FAILED): "failed",
}

EVENT_TYPES: Final = ["started", "paused", "resumed", "finished", "cancelled", "failed"]

ATTR_FILE_NAME: Final = "file_name"
ATTR_DURATION: Final = "duration"
ATTR_PROGRESS: Final = "progress"

PRINT_EVENT = EventEntityDescription(
    key="print", translation_key="print", event_types=EVENT_TYPES
)


class PrintEvent(NamedTuple):
    """An event type and the attributes to fire it with."""

    event_type: str
    attributes: dict[str, Any]


def job_attributes(previous: PrinterDetail, current: PrinterDetail) -> dict[str, Any]:
    """Describe the job from the latest of two details that still names it."""
    # Some states (error on the 5M family) drop the job's fields; the detail
    # before still tells which print failed, and how far it got.
    detail = (
        previous
        if current.print_file_name is None and previous.print_file_name is not None
        else current
    )
    progress = detail.print_progress
    return {
        ATTR_FILE_NAME: detail.print_file_name,
        ATTR_DURATION: detail.print_duration,
        ATTR_PROGRESS: None if progress is None else round(progress * 100, 1),
    }


class JobWatch:
    """Compare each detail with the last one of known phase, naming the change."""

    def __init__(self, baseline: PrinterDetail | None = None) -> None:
        """Start from a baseline, or from the next detail seen."""
        self._last: PrinterDetail | None = None
        if baseline is not None:
            self.see(baseline)

    def forget(self) -> None:
        """Drop the baseline: the next detail seen becomes the new one."""
        self._last = None

    def see(self, detail: PrinterDetail) -> PrintEvent | None:
        """Take a new detail; return the event its change of phase makes."""
        phase = PHASES.get(detail.status)
        if phase is None:
            return None
        last, self._last = self._last, detail
        if last is None:
            return None
        event_type = TRANSITIONS.get((PHASES[last.status], phase))
        if event_type is None:
            return None
        return PrintEvent(event_type, job_attributes(last, detail))


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
            self._trigger_event(event.event_type, event.attributes)
            # A new event is always written, even one equal to the last.
            self._shown = None
        super()._handle_coordinator_update()
