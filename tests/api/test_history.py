"""Tests for the print history: job ids, records, bounds, and its stored data."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import count
import json
from typing import Any

import pytest

from custom_components.flashforge.api import (
    HISTORY_FIELDS,
    JobRecord,
    JobResult,
    OpenJob,
    PrinterDetail,
    PrintEventType,
    PrintHistory,
    history_as_data,
    history_from_data,
)

from ..recording import Recording

FILE = "3DBenchy_PLA.gcode"
OTHER = "cube.gcode"
T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)

# A step: the status the printer reports, and its job's file (None for none).
type Step = tuple[str, str | None]


def detail(status: str, file_name: str | None = FILE, **fields: Any) -> PrinterDetail:
    """Return a detail in a status, printing a file for some minutes."""
    data: dict[str, Any] = {"status": status, **fields}
    if file_name is not None:
        data["printFileName"] = file_name
    return PrinterDetail.from_dict(data)


def numbered() -> Callable[[], str]:
    """Return job ids job1, job2 and on, in the order asked."""
    numbers = count(1)
    return lambda: f"job{next(numbers)}"


def run(history: PrintHistory, steps: list[Step]) -> list[tuple[str, str]]:
    """Show the history a step a minute from T0; return each event and its job id."""
    tracked = []
    for minute, (status, file_name) in enumerate(steps):
        if event := history.see(detail(status, file_name), T0 + minute * MINUTE):
            tracked.append((event.event.event_type.value, event.job_id))
    return tracked


@pytest.mark.parametrize(
    ("steps", "events", "results", "open_id"),
    [
        pytest.param(
            [("ready", None), ("heating", FILE), ("printing", FILE)],
            [("started", "job1")],
            [],
            "job1",
            id="started",
        ),
        pytest.param(
            [
                ("ready", None),
                ("printing", FILE),
                ("pause", FILE),
                ("printing", FILE),
                ("completed", FILE),
            ],
            [
                ("started", "job1"),
                ("paused", "job1"),
                ("resumed", "job1"),
                ("finished", "job1"),
            ],
            [JobResult.FINISHED],
            None,
            id="finished-one-id",
        ),
        pytest.param(
            [
                ("ready", None),
                ("printing", FILE),
                ("cancel", FILE),
                ("ready", None),
                ("printing", OTHER),
                ("error", None),
            ],
            [
                ("started", "job1"),
                ("cancelled", "job1"),
                ("started", "job2"),
                ("failed", "job2"),
            ],
            [JobResult.CANCELLED, JobResult.FAILED],
            None,
            id="cancelled-then-failed",
        ),
        pytest.param(
            [("printing", FILE), ("completed", FILE)],
            [("finished", "job1")],
            [JobResult.FINISHED],
            None,
            id="running-at-first-sight",
        ),
        pytest.param(
            [("completed", FILE), ("ready", None), ("error", None)],
            [],
            [],
            None,
            id="nothing-printed",
        ),
        pytest.param(
            [("on_fire", FILE), ("printing", FILE), ("on_fire", FILE), ("pause", FILE)],
            [("paused", "job1")],
            [],
            "job1",
            id="unknown-status-ignored",
        ),
        pytest.param(
            [("printing", FILE), ("ready", None), ("printing", OTHER)],
            [("started", "job2")],
            [],
            "job2",
            id="end-unseen",
        ),
        pytest.param(
            [("ready", None), ("printing", FILE), ("ready", None)],
            [("started", "job1")],
            [],
            None,
            id="idle-without-an-end",
        ),
    ],
)
def test_sequences(
    steps: list[Step],
    events: list[tuple[str, str]],
    results: list[JobResult],
    open_id: str | None,
) -> None:
    """Each sequence gives its events, one id per job, and records each end."""
    history = PrintHistory(new_id=numbered())

    assert run(history, steps) == events
    assert [job.result for job in history.jobs] == results
    assert (history.open_job and history.open_job.job_id) == open_id


def test_a_record_holds_the_job_and_its_figures() -> None:
    """An ended job keeps its file, times, result, duration, filament and layers."""
    history = PrintHistory(new_id=numbered())
    figures: dict[str, Any] = {
        "estimatedRightLen": 4560.5,
        "estimatedRightWeight": 13.6,
        "targetPrintLayer": 240,
    }
    history.see(detail("ready", None), T0)
    history.see(detail("heating", printDuration=0, **figures), T0 + MINUTE)
    history.see(detail("printing", printDuration=60, **figures), T0 + 2 * MINUTE)
    # The 5M family's error state drops the job's fields: the last ones tell.
    history.see(detail("error", None), T0 + 3 * MINUTE)

    assert history.last == JobRecord(
        job_id="job1",
        file_name=FILE,
        started=T0 + MINUTE,
        ended=T0 + 3 * MINUTE,
        result=JobResult.FAILED,
        duration=60,
        filament_length=4560.5,
        filament_weight=13.6,
        layers=240,
    )
    assert history.counts == {
        JobResult.FINISHED: 0,
        JobResult.CANCELLED: 0,
        JobResult.FAILED: 1,
    }


@pytest.mark.parametrize(
    ("printed", "started"),
    [
        pytest.param(3600, T0 - timedelta(hours=1), id="an-hour"),
        # A duration reaching before the calendar's start: the job is new.
        pytest.param(10**12, T0, id="beyond-the-calendar"),
    ],
)
def test_a_job_found_running_started_its_printed_time_ago(
    printed: int, started: datetime
) -> None:
    """The printer's elapsed print duration tells when a job seen late began."""
    history = PrintHistory(new_id=numbered())
    assert history.see(detail("printing", printDuration=printed), T0) is None
    assert history.open_job == OpenJob(job_id="job1", file_name=FILE, started=started)


