"""Tests for the MJPEG parser: frames out of a camera's stream, within bounds."""

from collections.abc import Iterator
import itertools
import math
import time

import pytest

from custom_components.flashforge.api.mjpeg import (
    BOUNDARY,
    MAX_HEADER_BYTES,
    MAX_SKIPPED_PARTS,
    STREAM_CONTENT_TYPE,
    MjpegError,
    MjpegParser,
    boundary_of,
    encode_part,
)

from ..fake_camera import JPEG, numbered, part

OTHER_JPEG = numbered(1)


def test_parser_with_lengths_in_pieces() -> None:
    """Parts split anywhere across reads come out whole."""
    stream = b"preamble\r\n" + part(JPEG) + part(OTHER_JPEG)
    for size in (1, 3, 7, len(stream)):
        parser = MjpegParser("b")
        frames: list[bytes] = []
        for start in range(0, len(stream), size):
            frames += parser.feed(stream[start : start + size])
        assert frames == [JPEG, OTHER_JPEG]


def test_parser_without_lengths() -> None:
    """Without Content-Length a body runs to the next delimiter."""
    parser = MjpegParser("b")
    assert parser.feed(part(JPEG, length=False)) == []
    assert parser.feed(part(JPEG, length=False)) == [JPEG]
    assert parser.feed(b"--b--\r\n") == [JPEG]


def test_parser_skips_empty_parts_and_bare_newlines() -> None:
    """Empty parts give no frame; LF-only header ends are understood."""
    parser = MjpegParser("b")
    stream = b"--b\nContent-Length: 0\n\n--b\nContent-Length: %d\n\n" % len(JPEG)
    stream += JPEG
    assert parser.feed(stream) == [JPEG]


def test_what_is_written_reads_back() -> None:
    """The parts the library writes are the frames its parser reads."""
    frames = [JPEG, OTHER_JPEG, numbered(2)]
    parser = MjpegParser(boundary_of(STREAM_CONTENT_TYPE))
    assert boundary_of(STREAM_CONTENT_TYPE) == BOUNDARY
    stream = b"".join(map(encode_part, frames))
    # Cut inside the last frame, before its line end.
    assert parser.feed(stream[:-3]) == frames[:-1]
    assert parser.feed(stream[-3:]) == frames[-1:]


@pytest.mark.parametrize(
    "stream",
    [
        b"--b\r\nContent-Length: %d\r\n\r\n" % (len(JPEG) + 1),
        b"--b\r\nContent-Length: " + b"9" * 5000 + b"\r\n\r\n",
        b"--b\r\n\r\n" + JPEG + b"\x00" * 2000,
        b"--b\r\n\r\n" + JPEG + b"\x00\r\n--b\r\n\r\n",
    ],
    ids=["announced", "announced in 5000 digits", "growing", "one byte over"],
)
def test_parser_limits_memory(stream: bytes) -> None:
    """A part beyond the size limit is refused, announced or not."""
    parser = MjpegParser("b", max_frame_bytes=len(JPEG))
    assert parser.feed(part(JPEG) + part(JPEG, length=False)) == [JPEG]
    with pytest.raises(MjpegError, match=r"too large|beyond the frame size limit"):
        parser.feed(stream)


def feed_until_refused(parser: MjpegParser, data: Iterator[bytes]) -> int:
    """Feed chunks until the parser refuses the stream; return the bytes fed."""
    fed = 0
    refused: MjpegError | None = None
    while refused is None:
        assert fed < 2 * MAX_HEADER_BYTES, "the parser never refused the stream"
        fed += len(chunk := next(data))
        try:
            parser.feed(chunk)
        except MjpegError as err:
            refused = err
    assert "before a part's body" in str(refused)
    return fed


def endless(prefix: bytes, line: bytes, size: int) -> Iterator[bytes]:
    """Yield the prefix, then the line over and over, in chunks of size bytes."""
    pending = prefix
    while True:
        while len(pending) < size:
            pending += line
        yield pending[:size]
        pending = pending[size:]


@pytest.mark.parametrize(
    ("prefix", "line"),
    [
        # Header lines that never end in a blank line.
        (b"--b\r\n", b"X-Pad: 1\r\n"),
        (b"--b\n", b"a\n"),
        # A preamble that never reaches a delimiter.
        (b"", b"<p>no delimiter</p>\r\n"),
        # Junk between a part and the next delimiter.
        (part(JPEG), b"junk\r\n"),
    ],
    ids=["header lines", "bare header lines", "preamble", "junk after a part"],
)
@pytest.mark.parametrize("size", [1, 7, 4096])
def test_parser_caps_what_precedes_a_body(
    prefix: bytes, line: bytes, size: int
) -> None:
    """Endless headers or junk are refused once past the cap, however they arrive."""
    parser = MjpegParser("b")
    fed = feed_until_refused(parser, endless(prefix, line, size))
    assert fed <= len(prefix) + MAX_HEADER_BYTES + size


