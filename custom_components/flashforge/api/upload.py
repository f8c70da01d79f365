"""Local files opened for ``/uploadGcode``, and the multipart body that streams one."""

import asyncio
from collections.abc import AsyncIterator, Callable
import errno
import os
from pathlib import Path
import secrets
import stat
from types import TracebackType
from typing import BinaryIO, Final, Self

from .const import UPLOAD_CHUNK_SIZE
from .errors import FileProblem, FlashForgeClosedError, FlashForgeFileError

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

# Where Linux shows the path of an open descriptor.
_PROC_FD: Final = Path("/proc/self/fd")


def validate_file_name(name: str) -> str:
    """Return the name, or raise if the printer could not store it safely."""
    if not name or name in {".", ".."} or name != name.strip():
        raise FlashForgeFileError(
            f"Invalid file name {name!r}", FileProblem.INVALID_NAME
        )
    if any(
        char in _FORBIDDEN_NAME_CHARACTERS or not char.isprintable() for char in name
    ):
        raise FlashForgeFileError(
            f"Invalid file name {name!r}: no quotes, path separators or control characters",
            FileProblem.INVALID_NAME,
        )
    # Printable characters encode; surrogates are not printable.
    if len(name.encode()) > MAX_FILE_NAME_BYTES:
        raise FlashForgeFileError(
            f"The file name is longer than {MAX_FILE_NAME_BYTES} bytes",
            FileProblem.NAME_TOO_LONG,
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


class MultipartFile:
    """One ``gcodeFile`` form part, read from an open source chunk by chunk.

    The size is known up front, so the request carries a Content-Length (the
    firmware expects one) instead of chunked encoding, and memory use does not
    grow with the file.
    """

    def __init__(self, source: UploadSource, file_name: str) -> None:
        """Prepare the part headers around an open source."""
        validate_file_name(file_name)
        self.boundary = f"----FlashForgeBoundary{secrets.token_hex(16)}"
        self.file_size = source.size
        self._source = source
        self._aborted = False
        self._head = (
            f"--{self.boundary}\r\n"
            f'Content-Disposition: form-data; name="gcodeFile"; filename="{file_name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        self._tail = f"\r\n--{self.boundary}--\r\n".encode()

    @property
    def content_type(self) -> str:
        """Return the request's Content-Type."""
        return f"multipart/form-data; boundary={self.boundary}"

    @property
    def size(self) -> int:
        """Return the body's length in bytes."""
        return len(self._head) + self.file_size + len(self._tail)

    def abort(self) -> None:
        """Hand out nothing more: the printer must never get the whole body."""
        self._aborted = True

    async def chunks(self, on_chunk: ProgressCallback) -> AsyncIterator[bytes]:
        """Yield the body, reporting each file chunk once the writer took it.

        File reads run in a thread to keep the event loop free.
        """
        yield self._checked(self._head)
        sent = 0
        while sent < self.file_size:
            wanted = min(UPLOAD_CHUNK_SIZE, self.file_size - sent)
            chunk = await asyncio.to_thread(self._source.read, sent, wanted)
            if not chunk:
                # The file shrank after it was opened; the printer would wait forever.
                raise FlashForgeFileError("The file shrank while being sent")
            sent += len(chunk)
            yield self._checked(chunk)
            on_chunk(sent, self.file_size)
        yield self._checked(self._tail)

    def _checked(self, chunk: bytes) -> bytes:
        """Return the chunk, unless the upload was aborted meanwhile."""
        if self._aborted:
            raise FlashForgeClosedError("The upload was stopped")
        return chunk
