"""Local files opened to be sent to a printer, and the names a printer can store."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
import errno
import logging
import os
from pathlib import Path
import stat
from types import TracebackType
from typing import BinaryIO, Final, Self

from .errors import FileProblem, FlashForgeFileError

type ProgressCallback = Callable[[int, int], None]
"""Called with (bytes sent, total bytes) as the file goes out."""

# The printers' file systems store names of up to 255 bytes; a longer one is
# cut or refused only after the whole file went out.
MAX_FILE_NAME_BYTES: Final = 255

# Characters that would break the Content-Disposition header or name a path.
_FORBIDDEN_NAME_CHARACTERS = frozenset('"\\/')

# A link at the path may have been swapped in after the path was checked, and
# opening a FIFO for reading would wait for a writer forever.
_OPEN_FLAGS: Final = (
    os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY
)

# Upload progress is logged each time another tenth of the file has gone out.
_PROGRESS_STEPS: Final = 10

# Where Linux shows the path of an open descriptor.
_PROC_FD: Final = Path("/proc/self/fd")


class ProgressLog:
    """A progress callback that logs how far an upload got, once per tenth.

    A big chunk may cross several tenths: it is logged once.
    """

    def __init__(self, logger: logging.Logger, message: str, *args: object) -> None:
        """Log to ``logger`` at debug level: ``message % args``, then the progress."""
        self._logger = logger
        self._message = f"{message}: %d%% (%d of %d bytes)"
        self._args = args
        self._logged_steps = 0

    def __call__(self, sent: int, total: int) -> None:
        """Log when another tenth has gone out."""
        steps = sent * _PROGRESS_STEPS // total if total else _PROGRESS_STEPS
        if steps <= self._logged_steps:
            return
        self._logged_steps = steps
        percent = sent * 100 // total if total else 100
        self._logger.debug(self._message, *self._args, percent, sent, total)


def validate_file_name(name: str) -> str:
    """Return the name, or raise if the printer could not store it safely."""
    if not name or name in {".", ".."} or name != name.strip():
        raise FlashForgeFileError(
            f"Invalid file name {name!r}", FileProblem.INVALID_NAME, file_name=name
        )
    if any(
        char in _FORBIDDEN_NAME_CHARACTERS or not char.isprintable() for char in name
    ):
        raise FlashForgeFileError(
            f"Invalid file name {name!r}: no quotes, path separators or control characters",
            FileProblem.INVALID_NAME,
            file_name=name,
        )
    # Printable characters encode; surrogates are not printable.
    if (length := len(name.encode())) > MAX_FILE_NAME_BYTES:
        raise FlashForgeFileError(
            f"The file name is longer than {MAX_FILE_NAME_BYTES} bytes",
            FileProblem.NAME_TOO_LONG,
            length=str(length),
            max_length=str(MAX_FILE_NAME_BYTES),
        )
    return name


class UploadSource:
    """A local file opened once for sending: its descriptor, size and real path.

    Everything about the file comes from the open descriptor, so what was
    checked is what gets sent, whatever happens to the path afterwards. Reads
    give their offset, so several uploads can stream from one source at once.
    """

    def __init__(self, fd: int, size: int, real_path: Path) -> None:
        """Wrap an open descriptor of a regular file."""
        self._fd = fd
        self.size = size
        self.real_path = real_path

    @classmethod
    def open(cls, path: Path) -> Self:
        """Open a regular file without following a link or blocking.

        Raises FlashForgeFileError, whose ``problem`` says what is wrong.
        Blocking: run it off the event loop.
        """
        try:
            fd = os.open(path, _OPEN_FLAGS)
        except (FileNotFoundError, NotADirectoryError, ValueError) as err:
            # ValueError: a NUL character, which no path on disk holds.
            raise FlashForgeFileError(
                f"{path.name} does not exist", FileProblem.NOT_FOUND
            ) from err
        except OSError as err:
            if err.errno == errno.ELOOP:
                raise FlashForgeFileError(
                    f"{path.name} is a link, not a file", FileProblem.NOT_A_FILE
                ) from err
            raise FlashForgeFileError(
                f"Cannot read {path.name}: {err.strerror}"
            ) from err
        try:
            size, real_path = _checked_descriptor(fd, path)
        except BaseException:
            os.close(fd)
            raise
        return cls(fd, size, real_path)

    def read(self, offset: int, size: int) -> bytes:
        """Return up to size bytes from offset. Blocking."""
        return os.pread(self._fd, size, offset)

    def reader(self) -> BinaryIO:
        """Return a new file object on the same open file, at its start. Blocking."""
        handle = os.fdopen(os.dup(self._fd), "rb")
        handle.seek(0)
        return handle

    def close(self) -> None:
        """Close the descriptor; closing twice does nothing."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> Self:
        """Use the source in a with block."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the descriptor."""
        self.close()


def _checked_descriptor(fd: int, path: Path) -> tuple[int, Path]:
    """Return the size and real location of an open regular file; raise if not one."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise FlashForgeFileError(
            f"{path.name} is not a regular file", FileProblem.NOT_A_FILE
        )
    return info.st_size, _real_path(fd, path, info)


def _real_path(fd: int, path: Path, info: os.stat_result) -> Path:
    """Return where an open file lies, as the system knows the descriptor."""
    try:
        return (_PROC_FD / str(fd)).readlink()
    except OSError:
        pass
    # Without /proc: the resolved path counts only if it leads to this file.
    real = Path(os.path.realpath(path))
    try:
        found = real.stat()
    except OSError as err:
        raise FlashForgeFileError(f"{path.name} moved while it was opened") from err
    if (found.st_dev, found.st_ino) != (info.st_dev, info.st_ino):
        raise FlashForgeFileError(f"{path.name} moved while it was opened")
    return real


@asynccontextmanager
async def opened_source(source: Path | UploadSource) -> AsyncIterator[UploadSource]:
    """Yield the source to send: a path opened here and closed after, or the caller's.

    A path is opened without following a link (``UploadSource.open``); a
    source the caller opened, and checked, stays the caller's to close.
    """
    if not isinstance(source, Path):
        yield source
        return
    opened = await asyncio.to_thread(UploadSource.open, source)
    try:
        yield opened
    finally:
        opened.close()
