"""Follow a print job from one state to the next, and name what happened to it."""

from collections.abc import Mapping
from enum import StrEnum
from typing import Final, NamedTuple

from .models import PrinterDetail
from .status import JobPhase


class PrintEventType(StrEnum):
    """What happened to a print job."""

    STARTED = "started"
    PAUSED = "paused"
    RESUMED = "resumed"
    FINISHED = "finished"
    CANCELLED = "cancelled"
    FAILED = "failed"


# The event each change of phase makes; a change not listed makes none.
TRANSITIONS: Final[Mapping[tuple[JobPhase, JobPhase], PrintEventType]] = {
    (JobPhase.IDLE, JobPhase.WORKING): PrintEventType.STARTED,
    (JobPhase.FINISHED, JobPhase.WORKING): PrintEventType.STARTED,
    (JobPhase.CANCELLED, JobPhase.WORKING): PrintEventType.STARTED,
    (JobPhase.FAILED, JobPhase.WORKING): PrintEventType.STARTED,
    (JobPhase.WORKING, JobPhase.PAUSED): PrintEventType.PAUSED,
    (JobPhase.PAUSED, JobPhase.WORKING): PrintEventType.RESUMED,
    (JobPhase.WORKING, JobPhase.FINISHED): PrintEventType.FINISHED,
    (JobPhase.PAUSED, JobPhase.FINISHED): PrintEventType.FINISHED,
    (JobPhase.WORKING, JobPhase.CANCELLED): PrintEventType.CANCELLED,
    (JobPhase.PAUSED, JobPhase.CANCELLED): PrintEventType.CANCELLED,
    (JobPhase.WORKING, JobPhase.FAILED): PrintEventType.FAILED,
    (JobPhase.PAUSED, JobPhase.FAILED): PrintEventType.FAILED,
}


class PrintEvent(NamedTuple):
    """What happened to a job, and the job as last reported."""

    event_type: PrintEventType
    file_name: str | None
    duration: int | None  # seconds elapsed
    progress: float | None  # percent, to one decimal

    @classmethod
    def between(
        cls, event_type: PrintEventType, previous: PrinterDetail, current: PrinterDetail
    ) -> PrintEvent:
        """Describe the job from the latest of two details that still names it."""
        # Some states (error on the 5M family) drop the job's fields; the detail
        # before still tells which print failed, and how far it got.
        detail = (
            previous
            if current.print_file_name is None and previous.print_file_name is not None
            else current
        )
        progress = detail.print_progress
        return cls(
            event_type,
            detail.print_file_name,
            detail.print_duration,
            None if progress is None else round(progress * 100, 1),
        )


class JobWatch:
    """Compare each detail with the last one of known phase, naming the change."""

    def __init__(self, baseline: PrinterDetail | None = None) -> None:
        """Start from a baseline, or from the next detail seen."""
        self._last: tuple[PrinterDetail, JobPhase] | None = None
        if baseline is not None:
            self.see(baseline)

    def forget(self) -> None:
        """Drop the baseline: the next detail seen becomes the new one."""
        self._last = None

    def see(self, detail: PrinterDetail) -> PrintEvent | None:
        """Take a new detail; return the event its change of phase makes."""
        if (phase := detail.status.phase) is None:
            return None
        last, self._last = self._last, (detail, phase)
        if last is None:
            return None
        event_type = TRANSITIONS.get((last[1], phase))
        if event_type is None:
            return None
        return PrintEvent.between(event_type, last[0], detail)
