"""Tests for the job watcher: which change of state is which event, with what job."""

import pytest

from custom_components.flashforge.api import (
    JobWatch,
    PrinterDetail,
    PrintEvent,
    PrintEventType,
)

FILE = "3DBenchy_PLA.gcode"


def detail(status: str, **fields: object) -> PrinterDetail:
    """Return a detail in a status, as a firmware might send it."""
    return PrinterDetail.from_dict({"status": status, **fields})


@pytest.mark.parametrize(
    ("previous", "current", "event_type"),
    [
        # A job starts from idle, or after the last one ended in any way.
        ("ready", "heating", PrintEventType.STARTED),
        ("ready", "printing", PrintEventType.STARTED),
        ("busy", "heating", PrintEventType.STARTED),
        ("calibrate_doing", "heating", PrintEventType.STARTED),
        ("completed", "heating", PrintEventType.STARTED),
        ("cancel", "printing", PrintEventType.STARTED),
        ("error", "printing", PrintEventType.STARTED),
        # Pausing, parking first or not, and resuming.
        ("heating", "pausing", PrintEventType.PAUSED),
        ("printing", "pause", PrintEventType.PAUSED),
        ("printing", "paused", PrintEventType.PAUSED),
        ("paused", "printing", PrintEventType.RESUMED),
        ("pause", "heating", PrintEventType.RESUMED),
        # The ends of a job, running or paused.
        ("printing", "completed", PrintEventType.FINISHED),
        ("paused", "completed", PrintEventType.FINISHED),
        ("printing", "canceling", PrintEventType.CANCELLED),
        ("heating", "cancel", PrintEventType.CANCELLED),
        ("pause", "cancel", PrintEventType.CANCELLED),
        ("printing", "error", PrintEventType.FAILED),
        ("paused", "error", PrintEventType.FAILED),
        # Changes within a phase, and to or between idle phases, are no news.
        ("heating", "printing", None),
        ("pausing", "paused", None),
        ("canceling", "cancel", None),
        ("printing", "printing", None),
        ("ready", "busy", None),
        ("ready", "completed", None),
        ("ready", "cancel", None),
        ("ready", "error", None),
        ("completed", "ready", None),
        ("cancel", "ready", None),
        ("error", "ready", None),
        ("completed", "cancel", None),
        ("heating", "ready", None),
        ("paused", "ready", None),
    ],
)
def test_transitions(
    previous: str, current: str, event_type: PrintEventType | None
) -> None:
    """Each change of status fires the event its change of phase makes, or none."""
    watch = JobWatch(detail(previous))
    event = watch.see(detail(current))
    assert (event and event.event_type) == event_type


def test_the_event_names_the_job() -> None:
    """An event carries the file, the time spent and the progress in percent."""
    watch = JobWatch(detail("printing", printFileName=FILE))
    event = watch.see(
        detail(
            "completed", printFileName=FILE, printDuration=300, printProgress=0.99994
        )
    )
    assert event == PrintEvent(PrintEventType.FINISHED, FILE, 300, 100.0)


def test_an_unknown_status_keeps_the_last_known_phase() -> None:
    """An unreadable status in between neither fires nor restarts the job."""
    watch = JobWatch(detail("printing", printFileName=FILE))
    assert watch.see(detail("on_fire")) is None
    assert watch.see(detail("printing", printFileName=FILE)) is None
    event = watch.see(detail("completed", printFileName=FILE, printProgress=1))
    assert event is not None
    assert event.event_type == PrintEventType.FINISHED


def test_an_unknown_status_is_no_baseline() -> None:
    """A first detail of unreadable status leaves the watcher without a baseline."""
    watch = JobWatch(detail("on_fire"))
    assert watch.see(detail("printing")) is None
    assert watch.see(detail("completed")) is not None


def test_without_a_baseline_the_first_detail_becomes_it() -> None:
    """Nothing fires for the first detail, nor after forgetting."""
    watch = JobWatch()
    assert watch.see(detail("printing")) is None
    watch.forget()
    assert watch.see(detail("completed")) is None
    assert watch.see(detail("printing")) is not None


def test_a_failure_that_drops_the_job_reports_the_job_before() -> None:
    """The detail before an error still names the failed print."""
    watch = JobWatch(
        detail("printing", printFileName=FILE, printDuration=120, printProgress=0.4567)
    )
    event = watch.see(detail("error", errorCode="E0011"))
    assert event == PrintEvent(PrintEventType.FAILED, FILE, 120, 45.7)


def test_a_job_without_progress_reports_none() -> None:
    """A firmware that sends no progress gets none, not zero."""
    watch = JobWatch(detail("ready"))
    event = watch.see(detail("heating", printFileName=FILE))
    assert event == PrintEvent(PrintEventType.STARTED, FILE, None, None)
