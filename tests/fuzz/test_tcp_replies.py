"""Fuzz target: the legacy TCP API's framing and parsers on mutated and arbitrary replies.

Whatever bytes a printer sends, the reader returns bounded, typed values or
raises the library's own error; it never raises anything else or waits.
"""

import asyncio
from collections.abc import Awaitable, Callable
import contextlib
from pathlib import Path

from hypothesis import given, strategies as st

from custom_components.flashforge.api import FlashForgeError, LegacyInfo, LegacyState
from custom_components.flashforge.api.const import MAX_NAME_LENGTH, MAX_PARTS
from custom_components.flashforge.api.tcp import ReplyReader, parse_info, parse_state
from custom_components.flashforge.api.tcp.const import (
    MAX_FILES,
    MAX_LINE_BYTES,
    MAX_REPLY_LINES,
    MAX_THUMBNAIL_BYTES,
)

from .profiles import FUZZ

CAPTURES = sorted(
    (Path(__file__).parent.parent / "fixtures" / "tcp").glob("m*"),
    key=lambda path: path.name,
)
# Bytes that mean something to the framing, drawn more often than others.
SPECIAL = [
    b"\r\n",
    b"\n",
    b"ok",
    b"ok ",
    b"CMD M115 Received.",
    b"Error: x",
    b"ack: ",
    b"echo: ",
    b"D\xaa\xaaD",
    b"::\xa3\xa3",
    b"**\x2a\xa2",
    b"\xff\xff\xff\xff",
    b"info_list.size: 3",
    b"ack header length: 8",
]


@st.composite
def replies(draw: st.DrawFn) -> bytes:
    """Return a capture with bytes replaced, inserted or dropped, or arbitrary bytes."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=2048))
    data = bytearray(draw(st.sampled_from(CAPTURES)).read_bytes())
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        piece = draw(st.one_of(st.sampled_from(SPECIAL), st.binary(max_size=8)))
        if draw(st.booleans()):
            data[at:at] = piece
        else:
            data[at : at + len(piece)] = piece
    return bytes(data)


def run[T](data: bytes, read: Callable[[ReplyReader], Awaitable[T]]) -> T | None:
    """Read data through the framing; None where the library refused it."""

    async def main() -> T | None:
        stream = asyncio.StreamReader(limit=MAX_LINE_BYTES)
        stream.feed_data(data)
        stream.feed_eof()
        try:
            return await read(ReplyReader(stream))
        except FlashForgeError:
            return None

    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(main())
    finally:
        loop.close()


def check_info(info: LegacyInfo) -> None:
    """Every field of an info is bounded and typed."""
    for text in (info.machine_type, info.name):
        assert text is None or (0 < len(text) <= MAX_NAME_LENGTH and text.isprintable())
    assert info.unique_id is not None or info.machine_type is not None
    assert info.tool_count is None or 1 <= info.tool_count <= MAX_PARTS
    assert info.build_volume is None or all(
        0 < size < 100_000 for size in info.build_volume
    )


def check_state(state: LegacyState) -> None:
    """Every field of a state is bounded and typed."""
    assert 1 <= len(state.nozzle_temperatures) <= MAX_PARTS
    assert state.progress is None or 0 <= state.progress <= 1
    assert state.current_file is None or state.current_file.isprintable()
    assert state.raw_status is not None


@FUZZ
@given(replies())
def test_reply_and_parsers(data: bytes) -> None:
    """A reply is bounded lines; info and state parse it or refuse it."""
    reply = run(data, lambda reader: reader.reply("M115"))
    if reply is None:
        return
    assert len(reply.lines) <= MAX_REPLY_LINES
    assert all(
        len(line.encode("utf-8", "surrogateescape")) <= MAX_LINE_BYTES
        for line in reply.lines
    )
    with contextlib.suppress(FlashForgeError):
        check_info(parse_info(reply))
    with contextlib.suppress(FlashForgeError):
        check_state(parse_state(reply, reply, reply))


@FUZZ
@given(replies())
def test_file_list(data: bytes) -> None:
    """A file list is at most MAX_FILES printable paths, or refused."""
    paths = run(data, ReplyReader.file_list)
    if paths is not None:
        assert len(paths) <= MAX_FILES
        assert all(path and path.isprintable() for path in paths)


@FUZZ
@given(replies())
def test_thumbnail(data: bytes) -> None:
    """A thumbnail is a non-empty image within its cap, or refused."""
    image = run(data, ReplyReader.thumbnail)
    if image is not None:
        assert 0 < len(image) <= MAX_THUMBNAIL_BYTES
