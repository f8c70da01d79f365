"""Fuzz target: the camera's MJPEG parser on generated and arbitrary streams.

That its work stays linear however the bytes are split is timed in
tests/api/test_mjpeg.py: a fuzzer's small inputs cannot show it.
"""

from dataclasses import dataclass
import itertools
import string

from hypothesis import assume, given, strategies as st

from custom_components.flashforge.api.mjpeg import (
    JPEG_START,
    MAX_HEADER_BYTES,
    MAX_SKIPPED_PARTS,
    MjpegError,
    MjpegParser,
)

from .profiles import FUZZ

# Small enough that generated parts reach it.
MAX_FRAME = 512


@dataclass(frozen=True)
class Part:
    """One part as a camera sends it."""

    body: bytes
    with_length: bool
    extra_headers: tuple[str, ...]

    def encode(self, delimiter: bytes) -> bytes:
        """Return the part on the wire."""
        head = b"".join(f"X-{line}\r\n".encode() for line in self.extra_headers)
        if self.with_length:
            head += b"Content-Length: %d\r\n" % len(self.body)
        return (
            delimiter
            + b"\r\nContent-Type: image/jpeg\r\n"
            + head
            + b"\r\n"
            + (self.body + b"\r\n")
        )


BOUNDARIES = st.text(string.ascii_letters + string.digits, min_size=1, max_size=30)
BODIES = st.one_of(
    st.binary(max_size=MAX_FRAME - len(JPEG_START)).map(JPEG_START.__add__),
    st.binary(max_size=MAX_FRAME),
    st.sampled_from([b"<html><body>page</body></html>", b"<script>x()</script>"]),
)
PARTS = st.builds(
    Part,
    body=BODIES,
    with_length=st.booleans(),
    extra_headers=st.lists(
        st.text(string.ascii_letters + ": -", max_size=40), max_size=3
    ).map(tuple),
)


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    """Return data cut at the given offsets (taken modulo its length)."""
    points = sorted({cut % (len(data) + 1) for cut in cuts} | {0, len(data)})
    return [data[start:end] for start, end in itertools.pairwise(points)]


def feed_all(parser: MjpegParser, chunks: list[bytes]) -> list[bytes]:
    """Feed every chunk; return the frames."""
    frames: list[bytes] = []
    for chunk in chunks:
        frames += parser.feed(chunk)
    return frames


@FUZZ
@given(
    boundary=BOUNDARIES,
    preamble=st.binary(max_size=64),
    parts=st.lists(PARTS, max_size=MAX_SKIPPED_PARTS),
    cuts=st.lists(st.integers(min_value=0), max_size=40),
)
def test_parser_returns_the_jpeg_parts_however_split(
    boundary: str, preamble: bytes, parts: list[Part], cuts: list[int]
) -> None:
    """A well-formed stream gives its JPEG bodies, in order, wherever it is cut."""
    delimiter = b"--" + boundary.encode()
    assume(delimiter not in preamble)
    # A body without length runs to the next delimiter, its line end not its own.
    assume(
        all(
            part.with_length
            or (delimiter not in part.body and not part.body.endswith((b"\r", b"\n")))
            for part in parts
        )
    )
    stream = preamble + b"".join(part.encode(delimiter) for part in parts)
    stream += delimiter + b"--\r\n"
    chunks = split(stream, cuts)

    parser = MjpegParser(boundary, max_frame_bytes=MAX_FRAME)
    assert feed_all(parser, chunks) == [
        part.body for part in parts if part.body.startswith(JPEG_START)
    ]


# Pieces of streams, the delimiter among them, to cross with random bytes.
DELIMITER = "delimiter"
TOKENS = st.one_of(
    st.binary(max_size=64),
    st.sampled_from(
        [
            DELIMITER,
            b"\r\n",
            b"\n\n",
            b"\r\n\r\n",
            b"--",
            JPEG_START,
            b"Content-Length: 5\r\n",
            b"Content-Length: 600\r\n",
            b"content-length:" + b"9" * 5000 + b"\n",
        ]
    ),
)


@FUZZ
@given(
    boundary=BOUNDARIES,
    tokens=st.lists(TOKENS, max_size=80),
    cuts=st.lists(st.integers(min_value=0), max_size=40),
)
def test_parser_takes_any_bytes(
    boundary: str, tokens: list[bytes | str], cuts: list[int]
) -> None:
    """Any bytes give JPEG frames within the cap, or MjpegError."""
    delimiter = b"--" + boundary.encode()
    data = b"".join(delimiter if isinstance(token, str) else token for token in tokens)
    parser = MjpegParser(boundary, max_frame_bytes=MAX_FRAME, max_header_bytes=256)
    for chunk in split(data, cuts):
        try:
            frames = parser.feed(chunk)
        except MjpegError:
            break
        assert all(frame.startswith(JPEG_START) for frame in frames)
        assert all(len(frame) <= MAX_FRAME for frame in frames)


@FUZZ
@given(
    boundary=BOUNDARIES,
    line=st.binary(min_size=1, max_size=40).filter(lambda line: b"\n" not in line),
    size=st.integers(min_value=1, max_value=4096),
)
def test_parser_refuses_headers_past_the_cap(
    boundary: str, line: bytes, size: int
) -> None:
    """Header lines that never end are refused once past the cap."""
    delimiter = b"--" + boundary.encode()
    stream = (
        delimiter + b"\r\n" + (line + b"\r\n") * (2 * MAX_HEADER_BYTES // len(line))
    )
    parser = MjpegParser(boundary)
    fed = 0
    refused = False
    for chunk in split(stream, list(range(size, len(stream), size))):
        fed += len(chunk)
        try:
            parser.feed(chunk)
        except MjpegError:
            refused = True
            break
    assert refused
    assert fed <= MAX_HEADER_BYTES + size