def test_parser_takes_headers_up_to_the_cap() -> None:
    """Headers just within the cap are a part like any other."""
    head = b"--b\r\nContent-Length: %d\r\n" % len(JPEG)
    padding = b"X-Pad: " + b"p" * (MAX_HEADER_BYTES - len(head) - 11) + b"\r\n\r\n"
    stream = head + padding + JPEG
    assert len(stream) - len(JPEG) == MAX_HEADER_BYTES
    assert MjpegParser("b").feed(stream) == [JPEG]
    with pytest.raises(MjpegError):
        MjpegParser("b").feed(head + b"p" + padding + JPEG)


# Bytes of the shorter run; the longer one feeds four times as many.
LINEAR_BYTES = 8_000
# A linear parser takes about 4x as long for 4x the bytes, a quadratic one 16x.
MAX_GROWTH = 8.0


def feeding_seconds(prefix: bytes, line: bytes, total: int, budget: float) -> float:
    """Return the CPU time a parser takes for total bytes fed one at a time.

    Stops once the budget is spent, returning infinity.
    """
    limit = 1 << 20
    parser = MjpegParser("b", max_frame_bytes=limit, max_header_bytes=limit)
    pieces = itertools.islice(endless(prefix, line, 1), total)
    start = time.process_time()
    for batch in itertools.batched(pieces, 256, strict=False):
        for piece in batch:
            assert parser.feed(piece) == []
        if time.process_time() - start > budget:
            return math.inf
    return time.process_time() - start


@pytest.mark.parametrize(
    ("prefix", "line"),
    [
        # Header lines under a cap large enough not to end them.
        (b"--b\r\n", b"X-Pad: 1\r\n"),
        # A body without length, waiting for the next delimiter.
        (b"--b\r\n\r\n" + JPEG, b"\x00-\r\n-"),
    ],
    ids=["header lines", "body without length"],
)
def test_parser_work_is_linear(prefix: bytes, line: bytes) -> None:
    """Fed a byte at a time, four times the bytes take about four times as long."""
    # The best of three runs each, so that a busy machine does not count.
    shorter = min(
        feeding_seconds(prefix, line, LINEAR_BYTES, math.inf) for _ in range(3)
    )
    longer = min(
        feeding_seconds(prefix, line, 4 * LINEAR_BYTES, MAX_GROWTH * shorter)
        for _ in range(3)
    )
    assert longer <= MAX_GROWTH * shorter


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html><html><body>login</body></html>",
        b"<script>alert(1)</script>",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 16,
        b"\xff\xd8\x00not a jpeg",
        b"",
    ],
    ids=["html", "script", "png", "soi only", "empty"],
)
def test_parser_drops_parts_that_are_no_jpeg(body: bytes) -> None:
    """Only JPEG images come out; pages, scripts and other images are dropped."""
    parser = MjpegParser("b")
    stream = part(body) + part(JPEG) + part(body, length=False) + part(JPEG)
    assert parser.feed(stream + b"--b--\r\n") == [JPEG, JPEG]


def test_parser_refuses_a_stream_without_jpeg() -> None:
    """A camera sending nothing but other parts is no camera."""
    page = part(b"<html></html>")
    parser = MjpegParser("b")
    assert parser.feed(page * MAX_SKIPPED_PARTS + part(JPEG)) == [JPEG]
    with pytest.raises(MjpegError, match="not JPEG images"):
        parser.feed(page * (MAX_SKIPPED_PARTS + 1))


@pytest.mark.parametrize(
    ("content_type", "boundary"),
    [
        ("multipart/x-mixed-replace;boundary=boundarydonotcross", "boundarydonotcross"),
        ('multipart/x-mixed-replace; boundary="--myboundary"', "myboundary"),
        ("Multipart/X-Mixed-Replace; BOUNDARY=frame; charset=x", "frame"),
    ],
)
def test_boundary_of(content_type: str, boundary: str) -> None:
    """The boundary is read leniently."""
    assert boundary_of(content_type) == boundary


@pytest.mark.parametrize("content_type", ["image/jpeg", "multipart/x-mixed-replace"])
def test_boundary_of_a_non_stream(content_type: str) -> None:
    """A single image or a multipart type without boundary is no stream."""
    with pytest.raises(MjpegError):
        boundary_of(content_type)
