"""What a job's figures are between polls: its times, its time left, its kept values.

A printer reports a job's figures while the job runs and drops them once it
has ended (at once, or when the platform is cleared): what it reported last
is what that job was, and stays so until the next job starts.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from .models import PrinterDetail
from .status import JobPhase, MachineStatus

if TYPE_CHECKING:
    # The history takes job_began from here: it imports this module.
    from .history import PrintHistory

# The estimated end moves only when the estimate moves by more than this:
# the printer's estimate jitters by seconds from poll to poll.
END_TOLERANCE: Final = timedelta(minutes=2)
# The fields of the detail JobTimes reads.
JOB_TIME_FIELDS: Final = (
    "status",
    "print_file_name",
    "print_duration",
    "estimated_time",
)
# The phases of a job that runs: the others mean it ended, or none was loaded.
_RUNNING: Final = frozenset({JobPhase.WORKING, JobPhase.PAUSED})


def _whole_second(moment: datetime) -> datetime:
    """Return the moment without its fraction of a second, as clocks show it."""
    return moment.replace(microsecond=0)


def _offset(now: datetime, seconds: int | None, sign: int) -> datetime | None:
    """Return now moved by seconds; None when unreported or beyond the calendar."""
    if seconds is None:
        return None
    try:
        return now + sign * timedelta(seconds=seconds)
    except OverflowError:
        return None


def job_began(detail: PrinterDetail, now: datetime) -> datetime | None:
    """Return when the detail's job began: the time it has printed (pauses aside) ago.

    To the second; None when that reaches beyond the calendar.
    """
    started = _offset(now, detail.print_duration or 0, -1)
    return started and _whole_second(started)


@dataclass(frozen=True, slots=True)
class JobTimes:
    """When the current job, or else the last one seen, started and ends.

    Each poll makes the next JobTimes from the last: the start is fixed when
    a job is first seen running, so it does not jitter; the estimated end
    moves only when the estimate moves by more than END_TOLERANCE; once the
    job is seen to have ended, its end is that moment, kept with its start
    until the next job runs.
    """

    started: datetime | None = None
    ends: datetime | None = None
    # Whether the job runs, and ends is an estimate.
    running: bool = False
    # The file the job prints, where the printer tells.
    file_name: str | None = None

    @classmethod
    def kept_in(cls, history: PrintHistory) -> JobTimes:
        """Return the times a kept history tells: its open job's, else its last job's.

        An open job runs as far as the history knows: the next poll fixes
        its end, or carries it on with its start. To the second, as the
        times of a poll.
        """
        if (job := history.open_job) is not None:
            return cls(
                _whole_second(job.started),
                None,
                running=True,
                file_name=job.file_name,
            )
        if (last := history.last) is not None:
            return cls(_whole_second(last.started), _whole_second(last.ended))
        return cls()

    def next(self, detail: PrinterDetail, now: datetime) -> JobTimes:
        """Return the times after a poll at now read detail."""
        phase = detail.status.phase
        if phase in _RUNNING:
            file_name = detail.print_file_name or self.file_name
            estimate = _offset(now, detail.estimated_time, 1)
            if not self.running or file_name != self.file_name:
                # Started since the last poll, or before anyone watched (one
                # printing another file started while the printer was away):
                # the time it has printed tells when it began (pauses aside).
                return JobTimes(
                    job_began(detail, now),
                    estimate and _whole_second(estimate),
                    running=True,
                    file_name=file_name,
                )
            if (
                estimate is not None
                and self.ends is not None
                and abs(estimate - self.ends) <= END_TOLERANCE
            ):
                # Nothing moved: the same times, as most polls of a job find.
                return self
            return JobTimes(
                self.started,
                estimate and _whole_second(estimate),
                running=True,
                file_name=file_name,
            )
        if self.running and phase is not None:
            # The job ended (or ended and was cleared) since the last poll.
            return JobTimes(self.started, _whole_second(now), running=False)
        # Idle, or a state that says nothing: the last job's times stand.
        return self


def time_remaining_minutes(detail: PrinterDetail) -> int | None:
    """Return the job's time remaining in whole minutes: 0 when none runs.

    None only while the state says nothing (unknown): a job that ended, or
    a printer without one, has nothing left to do.
    """
    phase = detail.status.phase
    if phase in _RUNNING:
        return detail.estimated_time_minutes
    return None if phase is None else 0


def kept_job_value[T](
    held: T | None, value: T | None, status: MachineStatus
) -> T | None:
    """Return a job's value to show: the printer's, or the last job's once it dropped it.

    While a job is loaded the printer's value is shown, even none; outside
    one, a value the printer stopped reporting stays what the last job had,
    so a job's end does not read as a change to unknown.
    """
    if value is not None or status.job_loaded:
        return value
    return held
