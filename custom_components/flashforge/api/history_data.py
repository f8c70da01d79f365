"""Turn a print history into plain JSON-able data and back, reading damaged data safely."""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from .history import DEFAULT_LIMIT, JobRecord, JobResult, OpenJob, PrintHistory
from .job_times import JobTimes


def history_as_data(history: PrintHistory) -> dict[str, Any]:
    """Return the history as data that JSON can hold: the jobs oldest first."""
    job = history.open_job
    return {
        "jobs": [record_as_data(record) for record in history.jobs],
        "counts": {result.value: count for result, count in history.counts.items()},
        "open_job": None
        if job is None
        else {
            "job_id": job.job_id,
            "file_name": job.file_name,
            "started": job.started.isoformat(),
        },
    }


def record_as_data(record: JobRecord) -> dict[str, Any]:
    """Return an ended job as data that JSON can hold."""
    return {
        "job_id": record.job_id,
        "file_name": record.file_name,
        "started": record.started.isoformat(),
        "ended": record.ended.isoformat(),
        "result": record.result.value,
        "duration": record.duration,
        "filament_length": record.filament_length,
        "filament_weight": record.filament_weight,
        "layers": record.layers,
    }


def history_from_data(
    data: object, *, limit: int = DEFAULT_LIMIT, **options: Any
) -> PrintHistory:
    """Return the history data holds; what cannot be read is left out, never raised.

    A store written by an older version, or damaged, gives what it still
    tells: the readable jobs (the newest, up to limit), each count at least
    the jobs of its result, the open job if whole.
    """
    history = PrintHistory(limit=limit, **options)
    if not isinstance(data, Mapping):
        return history
    jobs = data.get("jobs")
    records = [
        record
        for item in (jobs if isinstance(jobs, list) else ())
        if (record := _record(item)) is not None
    ]
    history.jobs.extend(records)
    counts = data.get("counts")
    for result in JobResult:
        stored = counts.get(result.value) if isinstance(counts, Mapping) else None
        found = sum(record.result is result for record in records)
        history.counts[result] = max(_count(stored), found)
    history.open_job = _open_job(data.get("open_job"))
    return history


def times_as_data(times: JobTimes) -> dict[str, Any]:
    """Return a job's times as data that JSON can hold."""
    return {
        "started": None if times.started is None else times.started.isoformat(),
        "ends": None if times.ends is None else times.ends.isoformat(),
        "running": times.running,
        "file_name": times.file_name,
    }


def times_from_data(data: object) -> JobTimes | None:
    """Return the job's times data holds; None when they are not whole.

    The history does not tell them all: it drops a job whose end nobody saw.
    """
    if not isinstance(data, Mapping):
        return None
    started, ends, running = data.get("started"), data.get("ends"), data.get("running")
    file_name = data.get("file_name")
    times = JobTimes(
        _time(started),
        _time(ends),
        running=running is True,
        file_name=_optional(file_name, str),
    )
    if (
        not isinstance(running, bool)
        or (started is not None and times.started is None)
        or (ends is not None and times.ends is None)
        or (file_name is not None and times.file_name is None)
    ):
        return None
    return times


def _record(item: object) -> JobRecord | None:
    """Return the ended job an item holds; None when it is not whole."""
    if not isinstance(item, Mapping):
        return None
    job_id, started, ended = (
        item.get("job_id"),
        _time(item.get("started")),
        _time(item.get("ended")),
    )
    try:
        result = JobResult(str(item.get("result")))
    except ValueError:
        return None
    if not isinstance(job_id, str) or started is None or ended is None:
        return None
    return JobRecord(
        job_id=job_id,
        file_name=_optional(item.get("file_name"), str),
        started=started,
        ended=ended,
        result=result,
        duration=_optional(item.get("duration"), int),
        filament_length=_optional(item.get("filament_length"), float),
        filament_weight=_optional(item.get("filament_weight"), float),
        layers=_optional(item.get("layers"), int),
    )


def _open_job(item: object) -> OpenJob | None:
    """Return the open job an item holds; None when it is not whole."""
    if not isinstance(item, Mapping):
        return None
    job_id, started = item.get("job_id"), _time(item.get("started"))
    if not isinstance(job_id, str) or started is None:
        return None
    return OpenJob(
        job_id=job_id,
        file_name=_optional(item.get("file_name"), str),
        started=started,
    )


def _time(value: object) -> datetime | None:
    """Return the time an ISO string holds, in UTC (naive taken as UTC); else None."""
    if not isinstance(value, str):
        return None
    try:
        time = datetime.fromisoformat(value)
        return time.replace(tzinfo=UTC) if time.tzinfo is None else time.astimezone(UTC)
    except ValueError, OverflowError:  # in UTC beyond the calendar
        return None


def _optional[T](value: object, kind: type[T]) -> T | None:
    """Return the value if of the kind (a whole number stands for a float); else None."""
    if isinstance(value, bool):
        return None
    if kind is float and isinstance(value, int):
        value = float(value)
    return value if isinstance(value, kind) else None


def _count(value: object) -> int:
    """Return a stored count; 0 for anything but a whole number not below 0."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return 0
