"""Checks that refuse a job before anything is sent: the file, its name, the printer.

Each raises a ``FlashForgeProblemError`` whose ``problem`` and
``placeholders`` say what is wrong, so nothing half-done is left behind.
"""

from collections.abc import Iterable
import os
from pathlib import Path
from typing import Final

from .errors import (
    FileProblem,
    FlashForgeFileError,
    FlashForgeNotReadyError,
    JobProblem,
)
from .models import PrinterDetail
from .status import MachineStatus
from .upload import UploadSource, validate_file_name

# The file types the printers print; anything else they store but cannot use.
PRINTABLE_EXTENSIONS: Final = (".gcode", ".gx", ".3mf")


def open_printable(
    path: str | os.PathLike[str], allowed_folders: Iterable[str | os.PathLike[str]]
) -> UploadSource:
    """Open a printable file inside the allowed folders, once, for sending.

    The path is resolved (links, ``..``) and checked against the folders, then
    opened without following a link or blocking, and the opened file is
    checked where it really lies: a link or FIFO swapped in meanwhile cannot
    lead outside the folders or hang the caller. Everything after reads the
    open file, whatever becomes of the path. Blocking: run it off the event loop.
    """
    folders = [os.path.realpath(folder) for folder in allowed_folders]
    try:
        real = Path(os.path.realpath(path))
    except ValueError as err:
        # A NUL character: no such file can exist.
        raise FlashForgeFileError(
            "The path holds a NUL character", FileProblem.NOT_FOUND
        ) from err
    _check_allowed(real, folders)
    source = UploadSource.open(real)
    try:
        _check_allowed(source.real_path, folders)
        _check_printable(source)
    except BaseException:
        source.close()
        raise
    return source


def check_file_name(file_name: str, extension: str | None = None) -> None:
    """Refuse a name the printer cannot store, or one that changes the file's type."""
    validate_file_name(file_name)
    if extension is not None and Path(file_name).suffix.lower() != extension.lower():
        raise FlashForgeFileError(
            f"{file_name} must end in {extension.lower()}, like the file",
            FileProblem.EXTENSION_CHANGED,
            file_name=file_name,
            extension=extension.lower(),
        )


def check_can_print(detail: PrinterDetail) -> None:
    """Refuse a printer that cannot start a job in the state it reported."""
    status = detail.status
    if status is MachineStatus.READY:
        return
    if status.job_loaded:
        problem = JobProblem.ALREADY_PRINTING
    elif status.awaiting_clear:
        problem = JobProblem.NOT_CLEARED
    else:
        problem = JobProblem.NOT_READY
    raise FlashForgeNotReadyError(problem, status=detail.raw_status or status.value)


def _check_allowed(real: Path, folders: Iterable[str]) -> None:
    """Refuse a resolved path outside the resolved folders.

    The comparison is by name only: resolving again could follow a link
    swapped in after the file was opened.
    """
    if not any(real.is_relative_to(folder) for folder in folders):
        raise FlashForgeFileError(
            f"{real.name} is outside the allowed folders", FileProblem.NOT_ALLOWED
        )


def _check_printable(source: UploadSource) -> None:
    """Refuse an opened file the printer cannot print: another type, or empty."""
    if source.real_path.suffix.lower() not in PRINTABLE_EXTENSIONS:
        raise FlashForgeFileError(
            f"{source.real_path.name} is not a file the printer prints",
            FileProblem.UNSUPPORTED_TYPE,
            extensions=", ".join(PRINTABLE_EXTENSIONS),
        )
    if source.size == 0:
        raise FlashForgeFileError(
            f"{source.real_path.name} is empty", FileProblem.EMPTY
        )
