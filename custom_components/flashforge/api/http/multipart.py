"""The multipart body that streams an opened file to ``/uploadGcode``."""

import asyncio
from collections.abc import AsyncIterator
import secrets

from ..errors import FlashForgeClosedError, FlashForgeError, FlashForgeFileError
from ..upload import ProgressCallback, UploadSource, validate_file_name
from .const import UPLOAD_CHUNK_SIZE


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
        # Why the body stopped short: the HTTP stack reports only a broken request.
        self.failure: FlashForgeError | None = None
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
                self.failure = FlashForgeFileError("The file shrank while being sent")
                raise self.failure
            sent += len(chunk)
            yield self._checked(chunk)
            on_chunk(sent, self.file_size)
        yield self._checked(self._tail)

    def _checked(self, chunk: bytes) -> bytes:
        """Return the chunk, unless the upload was aborted meanwhile."""
        if self._aborted:
            self.failure = FlashForgeClosedError("The upload was stopped")
            raise self.failure
        return chunk
