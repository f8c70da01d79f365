"""A multipart body that streams a file from disk for ``/uploadGcode``."""

import asyncio
from collections.abc import AsyncIterator, Callable
import os
from pathlib import Path
import secrets
import stat
from typing import BinaryIO, Self

from .const import UPLOAD_CHUNK_SIZE
from .errors import FlashForgeFileError

type ProgressCallback = Callable[[int, int], None]
"""Called with (bytes sent, total bytes) as the file goes out."""

# Characters that would break the Content-Disposition header or name a path.
_FORBIDDEN_NAME_CHARACTERS = frozenset('"\\/')


def validate_file_name(name: str) -> str:
    """Return the name, or raise if the printer could not store it safely."""
    if not name or name in {".", ".."} or name != name.strip():
        raise FlashForgeFileError(f"Invalid file name {name!r}")
    if any(
        char in _FORBIDDEN_NAME_CHARACTERS or not char.isprintable() for char in name
    ):
        raise FlashForgeFileError(
            f"Invalid file name {name!r}: no quotes, path separators or control characters"
        )
    return name


def _open_regular_file(path: Path) -> tuple[BinaryIO, int]:
    """Open a regular file for reading and return it with its size."""
    try:
        handle = path.open("rb")
    except OSError as err:
        raise FlashForgeFileError(f"Cannot read {path.name}: {err.strerror}") from err
    info = os.fstat(handle.fileno())
    if not stat.S_ISREG(info.st_mode):
        handle.close()
        raise FlashForgeFileError(f"{path.name} is not a regular file")
    return handle, info.st_size


class MultipartFile:
    """One ``gcodeFile`` form part, read from disk chunk by chunk.

    The size is known up front, so the request carries a Content-Length (the
    firmware expects one) instead of chunked encoding, and memory use does not
    grow with the file.
    """

    def __init__(
        self,
        handle: BinaryIO,
        file_name: str,
        file_size: int,
    ) -> None:
        """Prepare the part headers around an open file."""
        self.boundary = f"----FlashForgeBoundary{secrets.token_hex(16)}"
        self.file_size = file_size
        self._handle = handle
        self._head = (
            f"--{self.boundary}\r\n"
            f'Content-Disposition: form-data; name="gcodeFile"; filename="{file_name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        self._tail = f"\r\n--{self.boundary}--\r\n".encode()

    @classmethod
    async def open(cls, path: Path, file_name: str) -> Self:
        """Open the file (off the event loop) and wrap it."""
        validate_file_name(file_name)
        handle, size = await asyncio.to_thread(_open_regular_file, path)
        return cls(handle, file_name, size)

    async def close(self) -> None:
        """Close the file."""
        await asyncio.to_thread(self._handle.close)

    @property
    def content_type(self) -> str:
        """Return the request's Content-Type."""
        return f"multipart/form-data; boundary={self.boundary}"

    @property
    def size(self) -> int:
        """Return the body's length in bytes."""
        return len(self._head) + self.file_size + len(self._tail)

    async def chunks(self, on_chunk: ProgressCallback) -> AsyncIterator[bytes]:
        """Yield the body, reporting each file chunk once the writer took it.

        File reads run in a thread to keep the event loop free.
        """
        yield self._head
        sent = 0
        while sent < self.file_size:
            wanted = min(UPLOAD_CHUNK_SIZE, self.file_size - sent)
            chunk = await asyncio.to_thread(self._handle.read, wanted)
            if not chunk:
                # The file shrank after it was opened; the printer would wait forever.
                raise FlashForgeFileError("The file shrank while being sent")
            sent += len(chunk)
            yield chunk
            on_chunk(sent, self.file_size)
        yield self._tail
