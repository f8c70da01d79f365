"""Tests for what the printer's machine state means."""

import pytest

from custom_components.flashforge.api import JobPhase, MachineStatus

S = MachineStatus

# status: (job_loaded, printing, working, awaiting_clear, can_pause, can_resume,
# phase)
MEANINGS = {
    S.READY: (False, False, False, False, False, False, JobPhase.IDLE),
    S.BUSY: (False, False, True, False, False, False, JobPhase.IDLE),
    S.CALIBRATE_DOING: (False, False, True, False, False, False, JobPhase.IDLE),
    S.HEATING: (True, True, True, False, True, False, JobPhase.WORKING),
    S.PRINTING: (True, True, True, False, True, False, JobPhase.WORKING),
    S.PAUSING: (True, True, True, False, False, False, JobPhase.PAUSED),
    S.PAUSED: (True, False, False, False, False, True, JobPhase.PAUSED),
    S.PAUSE: (True, False, False, False, False, True, JobPhase.PAUSED),
    S.COMPLETED: (False, False, False, True, False, False, JobPhase.FINISHED),
    S.CANCEL: (False, False, False, True, False, False, JobPhase.CANCELLED),
    S.CANCELING: (False, False, False, False, False, False, JobPhase.CANCELLED),
    S.ERROR: (False, False, False, False, False, False, JobPhase.FAILED),
    S.UNKNOWN: (False, False, False, False, False, False, None),
}


def test_every_status_has_a_meaning() -> None:
    """The table below covers every status the library knows."""
    assert set(MEANINGS) == set(MachineStatus)


@pytest.mark.parametrize(("status", "meaning"), MEANINGS.items())
def test_status_meaning(
    status: MachineStatus,
    meaning: tuple[bool, bool, bool, bool, bool, bool, JobPhase | None],
) -> None:
    """Each status answers whether a job is loaded, printing, can pause or resume."""
    assert (
        status.job_loaded,
        status.printing,
        status.working,
        status.awaiting_clear,
        status.can_pause,
        status.can_resume,
        status.phase,
    ) == meaning


@pytest.mark.parametrize(
    ("reported", "status"),
    [
        ("printing", S.PRINTING),
        (" Paused ", S.PAUSED),
        ("CALIBRATE_DOING", S.CALIBRATE_DOING),
        ("levitating", S.UNKNOWN),
        ("", S.UNKNOWN),
        (3, S.UNKNOWN),
        (None, S.UNKNOWN),
    ],
)
def test_parse(reported: object, status: MachineStatus) -> None:
    """A reported status maps to its member; anything else is unknown."""
    assert MachineStatus.parse(reported) is status