@pytest.mark.parametrize(
    ("status", "file_name", "open_id", "results"),
    [
        pytest.param("printing", FILE, "stored", [], id="still-running"),
        pytest.param("pause", None, "stored", [], id="running-unnamed"),
        pytest.param("printing", OTHER, "job1", [], id="another-job"),
        pytest.param("completed", FILE, None, [JobResult.FINISHED], id="finished"),
        pytest.param("cancel", FILE, None, [JobResult.CANCELLED], id="cancelled"),
        pytest.param("error", None, None, [JobResult.FAILED], id="failed"),
        pytest.param("completed", OTHER, None, [], id="another-finished"),
        pytest.param("ready", None, None, [], id="cleared"),
    ],
)
def test_a_baseline_carries_the_open_job_over(
    status: str, file_name: str | None, open_id: str | None, results: list[JobResult]
) -> None:
    """After a restart or the printer away, the open job keeps its id, or ends."""
    history = PrintHistory(new_id=numbered())
    history.open_job = OpenJob(job_id="stored", file_name=FILE, started=T0)
    revision = history.revision

    assert history.see(detail(status, file_name), T0 + MINUTE) is None

    assert (history.open_job and history.open_job.job_id) == open_id
    assert [(job.job_id, job.result) for job in history.jobs] == [
        ("stored", result) for result in results
    ]
    assert (history.revision != revision) == (open_id != "stored")


def test_forgetting_takes_the_next_detail_as_baseline() -> None:
    """A job that ended while the printer was away fires nothing but is recorded."""
    history = PrintHistory(new_id=numbered())
    assert run(history, [("ready", None), ("printing", FILE)]) == [("started", "job1")]
    history.forget()

    assert history.see(detail("completed"), T0 + timedelta(hours=1)) is None
    assert history.last is not None
    assert (history.last.job_id, history.last.result) == ("job1", JobResult.FINISHED)


def ended_jobs(results: list[JobResult], limit: int = 500) -> PrintHistory:
    """Return a history that saw jobs end with these results, in order."""
    history = PrintHistory(limit=limit, new_id=numbered())
    history.see(detail("ready", None), T0)
    statuses = {
        JobResult.FINISHED: "completed",
        JobResult.CANCELLED: "cancel",
        JobResult.FAILED: "error",
    }
    for result in results:
        history.see(detail("printing"), T0)
        history.see(detail(statuses[result]), T0)
    return history


def test_the_history_is_bounded_but_the_counts_are_not() -> None:
    """Only the newest jobs are kept; every end is counted."""
    history = ended_jobs([JobResult.FINISHED] * 4 + [JobResult.FAILED], limit=3)

    assert [job.job_id for job in history.jobs] == ["job3", "job4", "job5"]
    assert history.counts[JobResult.FINISHED] == 4
    assert history.counts[JobResult.FAILED] == 1


@pytest.mark.parametrize(
    ("amount", "result", "ids"),
    [
        (None, None, ["job4", "job3", "job2", "job1"]),
        (2, None, ["job4", "job3"]),
        (None, JobResult.FINISHED, ["job4", "job3", "job1"]),
        (1, JobResult.CANCELLED, ["job2"]),
        (5, JobResult.FAILED, []),
    ],
)
def test_recent_jobs_filter(
    amount: int | None, result: JobResult | None, ids: list[str]
) -> None:
    """The recent jobs come newest first, of a result, at most as many as asked."""
    history = ended_jobs(
        [
            JobResult.FINISHED,
            JobResult.CANCELLED,
            JobResult.FINISHED,
            JobResult.FINISHED,
        ]
    )

    assert [job.job_id for job in history.recent(amount, result)] == ids


