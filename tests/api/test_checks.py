"""Tests for the checks that refuse a job before anything is sent."""

from collections.abc import Callable
import os
from pathlib import Path

import pytest

from custom_components.flashforge.api import (
    MAX_FILE_NAME_BYTES,
    PRINTABLE_EXTENSIONS,
    FileProblem,
    FlashForgeFileError,
    FlashForgeNotReadyError,
    JobProblem,
    PrinterDetail,
    check_can_print,
    check_file_name,
    open_printable,
)


@pytest.fixture
def allowed(tmp_path: Path) -> Path:
    """Return the allowed folder, next to a forbidden file."""
    (tmp_path / "allowed").mkdir()
    (tmp_path / "secret.gcode").write_bytes(b"; SECRET\nG28\n")
    return tmp_path / "allowed"


def write(folder: Path, name: str, data: bytes = b"G28\n") -> Path:
    """Write a file and return its path."""
    (folder / name).write_bytes(data)
    return folder / name


@pytest.mark.parametrize(
    "name", ["part.gcode", "PART.GCODE", "part.gx", "part.3mf", "sub/deep.gcode"]
)
def test_open_printable(allowed: Path, name: str) -> None:
    """A printable file in an allowed folder (or below it) opens for sending."""
    (allowed / "sub").mkdir()
    path = write(allowed, name, b"G28\nG1 X1\n")

    with open_printable(path, [allowed]) as source:
        assert source.size == len(b"G28\nG1 X1\n")
        assert source.read(0, 4) == b"G28\n"
        assert source.real_path == path


def link_out(allowed: Path) -> Path:
    """Return a link in the allowed folder to the file outside it."""
    (allowed / "link.gcode").symlink_to(allowed.parent / "secret.gcode")
    return allowed / "link.gcode"


def linked_folder(allowed: Path) -> Path:
    """Return a path through a linked folder that leads outside."""
    (allowed / "up").symlink_to(allowed.parent)
    return allowed / "up" / "secret.gcode"


def fifo(allowed: Path) -> Path:
    """Return a named pipe, which a plain open would wait on."""
    os.mkfifo(allowed / "pipe.gcode")
    return allowed / "pipe.gcode"


def directory(allowed: Path) -> Path:
    """Return a folder named like G-code."""
    (allowed / "folder.gcode").mkdir()
    return allowed / "folder.gcode"


@pytest.mark.parametrize(
    ("make_path", "problem", "placeholders"),
    [
        (lambda allowed: allowed.parent / "secret.gcode", FileProblem.NOT_ALLOWED, {}),
        (lambda allowed: allowed / ".." / "secret.gcode", FileProblem.NOT_ALLOWED, {}),
        (link_out, FileProblem.NOT_ALLOWED, {}),
        (linked_folder, FileProblem.NOT_ALLOWED, {}),
        (lambda allowed: allowed / "missing.gcode", FileProblem.NOT_FOUND, {}),
        (lambda allowed: f"{allowed}/part\x00.gcode", FileProblem.NOT_FOUND, {}),
        (fifo, FileProblem.NOT_A_FILE, {}),
        (directory, FileProblem.NOT_A_FILE, {}),
        (
            lambda allowed: write(allowed, "model.stl"),
            FileProblem.UNSUPPORTED_TYPE,
            {"extensions": ", ".join(PRINTABLE_EXTENSIONS)},
        ),
        (lambda allowed: write(allowed, "empty.gcode", b""), FileProblem.EMPTY, {}),
    ],
    ids=[
        "outside",
        "dot dot",
        "link out",
        "linked folder",
        "missing",
        "NUL",
        "FIFO",
        "folder",
        "STL",
        "empty",
    ],
)
def test_open_printable_refuses(
    allowed: Path,
    make_path: Callable[[Path], Path | str],
    problem: FileProblem,
    placeholders: dict[str, str],
) -> None:
    """Files outside the folders, or not printable, are refused with their problem."""
    path = make_path(allowed)

    with pytest.raises(FlashForgeFileError) as err:
        open_printable(path, [str(allowed)])

    assert err.value.problem is problem
    assert err.value.placeholders == placeholders


def test_no_allowed_folder_allows_nothing(allowed: Path) -> None:
    """Without allowed folders, no file opens."""
    with pytest.raises(FlashForgeFileError) as err:
        open_printable(write(allowed, "part.gcode"), [])

    assert err.value.problem is FileProblem.NOT_ALLOWED


@pytest.mark.parametrize(
    ("file_name", "extension"),
    [
        ("part.gcode", None),
        ("Benchy v2.gcode", ".gcode"),
        ("part.gcode", ".GCODE"),
        ("PART.3MF", ".3mf"),
        ("x" * 249 + ".gcode", None),
    ],
)
def test_check_file_name_accepts(file_name: str, extension: str | None) -> None:
    """Names the printer stores, keeping the file's type, pass."""
    check_file_name(file_name, extension)


@pytest.mark.parametrize(
    ("file_name", "extension", "problem", "placeholders"),
    [
        (
            "sub/part.gcode",
            None,
            FileProblem.INVALID_NAME,
            {"file_name": "sub/part.gcode"},
        ),
        (" part.gcode", None, FileProblem.INVALID_NAME, {"file_name": " part.gcode"}),
        (
            "x" * 250 + ".gcode",
            None,
            FileProblem.NAME_TOO_LONG,
            {"length": "256", "max_length": str(MAX_FILE_NAME_BYTES)},
        ),
        (
            "part.txt",
            ".gcode",
            FileProblem.EXTENSION_CHANGED,
            {"file_name": "part.txt", "extension": ".gcode"},
        ),
        (
            "part.3mf",
            ".GCODE",
            FileProblem.EXTENSION_CHANGED,
            {"file_name": "part.3mf", "extension": ".gcode"},
        ),
    ],
)
def test_check_file_name_refuses(
    file_name: str,
    extension: str | None,
    problem: FileProblem,
    placeholders: dict[str, str],
) -> None:
    """A name the printer cannot store, or of another type, is refused."""
    with pytest.raises(FlashForgeFileError) as err:
        check_file_name(file_name, extension)

    assert err.value.problem is problem
    assert err.value.placeholders == placeholders


@pytest.mark.parametrize(
    ("status", "problem"),
    [
        ("ready", None),
        ("READY", None),
        ("printing", JobProblem.ALREADY_PRINTING),
        ("heating", JobProblem.ALREADY_PRINTING),
        ("pausing", JobProblem.ALREADY_PRINTING),
        ("paused", JobProblem.ALREADY_PRINTING),
        ("pause", JobProblem.ALREADY_PRINTING),
        ("completed", JobProblem.NOT_CLEARED),
        ("cancel", JobProblem.NOT_CLEARED),
        ("busy", JobProblem.NOT_READY),
        ("calibrate_doing", JobProblem.NOT_READY),
        ("canceling", JobProblem.NOT_READY),
        ("error", JobProblem.NOT_READY),
        ("Something New", JobProblem.NOT_READY),
    ],
)
def test_check_can_print(status: str, problem: JobProblem | None) -> None:
    """Only a ready printer starts a job; otherwise the problem says why."""
    detail = PrinterDetail.from_dict({"status": status})

    if problem is None:
        check_can_print(detail)
        return
    with pytest.raises(FlashForgeNotReadyError) as err:
        check_can_print(detail)

    assert err.value.problem is problem
    # The state is quoted as the printer reported it, also when unknown.
    assert err.value.placeholders == {"status": status}
    assert err.value.invalid_input is False
