"""Tests for a job's times, time left and kept values between polls."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from custom_components.flashforge.api import (
    END_TOLERANCE,
    JOB_TIME_FIELDS,
    JobTimes,
    MachineStatus,
    PrinterDetail,
    history_from_data,
    kept_job_value,
    time_remaining_minutes,
)

from ..recording import Recording

S = MachineStatus
T0 = datetime(2026, 12, 1, 12, 0, 0, 400_000, tzinfo=UTC)
MINUTE = 60


def detail(
    status: MachineStatus,
    duration: int | None = None,
    left: int | None = None,
    file_name: str = "Benchy.gcode",
) -> PrinterDetail:
    """Return a detail in a status, with the printed time and the estimate left."""
    return PrinterDetail.from_dict(
        {
            "status": status.value,
            "printDuration": duration,
            "estimatedTime": left,
            "printFileName": file_name if status.job_loaded else "",
        }
    )


# A poll: seconds after T0, the status, seconds printed, seconds estimated left.
type Poll = tuple[int, MachineStatus, int | None, int | None]
# What JobTimes shows after each poll: start and end in seconds after T0.
type Shown = tuple[int | None, int | None]

RUNS: dict[str, tuple[list[Poll], list[Shown]]] = {
    "idle since start": (
        [(0, S.READY, 0, 0), (60, S.READY, 0, 0)],
        [(None, None), (None, None)],
    ),
    "a job from its start to its end, kept once cleared": (
        [
            (0, S.READY, 0, 0),
            (10, S.HEATING, 0, 3600),
            (70, S.PRINTING, 30, 3550),
            (1810, S.PRINTING, 1770, 1800),
            (3700, S.COMPLETED, 3600, 0),
            (4000, S.READY, 0, 0),
        ],
        [(None, None), (10, 3610), (10, 3610), (10, 3610), (10, 3700), (10, 3700)],
    ),
    "seen first mid-job: its printed time tells its start": (
        [(0, S.PRINTING, 600, 1200), (30, S.PRINTING, 630, 1170)],
        [(-600, 1200), (-600, 1200)],
    ),
    "a pause moves the end once it is off by more than the tolerance": (
        [
            (0, S.PRINTING, 0, 600),
            (60, S.PAUSED, 60, 540),
            (120, S.PAUSED, 60, 540),
            (200, S.PAUSED, 60, 540),
        ],
        [(0, 600), (0, 600), (0, 600), (0, 740)],
    ),
    "a cancelled job ends when it was seen cancelled": (
        [(0, S.PRINTING, 0, 600), (100, S.CANCEL, 100, 0)],
        [(0, 600), (0, 100)],
    ),
    "a failure ends the job; an unreadable state ends nothing": (
        [(0, S.PRINTING, 0, 600), (50, S.UNKNOWN, None, None), (100, S.ERROR, 0, 0)],
        [(0, 600), (0, 600), (0, 100)],
    ),
    "ended and cleared between polls (TCP: finished reads as idle)": (
        [(0, S.PRINTING, 0, 600), (700, S.READY, 0, 0)],
        [(0, 600), (0, 700)],
    ),
    "the next job replaces the last one's times": (
        [
            (0, S.PRINTING, 0, 600),
            (600, S.COMPLETED, 600, 0),
            (900, S.HEATING, 0, 300),
        ],
        [(0, 600), (0, 600), (900, 1200)],
    ),
    "an estimate the printer does not give, or beyond the calendar": (
        [(0, S.PRINTING, 0, None), (10, S.PRINTING, 10, 2**62)],
        [(0, None), (0, None)],
    ),
}


def at(seconds: int | None) -> datetime | None:
    """Return the whole second this many seconds after T0."""
    if seconds is None:
        return None
    return (T0 + timedelta(seconds=seconds)).replace(microsecond=0)


@pytest.mark.parametrize(("polls", "shown"), RUNS.values(), ids=RUNS)
def test_job_times(polls: list[Poll], shown: list[Shown]) -> None:
    """The start is fixed, the end steady while it runs and kept once it ended."""
    times = JobTimes()
    seen = []
    for seconds, status, duration, left in polls:
        times = times.next(
            detail(status, duration, left), T0 + timedelta(seconds=seconds)
        )
        seen.append((times.started, times.ends))

    assert seen == [(at(start), at(end)) for start, end in shown]


def test_another_job_started_while_away() -> None:
    """A job printing another file is another job, though none was seen to end."""
    first = JobTimes().next(detail(S.PRINTING, 3000, 600), T0)
    later = T0 + timedelta(hours=2)

    then = first.next(detail(S.PRINTING, 600, 1200, "Cube.gcode"), later)

    assert (then.started, then.ends) == (
        at(7200 - 600),
        at(7200 + 1200),
    )


def test_the_end_holds_within_the_tolerance() -> None:
    """An estimate that jitters by less than the tolerance leaves the end as it was."""
    first = JobTimes().next(detail(S.PRINTING, 0, 600), T0)
    jitter = END_TOLERANCE.seconds - 1

    then = first.next(detail(S.PRINTING, 1, 600 + jitter), T0)

    assert (then.started, then.ends) == (first.started, first.ends)


def test_job_times_read_only_the_fields_they_declare() -> None:
    """The history keeper advances the times when one of JOB_TIME_FIELDS changed."""
    reads: set[str] = set()
    times = JobTimes()
    for polls, _ in RUNS.values():
        for seconds, status, duration, left in polls:
            seen = Recording(detail(status, duration, left), reads)
            now = T0 + timedelta(seconds=seconds)
            times = times.next(seen, now)  # type: ignore[arg-type]

    assert reads <= set(JOB_TIME_FIELDS)


# Ended jobs and an open one as Home Assistant stores them (history_data).
OLDER = {
    "job_id": "older",
    "started": "2026-12-01T08:00:00+00:00",
    "ended": "2026-12-01T09:30:00+00:00",
    "result": "cancelled",
}
LAST = {
    "job_id": "last",
    "file_name": "Cube.gcode",
    "started": "2026-12-01T10:00:00.600000+00:00",
    "ended": "2026-12-01T11:00:00.250000+00:00",
    "result": "finished",
}
OPEN = {"job_id": "open", "file_name": "Benchy.gcode", "started": "2026-12-01T11:50:00"}
# The times a history keeps or a poll makes: start, end (seconds after T0),
# whether the job runs, its file.
type Kept = tuple[int | None, int | None, bool, str | None]
NOTHING: Kept = (None, None, False, None)
OPEN_TIMES: Kept = (-600, None, True, "Benchy.gcode")
LAST_TIMES: Kept = (-7200, -3600, False, None)

SEEDS: dict[str, tuple[object, Kept]] = {
    "nothing stored": (None, NOTHING),
    "not a history": (["not", "a", "history"], NOTHING),
    "a job runs: its start": ({"jobs": [OLDER, LAST], "open_job": OPEN}, OPEN_TIMES),
    "none runs: the last job's, to the second": ({"jobs": [OLDER, LAST]}, LAST_TIMES),
    "a damaged open job: the last job's": (
        {"jobs": [LAST], "open_job": {**OPEN, "started": "soon"}},
        LAST_TIMES,
    ),
    "a damaged last job: the one before's": (
        {"jobs": [OLDER, {**LAST, "ended": None}]},
        (-14400, -9000, False, None),
    ),
    "an open job without a start: none": (
        {"open_job": {**OPEN, "started": None}},
        NOTHING,
    ),
}


def kept(times: JobTimes) -> tuple[object, ...]:
    """Return what the times hold, to compare with a Kept."""
    return (times.started, times.ends, times.running, times.file_name)


@pytest.mark.parametrize(("data", "seed"), SEEDS.values(), ids=SEEDS)
def test_times_kept_in_a_history(data: object, seed: Kept) -> None:
    """A running open job gives its start; else the last job its start and end."""
    started, ends, running, file_name = seed

    times = JobTimes.kept_in(history_from_data(data))

    assert kept(times) == (at(started), at(ends), running, file_name)


# A poll at T0 after a restart: the stored history, the printer's state, the times.
AFTER_RESTART: dict[str, tuple[dict[str, Any], PrinterDetail, Kept]] = {
    "still printing: the stored start stands": (
        {"open_job": OPEN},
        detail(S.PRINTING, 3000, 600),
        (-600, 600, True, "Benchy.gcode"),
    ),
    "ended while stopped: its start, ended when seen": (
        {"open_job": OPEN},
        detail(S.COMPLETED, 600, 0),
        (-600, 0, False, None),
    ),
    "ended and cleared while stopped: the same": (
        {"open_job": OPEN},
        detail(S.READY),
        (-600, 0, False, None),
    ),
    "another file prints: another job": (
        {"open_job": OPEN},
        detail(S.PRINTING, 60, 600, "Cube.gcode"),
        (-60, 600, True, "Cube.gcode"),
    ),
    "idle: the last job's stand": ({"jobs": [LAST]}, detail(S.READY), LAST_TIMES),
    "a job runs now: its own": (
        {"jobs": [LAST]},
        detail(S.PRINTING, 60, 600),
        (-60, 600, True, "Benchy.gcode"),
    ),
}


@pytest.mark.parametrize(
    ("data", "seen", "shown"), AFTER_RESTART.values(), ids=AFTER_RESTART
)
def test_kept_times_carry_on(
    data: dict[str, Any], seen: PrinterDetail, shown: Kept
) -> None:
    """The first poll after a restart goes on from the times the history kept."""
    started, ends, running, file_name = shown

    times = JobTimes.kept_in(history_from_data(data)).next(seen, T0)

    assert kept(times) == (at(started), at(ends), running, file_name)


REMAINING = {
    S.READY: 0,
    S.BUSY: 0,
    S.HEATING: 20,
    S.PRINTING: 20,
    S.PAUSED: 20,
    S.COMPLETED: 0,
    S.CANCEL: 0,
    S.ERROR: 0,
    S.UNKNOWN: None,
}


@pytest.mark.parametrize(("status", "minutes"), REMAINING.items())
def test_time_remaining(status: MachineStatus, minutes: int | None) -> None:
    """A running job has its estimate left; none is left once it ended, or idle."""
    assert time_remaining_minutes(detail(status, 60, 20 * MINUTE + 10)) == minutes


KEPT = [
    # held, reported, status, shown
    ("a.gcode", "b.gcode", S.PRINTING, "b.gcode"),
    ("a.gcode", None, S.PRINTING, None),
    ("a.gcode", None, S.HEATING, None),
    ("a.gcode", None, S.COMPLETED, "a.gcode"),
    ("a.gcode", None, S.READY, "a.gcode"),
    ("a.gcode", None, S.ERROR, "a.gcode"),
    ("a.gcode", "c.gcode", S.READY, "c.gcode"),
    (None, None, S.READY, None),
]


@pytest.mark.parametrize(("held", "reported", "status", "shown"), KEPT)
def test_kept_job_value(
    held: str | None, reported: str | None, status: MachineStatus, shown: str | None
) -> None:
    """A job's value stays once the printer drops it, until a job loads."""
    assert kept_job_value(held, reported, status) == shown
