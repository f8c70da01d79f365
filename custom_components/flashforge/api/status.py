"""What the printer's machine state means: is a job loaded, is it working, which phase."""

from enum import StrEnum
from typing import Final


class JobPhase(StrEnum):
    """Where a print job stands, as far as its owner cares."""

    IDLE = "idle"
    WORKING = "working"
    PAUSED = "paused"
    FINISHED = "finished"
    CANCELLED = "cancelled"
    FAILED = "failed"


class MachineStatus(StrEnum):
    """The printer's machine state, as it reports it."""

    READY = "ready"
    BUSY = "busy"
    CALIBRATE_DOING = "calibrate_doing"
    ERROR = "error"
    HEATING = "heating"
    PRINTING = "printing"
    PAUSING = "pausing"
    PAUSED = "paused"
    PAUSE = "pause"
    CANCEL = "cancel"
    CANCELING = "canceling"
    COMPLETED = "completed"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, value: object) -> MachineStatus:
        """Map a reported status to a member, UNKNOWN for anything unrecognised."""
        if isinstance(value, str):
            try:
                return cls(value.strip().lower())
            except ValueError:
                pass
        return cls.UNKNOWN

    @property
    def job_loaded(self) -> bool:
        """Return whether a job is running or paused, so its figures mean something."""
        return self in _JOB_LOADED

    @property
    def printing(self) -> bool:
        """Return whether a job is heating up or printing (not paused)."""
        return self in _PRINTING

    @property
    def can_pause(self) -> bool:
        """Return whether a job is heating up or printing, so a pause can act."""
        return self in _CAN_PAUSE

    @property
    def can_resume(self) -> bool:
        """Return whether a job is paused (not still pausing), so it can go on."""
        return self in _CAN_RESUME

    @property
    def working(self) -> bool:
        """Return whether the printer's values change quickly (a job, a calibration)."""
        return self in _WORKING

    @property
    def awaiting_clear(self) -> bool:
        """Return whether a finished job must be cleared off the bed first."""
        return self in _AWAITING_CLEAR

    @property
    def phase(self) -> JobPhase | None:
        """Return the job's phase; None when the state says nothing about it."""
        return _PHASES.get(self)


_PRINTING: Final = frozenset(
    {MachineStatus.HEATING, MachineStatus.PRINTING, MachineStatus.PAUSING}
)
_JOB_LOADED: Final = _PRINTING | {MachineStatus.PAUSED, MachineStatus.PAUSE}
_CAN_PAUSE: Final = frozenset({MachineStatus.HEATING, MachineStatus.PRINTING})
_CAN_RESUME: Final = frozenset({MachineStatus.PAUSED, MachineStatus.PAUSE})
_WORKING: Final = _PRINTING | {MachineStatus.BUSY, MachineStatus.CALIBRATE_DOING}
_AWAITING_CLEAR: Final = frozenset({MachineStatus.COMPLETED, MachineStatus.CANCEL})

# Statuses that differ only in detail share a phase, so that heating → printing,
# pausing → paused or canceling → cancel is no news. UNKNOWN is left out on
# purpose: a status that cannot be read says nothing about the job.
_PHASES: Final = {
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
