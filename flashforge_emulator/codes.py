"""The firmware's vocabulary: answer codes, machine states, command outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import TypeIs


class ResponseCode(IntEnum):
    """Codes of the firmware's JSON answers (http-api.md)."""

    SUCCESS = 0
    ERROR = 1
    INVALID_PARAMETER = 2
    UNAUTHORIZED = 3
    NOT_FOUND = 4
    BUSY = 5


class Status(StrEnum):
    """Machine states as /detail spells them."""

    READY = "ready"
    BUSY = "busy"
    CALIBRATE_DOING = "calibrate_doing"
    ERROR = "error"
    HEATING = "heating"
    PRINTING = "printing"
    PAUSING = "pausing"
    PAUSED = "paused"
    CANCEL = "cancel"
    COMPLETED = "completed"


ACTIVE_STATUSES = frozenset(
    {Status.HEATING, Status.PRINTING, Status.PAUSING, Status.PAUSED}
)
JOB_STATUSES = ACTIVE_STATUSES | {Status.COMPLETED, Status.CANCEL}


@dataclass(frozen=True, slots=True)
class Outcome:
    """The code and message a command answers with."""

    code: int
    message: str

    @property
    def ok(self) -> bool:
        """Return whether the command succeeded."""
        return self.code == ResponseCode.SUCCESS


SUCCESS = Outcome(ResponseCode.SUCCESS, "Success")


def fail(message: str) -> Outcome:
    """Return the answer to a command the printer's state forbids."""
    return Outcome(ResponseCode.ERROR, message)


def invalid(message: str) -> Outcome:
    """Return the answer to a command with a bad argument."""
    return Outcome(ResponseCode.INVALID_PARAMETER, message)


def is_number(value: object) -> TypeIs[int | float]:
    """Return whether a JSON value is a number (booleans are not)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def open_close(value: object) -> bool | None:
    """Read the firmware's "open"/"close" switch; None for anything else."""
    if value == "open":
        return True
    if value == "close":
        return False
    return None


def onoff(flag: bool) -> str:
    """Spell a switch the firmware's way."""
    return "open" if flag else "close"
