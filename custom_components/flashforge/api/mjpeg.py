"""MJPEG over HTTP: read a camera's multipart/x-mixed-replace stream, write one.

A camera on the LAN is not trusted: the parser bounds what it buffers, drops
parts that are not JPEG images, and does work linear in the bytes fed.
"""

import re

from .errors import FlashForgeError

# A part larger than this is not a camera frame: drop the connection.
MAX_FRAME_BYTES = 8 * 1024 * 1024
# What precedes a part's body (delimiter line and headers) takes a few hundred
# bytes; a camera that sends more before a body is not relaying frames.
MAX_HEADER_BYTES = 16 * 1024
# Parts in a row that are not JPEG images before the stream counts as no camera.
MAX_SKIPPED_PARTS = 16
# Start of image, then the marker every JPEG segment begins with. The end is not
# checked: some cameras pad frames after the end of image marker.
JPEG_START = b"\xff\xd8\xff"
# The boundary of the streams this library writes.
BOUNDARY = "frame"
STREAM_CONTENT_TYPE = f"multipart/x-mixed-replace;boundary={BOUNDARY}"

_BOUNDARY_PARAM = re.compile(r'boundary="?([^";,\s]+)"?', re.IGNORECASE)
_HEADER_END = re.compile(rb"\r?\n\r?\n")
# Longest match of _HEADER_END, less one: how far a resumed search backs up.
_HEADER_END_OVERLAP = 3
_CONTENT_LENGTH = re.compile(rb"^content-length:\s*(\d+)\s*$", re.IGNORECASE | re.M)


class MjpegError(FlashForgeError):
    """The camera sent something that is not an MJPEG stream."""


def boundary_of(content_type: str) -> str:
    """Return the multipart boundary a Content-Type header declares."""
    if not content_type.lower().startswith("multipart/") or not (
        match := _BOUNDARY_PARAM.search(content_type)
    ):
        raise MjpegError(f"not a multipart stream: {content_type!r}")
    # Some cameras declare the boundary with the dashes of the delimiter.
    return match.group(1).removeprefix("--")


def encode_part(frame: bytes) -> bytes:
    """Return a JPEG frame as one part of a stream of STREAM_CONTENT_TYPE."""
    head = (
        f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
        f"Content-Length: {len(frame)}\r\n\r\n"
    )
    return head.encode() + frame + b"\r\n"


class MjpegParser:
    """Split a multipart/x-mixed-replace byte stream into its JPEG frames.

    Each search resumes where the last one stopped, so the work is linear in
    the bytes fed however they are split.
    """

    def __init__(
        self,
        boundary: str,
        max_frame_bytes: int = MAX_FRAME_BYTES,
        max_header_bytes: int = MAX_HEADER_BYTES,
    ) -> None:
        """Look for parts delimited by ``--boundary``."""
        self._delimiter = b"--" + boundary.encode()
        self._max = max_frame_bytes
        self._max_header = max_header_bytes
        self._buffer = bytearray()
        self._at_headers = False
        self._in_body = False
        self._length: int | None = None
        # Where the next search in the buffer starts: all before it was read.
        self._resume = 0
        # Bytes since the last body ended, dropped ones included.
        self._head_bytes = 0
        self._skipped = 0

    def feed(self, data: bytes) -> list[bytes]:
        """Take bytes off the wire; return the JPEG frames they complete."""
        self._buffer += data
        frames: list[bytes] = []
        while (body := self._next_body()) is not None:
            if body.startswith(JPEG_START):
                self._skipped = 0
                frames.append(body)
                continue
            # An HTML page or a script is never relayed as an image.
            self._skipped += 1
            if self._skipped > MAX_SKIPPED_PARTS:
                raise MjpegError(f"{self._skipped} parts in a row are not JPEG images")
        return frames

    def _next_body(self) -> bytes | None:
        """Return the next complete body, None for more data."""
        if not self._in_body and not self._read_headers():
            return None
        buffer = self._buffer
        if self._length is not None:
            if len(buffer) < self._length:
                return None
            body = bytes(buffer[: self._length])
            del buffer[: self._length]
        else:
            # Without a length the body runs up to the next delimiter.
            if (end := self._find_delimiter()) < 0:
                # Room for a whole frame, its line end and a split delimiter.
                if len(buffer) > self._max + 2 + len(self._delimiter):
                    raise MjpegError("a part grew beyond the frame size limit")
                return None
            body = bytes(buffer[:end]).rstrip(b"\r\n")
            if len(body) > self._max:
                raise MjpegError("a part grew beyond the frame size limit")
            # The delimiter that ends this body opens the next part.
            del buffer[: end + len(self._delimiter)]
            self._head_bytes = len(self._delimiter)
            self._at_headers = True
        self._in_body = False
        self._resume = 0
        return body

    def _read_headers(self) -> bool:
        """Consume the next delimiter and headers; return whether a body follows."""
        buffer = self._buffer
        if not self._at_headers:
            if (start := self._find_delimiter()) < 0:
                # Drop the preamble, keeping what may be a split delimiter.
                keep = len(self._delimiter) - 1
                dropped = max(0, len(buffer) - keep)
                del buffer[:dropped]
                self._head_bytes += dropped
                self._resume = 0
                self._check_head(len(buffer))
                return False
            start += len(self._delimiter)
            del buffer[:start]
            self._head_bytes += start
            self._at_headers = True
            self._resume = 0
        end = _HEADER_END.search(buffer, self._resume)
        if end is None:
            self._resume = max(0, len(buffer) - _HEADER_END_OVERLAP)
            self._check_head(len(buffer))
            return False
        self._check_head(end.end())
        headers = bytes(buffer[: end.start()])
        del buffer[: end.end()]
        self._length = None
        if length := _CONTENT_LENGTH.search(headers):
            digits = length.group(1)
            # Compared as text first: int() refuses thousands of digits.
            if len(digits) > len(str(self._max)) or int(digits) > self._max:
                raise MjpegError(f"a part over {self._max} bytes is too large")
            self._length = int(digits)
        self._at_headers = False
        self._in_body = True
        self._head_bytes = 0
        self._resume = 0
        return True

    def _find_delimiter(self) -> int:
        """Return where the next delimiter starts, -1 if not yet received."""
        buffer = self._buffer
        found = buffer.find(self._delimiter, self._resume)
        if found < 0:
            self._resume = max(0, len(buffer) - len(self._delimiter) + 1)
        return found

    def _check_head(self, pending: int) -> None:
        """Refuse a part whose delimiter and headers exceed the cap."""
        if self._head_bytes + pending > self._max_header:
            raise MjpegError(f"more than {self._max_header} bytes before a part's body")
