"""Tests for a job's times as the history's store keeps them."""

from datetime import UTC, datetime
import json

import pytest

from custom_components.flashforge.api import JobTimes, times_as_data, times_from_data

T0 = datetime(2026, 12, 1, 12, 0, 5, tzinfo=UTC)
T1 = datetime(2026, 12, 1, 13, 30, tzinfo=UTC)

TIMES = {
    "none yet": JobTimes(),
    "a job runs": JobTimes(T0, T1, running=True, file_name="Benchy.gcode"),
    "a job ended": JobTimes(T0, T1),
    "a job runs without an estimate": JobTimes(T0, None, running=True),
}


@pytest.mark.parametrize("times", TIMES.values(), ids=TIMES)
def test_times_read_back_from_their_data(times: JobTimes) -> None:
    """The times' data is JSON, and reads back to the same times."""
    data = json.loads(json.dumps(times_as_data(times)))

    assert times_from_data(data) == times


WHOLE = times_as_data(JobTimes(T0, T1, running=True, file_name="Benchy.gcode"))

DAMAGED: dict[str, object] = {
    "nothing stored": None,
    "not a mapping": ["2026-12-01T12:00:05+00:00"],
    "a start that is no time": {**WHOLE, "started": "soon"},
    "an end that is no time": {**WHOLE, "ends": 5},
    "running not told": {**WHOLE, "running": None},
    "running not a flag": {**WHOLE, "running": 1},
    "a file name that is no text": {**WHOLE, "file_name": 7},
}


@pytest.mark.parametrize("data", DAMAGED.values(), ids=DAMAGED)
def test_damaged_times_read_as_none(data: object) -> None:
    """Times not whole are not taken: the history tells them instead."""
    assert times_from_data(data) is None


def test_naive_times_are_utc() -> None:
    """A time stored without a zone is taken as UTC, as the history's are."""
    data = {**WHOLE, "started": "2026-12-01T12:00:05"}

    times = times_from_data(data)

    assert times is not None
    assert times.started == T0
