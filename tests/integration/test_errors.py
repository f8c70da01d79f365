"""Tests for the one table that turns library errors into Home Assistant's."""

import json
from pathlib import Path
import re

from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    HomeAssistantError,
    ServiceValidationError,
)
from homeassistant.helpers.update_coordinator import UpdateFailed
import pytest

from custom_components.flashforge.api import (
    FileProblem,
    FlashForgeAuthenticationError,
    FlashForgeBusyError,
    FlashForgeClosedError,
    FlashForgeCommandError,
    FlashForgeConnectionError,
    FlashForgeError,
    FlashForgeFileError,
    FlashForgeMappingError,
    FlashForgeNotFoundError,
    FlashForgeNotReadyError,
    FlashForgeResponseError,
    FlashForgeTimeoutError,
    JobProblem,
    MappingProblem,
    StationProblem,
)
from custom_components.flashforge.const import DOMAIN
from custom_components.flashforge.errors import Task, refusals, translated_error

STRINGS = json.loads(
    (
        Path(__file__).parents[2] / "custom_components/flashforge/strings.json"
    ).read_text()
)

BUSY = FlashForgeBusyError(5, "Busy")
NOT_FOUND = FlashForgeNotFoundError(4, "no file")
REFUSED = FlashForgeCommandError(2, "")
AUTH = FlashForgeAuthenticationError("rejected")
OFFLINE = FlashForgeConnectionError("refused")
TIMEOUT = FlashForgeTimeoutError("timed out")
CLOSED = FlashForgeClosedError("closed")
GARBAGE = FlashForgeResponseError("not JSON")
OTHER = FlashForgeError("odd")


PRINTER = {"name": "Printer"}
PRINTER_AND_FILE = {"name": "Printer", "file_name": "part.gcode"}


@pytest.mark.parametrize(
    ("err", "task", "error_class", "key", "placeholders"),
    [
        (BUSY, Task.COMMAND, HomeAssistantError, "printer_busy", {}),
        (BUSY, Task.UPLOAD, HomeAssistantError, "printer_busy", {}),
        (
            NOT_FOUND,
            Task.PRINT,
            HomeAssistantError,
            "file_not_on_printer",
            PRINTER_AND_FILE,
        ),
        (
            NOT_FOUND,
            Task.COMMAND,
            HomeAssistantError,
            "command_refused",
            {"message": "no file"},
        ),
        (
            REFUSED,
            Task.COMMAND,
            HomeAssistantError,
            "command_refused",
            {"message": "2"},
        ),
        (AUTH, Task.COMMAND, HomeAssistantError, "invalid_auth", {}),
        (AUTH, Task.READ, HomeAssistantError, "invalid_auth", {}),
        (OFFLINE, Task.COMMAND, HomeAssistantError, "command_cannot_connect", {}),
        (TIMEOUT, Task.PRINT, HomeAssistantError, "command_cannot_connect", {}),
        (OFFLINE, Task.READ, HomeAssistantError, "printer_offline", PRINTER),
        (TIMEOUT, Task.READ, HomeAssistantError, "printer_offline", PRINTER),
        (OFFLINE, Task.UPLOAD, HomeAssistantError, "upload_failed", PRINTER_AND_FILE),
        (CLOSED, Task.COMMAND, HomeAssistantError, "entry_unloaded", {}),
        (CLOSED, Task.PRINT, HomeAssistantError, "entry_unloaded", {}),
        (CLOSED, Task.UPLOAD, HomeAssistantError, "upload_stopped", PRINTER_AND_FILE),
        (
            GARBAGE,
            Task.READ,
            HomeAssistantError,
            "command_failed",
            {"error": "not JSON"},
        ),
        (OTHER, Task.COMMAND, HomeAssistantError, "command_failed", {"error": "odd"}),
        (AUTH, Task.POLL, ConfigEntryAuthFailed, "invalid_auth", {}),
        (TIMEOUT, Task.POLL, UpdateFailed, "cannot_connect", {"host": "10.0.0.2"}),
        (GARBAGE, Task.POLL, UpdateFailed, "invalid_response", {"error": "not JSON"}),
        (BUSY, Task.POLL, UpdateFailed, "update_failed", {"error": str(BUSY)}),
        (CLOSED, Task.POLL, UpdateFailed, "update_failed", {"error": "closed"}),
    ],
)
def test_library_errors(
    err: FlashForgeError,
    task: Task,
    error_class: type[HomeAssistantError],
    key: str,
    placeholders: dict[str, str],
) -> None:
    """Each failure reads as what was under way, quoting just what its message needs."""
    raised = translated_error(
        err, task, name="Printer", file_name="part.gcode", host="10.0.0.2"
    )

    assert type(raised) is error_class
    assert raised.translation_domain == DOMAIN
    assert raised.translation_key == key
    assert raised.translation_placeholders == placeholders
    message = STRINGS["exceptions"][key]["message"]
    assert set(re.findall(r"\{(\w+)\}", message)) == set(placeholders)


@pytest.mark.parametrize(
    ("err", "error_class", "key", "details"),
    [
        (
            FlashForgeFileError("x", FileProblem.NAME_TOO_LONG, length="300"),
            ServiceValidationError,
            "file_name_too_long",
            {"length": "300"},
        ),
        (
            FlashForgeFileError("The file shrank while being sent"),
            ServiceValidationError,
            "cannot_read_file",
            {},
        ),
        (
            FlashForgeMappingError(MappingProblem.SLOT_EMPTY, slot="4"),
            ServiceValidationError,
            "slot_empty",
            {"slot": "4"},
        ),
        (
            FlashForgeNotReadyError(JobProblem.NOT_READY, status="busy"),
            HomeAssistantError,
            "printer_not_ready",
            {"status": "busy"},
        ),
    ],
)
@pytest.mark.parametrize("task", [Task.COMMAND, Task.UPLOAD])
def test_refusals_bring_their_key(
    err: FlashForgeError,
    error_class: type[HomeAssistantError],
    key: str,
    details: dict[str, str],
    task: Task,
) -> None:
    """A refusal the library explains keeps its own key and values, whatever the task."""
    raised = translated_error(err, task, name="Printer")

    assert type(raised) is error_class
    assert raised.translation_key == key
    assert raised.translation_placeholders == {"name": "Printer", **details}


@pytest.mark.parametrize(
    "problem", [*FileProblem, *MappingProblem, *JobProblem, *StationProblem]
)
def test_every_problem_has_a_message(problem: str) -> None:
    """Each problem the library can name has a text in strings.json."""
    assert str(problem) in STRINGS["exceptions"]


def test_refusals_in_a_block() -> None:
    """A refusal inside the block is raised as Home Assistant's, caused by the library's."""
    refusal = FlashForgeMappingError(MappingProblem.DUPLICATE_TOOL, tool="0")

    with pytest.raises(ServiceValidationError) as err, refusals(file_name="a.gcode"):
        raise refusal

    assert err.value.translation_key == "duplicate_tool"
    assert err.value.translation_placeholders == {"file_name": "a.gcode", "tool": "0"}
    assert err.value.__cause__ is refusal


def test_other_errors_pass_through_refusals() -> None:
    """Only refusals are translated there; other failures keep their own way."""
    with pytest.raises(FlashForgeConnectionError), refusals(name="Printer"):
        raise OFFLINE