def test_the_data_holds_the_whole_history() -> None:
    """The history's data is JSON, and reads back to the same history."""
    history = ended_jobs([JobResult.FINISHED, JobResult.FAILED])
    history.see(detail("printing", printDuration=30), T0)

    data = json.loads(json.dumps(history_as_data(history)))
    restored = history_from_data(data)

    assert list(restored.jobs) == list(history.jobs)
    assert restored.counts == history.counts
    assert restored.open_job == history.open_job
    assert history_as_data(restored) == data


GOOD_JOB = {
    "job_id": "kept",
    "file_name": FILE,
    "started": "2026-12-01T12:00:00+00:00",
    "ended": "2026-12-01T13:00:00",
    "result": "finished",
    "duration": 3600,
    "filament_length": 1000,
    "filament_weight": "heavy",
    "layers": True,
}


@pytest.mark.parametrize(
    ("data", "kept", "counts", "open_job"),
    [
        pytest.param(None, 0, (0, 0, 0), False, id="nothing"),
        pytest.param([1, 2], 0, (0, 0, 0), False, id="not-a-mapping"),
        pytest.param({"jobs": "many"}, 0, (0, 0, 0), False, id="jobs-not-a-list"),
        pytest.param(
            {
                "jobs": [
                    GOOD_JOB,
                    {**GOOD_JOB, "result": "exploded"},
                    {**GOOD_JOB, "started": "yesterday"},
                    # In UTC before the calendar's first day.
                    {**GOOD_JOB, "started": "0001-01-01T00:00:00+05:00"},
                    {**GOOD_JOB, "job_id": 7},
                    "job",
                ]
            },
            1,
            (1, 0, 0),
            False,
            id="bad-jobs-dropped",
        ),
        pytest.param(
            {"counts": {"finished": 3, "cancelled": -1, "failed": True}},
            0,
            (3, 0, 0),
            False,
            id="bad-counts",
        ),
        pytest.param(
            {"jobs": [GOOD_JOB] * 2, "counts": {"finished": 1}},
            2,
            (2, 0, 0),
            False,
            id="counts-below-jobs",
        ),
        pytest.param(
            {"open_job": {"job_id": "x", "started": "2026-12-01T12:00:00"}},
            0,
            (0, 0, 0),
            True,
            id="open-job",
        ),
        pytest.param(
            {"open_job": {"job_id": "x", "started": 5}},
            0,
            (0, 0, 0),
            False,
            id="open-job-damaged",
        ),
    ],
)
def test_damaged_data_gives_what_it_still_tells(
    data: object, kept: int, counts: tuple[int, int, int], open_job: bool
) -> None:
    """What cannot be read is dropped; nothing raises."""
    history = history_from_data(data)

    assert len(history.jobs) == kept
    assert tuple(history.counts[result] for result in JobResult) == counts
    assert (history.open_job is not None) is open_job


def test_damaged_fields_of_a_job_read_as_unknown() -> None:
    """A job's figure of the wrong type is None; times are UTC; numbers are floats."""
    (job,) = history_from_data({"jobs": [GOOD_JOB]}).jobs

    assert job.ended == datetime(2026, 12, 1, 13, 0, tzinfo=UTC)
    assert job.filament_length == 1000.0
    assert isinstance(job.filament_length, float)
    assert job.filament_weight is None
    assert job.layers is None


def test_the_stored_history_is_bounded_too() -> None:
    """A store longer than the limit keeps its newest jobs."""
    jobs = [{**GOOD_JOB, "job_id": f"job{n}"} for n in range(5)]
    history = history_from_data({"jobs": jobs}, limit=2)

    assert [job.job_id for job in history.jobs] == ["job3", "job4"]
    assert history.counts[JobResult.FINISHED] == 5


def test_event_types_carry_over() -> None:
    """Every result is the name of the event that ends a job that way."""
    assert {result.value for result in JobResult} <= set(PrintEventType)


def test_the_history_reads_only_the_fields_it_declares() -> None:
    """The coordinator calls the history when one of HISTORY_FIELDS changed."""
    reads: set[str] = set()
    history = PrintHistory(new_id=numbered())
    history.open_job = OpenJob(job_id="stored", file_name=FILE, started=T0)
    steps = ["completed", "ready", "printing", "pause", "printing", "error"]
    steps += ["cancel", "printing", "completed"]
    for status in steps:
        history.see(Recording(detail(status), reads), T0)  # type: ignore[arg-type]
        if status == "ready":
            history.forget()

    assert len(history.jobs) == 3
    assert reads <= set(HISTORY_FIELDS)
