"""Keep a printer's print jobs: an id for each, and a bounded record of those ended."""

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from itertools import islice
from typing import Final, NamedTuple
from uuid import uuid4

from .job_times import job_began
from .jobs import JobWatch, PrintEvent, PrintEventType
from .models import PrinterDetail
from .status import JobPhase

# How many ended jobs a history keeps; the counts of results are not bounded.
DEFAULT_LIMIT: Final = 500

# The detail's fields a history reads: the phase, the job and its figures.
HISTORY_FIELDS: Final = (
    "status",
    "print_file_name",
    "print_progress",
    "print_duration",
    "estimated_length",
    "estimated_weight",
    "target_print_layer",
)


class JobResult(StrEnum):
    """How a print job ended."""

    FINISHED = "finished"
    CANCELLED = "cancelled"
    FAILED = "failed"


_RESULTS: Final[Mapping[PrintEventType | JobPhase, JobResult]] = {
    PrintEventType.FINISHED: JobResult.FINISHED,
    PrintEventType.CANCELLED: JobResult.CANCELLED,
    PrintEventType.FAILED: JobResult.FAILED,
    JobPhase.FINISHED: JobResult.FINISHED,
    JobPhase.CANCELLED: JobResult.CANCELLED,
    JobPhase.FAILED: JobResult.FAILED,
}
_RUNNING: Final = frozenset({JobPhase.WORKING, JobPhase.PAUSED})


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenJob:
    """A job started and not yet ended."""

    job_id: str
    file_name: str | None
    started: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class JobRecord:
    """A job that ended, with the printer's figures for it."""

    job_id: str
    file_name: str | None
    started: datetime
    ended: datetime
    result: JobResult
    duration: int | None  # seconds printed, as the printer counts them
    filament_length: float | None  # mm, as the slicer estimated
    filament_weight: float | None  # g, as the slicer estimated
    layers: int | None


class TrackedEvent(NamedTuple):
    """An event of a job, and the id that job has from its start to its end."""

    event: PrintEvent
    job_id: str


class PrintHistory:
    """Name each job by an id, and record how the last few hundred ended.

    Fed every detail, it follows the job through JobWatch. The first detail,
    and the first after the printer was away, is a baseline: a job still
    running keeps its open id, one that ended meanwhile is recorded with the
    result the printer shows, and no event is made for either.
    """

    def __init__(
        self,
        *,
        limit: int = DEFAULT_LIMIT,
        new_id: Callable[[], str] = lambda: uuid4().hex,
    ) -> None:
        """Start empty, keeping at most limit ended jobs."""
        self.jobs: deque[JobRecord] = deque(maxlen=limit)
        self.counts: dict[JobResult, int] = dict.fromkeys(JobResult, 0)
        self.open_job: OpenJob | None = None
        # Grows at each change worth saving: a job opened, ended or dropped.
        self.revision = 0
        self._new_id = new_id
        self._watch = JobWatch()
        self._baseline = True
        # The latest detail naming the open job: an error drops its figures.
        self._named: PrinterDetail | None = None

    @property
    def last(self) -> JobRecord | None:
        """Return the job that ended last."""
        return self.jobs[-1] if self.jobs else None

    def recent(
        self, count: int | None = None, result: JobResult | None = None
    ) -> list[JobRecord]:
        """Return the ended jobs, newest first: those of a result, at most count."""
        found = (job for job in reversed(self.jobs) if result in (None, job.result))
        return list(islice(found, count))

    def forget(self) -> None:
        """Take the next detail as a baseline: the printer was away."""
        self._watch.forget()
        self._baseline = True

    def see(self, detail: PrinterDetail, now: datetime) -> TrackedEvent | None:
        """Take a new detail seen at now; return its job's event, with the job's id."""
        event = self._watch.see(detail)
        if (phase := detail.status.phase) is None:
            return None
        if detail.print_file_name is not None and phase is not JobPhase.IDLE:
            self._named = detail
        if self._baseline:
            self._baseline = False
            self._take_baseline(detail, phase, now)
            return None
        if event is None:
            if phase is JobPhase.IDLE and self.open_job is not None:
                # Idle without an end (an Adventurer 3 finishing): how it
                # ended is unknown, and the next start is another job.
                self._drop()
            return None
        job = self.open_job
        if event.event_type is PrintEventType.STARTED or job is None:
            # A job not open started while nobody watched: its printed time
            # tells when. One open at a start ended unseen.
            job = self._open(detail, now)
        if (result := _RESULTS.get(event.event_type)) is not None:
            self._end(job, result, event.file_name, event.duration, now)
        return TrackedEvent(event, job.job_id)

    def _take_baseline(
        self, detail: PrinterDetail, phase: JobPhase, now: datetime
    ) -> None:
        """Carry the open job over the time nobody watched, as far as the detail tells."""
        job = self.open_job
        # Some states drop the job's file name: none contradicts no job.
        if job is not None and detail.print_file_name not in (None, job.file_name):
            job = None
        if phase in _RUNNING:
            if job is None:
                self._open(detail, now)
        elif job is not None and (result := _RESULTS.get(phase)) is not None:
            self._end(job, result, detail.print_file_name, detail.print_duration, now)
        elif self.open_job is not None:
            # It ended and was cleared meanwhile: how, nobody can tell.
            self._drop()

    def _drop(self) -> None:
        """Forget the open job, whose end nobody saw."""
        self.open_job = self._named = None
        self.revision += 1

    def _open(self, detail: PrinterDetail, now: datetime) -> OpenJob:
        """Open a job for the detail's print; a job still open ended unseen."""
        self.open_job = job = OpenJob(
            job_id=self._new_id(),
            file_name=detail.print_file_name,
            # A duration beyond the calendar is no start: the job is new.
            started=job_began(detail, now) or now,
        )
        self._named = detail if detail.print_file_name is not None else None
        self.revision += 1
        return job

    def _end(
        self,
        job: OpenJob,
        result: JobResult,
        file_name: str | None,
        duration: int | None,
        now: datetime,
    ) -> None:
        """Record the open job as ended now, with the figures last reported for it."""
        named = self._named
        self.jobs.append(
            JobRecord(
                job_id=job.job_id,
                file_name=file_name or job.file_name,
                started=job.started,
                ended=now,
                result=result,
                duration=duration,
                filament_length=named.estimated_length if named else None,
                filament_weight=named.estimated_weight if named else None,
                layers=named.target_print_layer if named else None,
            )
        )
        self.counts[result] += 1
        self.open_job = self._named = None
        self.revision += 1
