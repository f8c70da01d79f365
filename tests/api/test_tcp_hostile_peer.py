"""A printer on port 8899 that floods, garbles, stalls or drops can do the TCP client no harm.

Each peer is a small server on 127.0.0.1 (tests/hostile_peers.py) that
misbehaves in one way the emulator does not. Every case ends in the library's
own error, within bounded memory, with the connection closed; where the
framing allows it, control was released too.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import hashlib
import os
from pathlib import Path

import pytest

from custom_components.flashforge.api import (
    FlashForgeConnectionError,
    FlashForgeError,
    FlashForgeInUseError,
    FlashForgeResponseError,
    FlashForgeTcpClient,
    FlashForgeTimeoutError,
)

from ..hostile_peers import (
    FLOOD_BYTES,
    FLOOD_CHUNK,
    TcpBehaviour,
    TcpPeer,
    peak_memory,
    tcp_clients,
    tcp_reply,
)

TIMEOUT = 0.5
# The client holds a line, a reply's lines and a stream buffer: far below this.
MEMORY_BOUND = 2 * 1024 * 1024
# An upload holds a chunk or two; the test harness's debug event loop also
# keeps each callback's creation stack until it is collected, a few MB over a
# long upload. A file held whole would be UPLOAD_BYTES.
UPLOAD_MEMORY_BOUND = 8 * 1024 * 1024
UPLOAD_BYTES = 48 * 1024 * 1024

type Operation = Callable[[FlashForgeTcpClient], Awaitable[object]]
type Connect = Callable[[TcpPeer], Awaitable[FlashForgeTcpClient]]


@pytest.fixture
async def connect(socket_enabled: None) -> AsyncIterator[Connect]:
    """Return a factory of clients of a peer served on 127.0.0.1."""
    async with tcp_clients(TIMEOUT) as client_of:
        yield client_of


def flooding(chunk: bytes, head: bytes = b"") -> Callable[[TcpPeer], TcpBehaviour]:
    """Return a behaviour that sends head, then chunk until FLOOD_BYTES are out."""

    def behaviour(peer: TcpPeer) -> TcpBehaviour:
        async def send(writer: asyncio.StreamWriter) -> None:
            writer.write(head)
            await peer.flood(writer, chunk)

        return send

    return behaviour


def dropping(data: bytes) -> Callable[[TcpPeer], TcpBehaviour]:
    """Return a behaviour that sends data, then drops the connection."""

    def behaviour(_peer: TcpPeer) -> TcpBehaviour:
        async def send(writer: asyncio.StreamWriter) -> None:
            writer.write(data)
            await writer.drain()
            writer.transport.abort()

        return send

    return behaviour


def answering(data: bytes) -> Callable[[TcpPeer], TcpBehaviour]:
    """Return a behaviour that answers data (b"": nothing at all)."""
    return lambda _peer: data


def info(client: FlashForgeTcpClient) -> Awaitable[object]:
    """Ask M115."""
    return client.info()


def files(client: FlashForgeTcpClient) -> Awaitable[object]:
    """Ask M661."""
    return client.files()


def thumbnail(client: FlashForgeTcpClient) -> Awaitable[object]:
    """Ask M662."""
    return client.thumbnail("/data/a.gcode")


LINE_HEAD = b"CMD M115 Received.\r\n"
GARBAGE = bytes(range(256)) * 256

# What the peer does to one command, the operation asking it, the error, and
# whether M602 reaches the peer: True, it must (the framing was cut short, but
# the connection stands); False, it must not (control was never ours, and
# releasing would free another program's); None, the peer cannot tell (it
# was flooding or had dropped the connection).
CASES = {
    "line without end": (
        "M115",
        flooding(b"x" * len(FLOOD_CHUNK), LINE_HEAD),
        info,
        FlashForgeResponseError,
        None,
    ),
    "endless lines": (
        "M115",
        flooding(b"Machine Type: A\r\n" * 4096, LINE_HEAD),
        info,
        FlashForgeResponseError,
        None,
    ),
    "garbage": ("M115", flooding(GARBAGE), info, FlashForgeResponseError, None),
    "garbage binary list": (
        "M661",
        flooding(GARBAGE, b"CMD M661 Received.\r\nok\r\n"),
        files,
        FlashForgeResponseError,
        None,
    ),
    "huge file count": (
        "M661",
        answering(b"CMD M661 Received.\r\nok\r\nD\xaa\xaaD\xff\xff\xff\xff"),
        files,
        FlashForgeResponseError,
        True,
    ),
    "huge path": (
        "M661",
        answering(
            b"CMD M661 Received.\r\nok\r\nD\xaa\xaaD\x00\x00\x00\x01::\xa3\xa3\xff\xff\xff\xff"
        ),
        files,
        FlashForgeResponseError,
        True,
    ),
    "huge image": (
        "M662",
        flooding(
            FLOOD_CHUNK, b"CMD M662 Received.\r\nok\r\n**\x2a\xa2\xff\xff\xff\xff"
        ),
        thumbnail,
        FlashForgeResponseError,
        None,
    ),
    "image just over the cap": (
        "M662",
        flooding(
            FLOOD_CHUNK,
            b"CMD M662 Received.\r\nok\r\n**\x2a\xa2"
            + (4 * 1024 * 1024 + 1).to_bytes(4, "big"),
        ),
        thumbnail,
        FlashForgeResponseError,
        None,
    ),
    "silence": ("M115", answering(b""), info, FlashForgeTimeoutError, True),
    "silence mid-reply": (
        "M115",
        answering(LINE_HEAD + b"Machine Type: A"),
        info,
        FlashForgeTimeoutError,
        True,
    ),
    "silence mid-image": (
        "M662",
        answering(b"CMD M662 Received.\r\nok\r\n**\x2a\xa2\x00\x00\x10\x00\x89PNG"),
        thumbnail,
        FlashForgeTimeoutError,
        True,
    ),
    "drop mid-reply": (
        "M115",
        dropping(LINE_HEAD + b"Machine Type: A"),
        info,
        FlashForgeConnectionError,
        None,
    ),
    "drop mid-list": (
        "M661",
        dropping(b"CMD M661 Received.\r\nok\r\nD\xaa\xaaD\x00\x00\x00\x02::\xa3\xa3"),
        files,
        FlashForgeConnectionError,
        None,
    ),
    "drop mid-image": (
        "M662",
        dropping(b"CMD M662 Received.\r\nok\r\n**\x2a\xa2\x00\x00\x10\x00\x89PNG"),
        thumbnail,
        FlashForgeConnectionError,
        None,
    ),
    "drop before control": (
        "M601",
        dropping(b""),
        info,
        FlashForgeConnectionError,
        None,
    ),
    "refused control": (
        "M601",
        answering(tcp_reply("M601", "Control Failed.")),
        info,
        FlashForgeInUseError,
        False,
    ),
}


@pytest.mark.parametrize(
    ("code", "behaviour", "operation", "error", "released"),
    CASES.values(),
    ids=CASES.keys(),
)
async def test_hostile_peer(
    connect: Connect,
    code: str,
    behaviour: Callable[[TcpPeer], TcpBehaviour],
    operation: Operation,
    error: type[FlashForgeError],
    released: bool | None,
) -> None:
    """Each misbehaviour is the library's error, in bounded memory; the connection is closed."""
    peer = TcpPeer()
    peer.script[code] = behaviour(peer)
    client = await connect(peer)
    with peak_memory() as peak, pytest.raises(error) as raised:
        await operation(client)
    assert peak[0] < MEMORY_BOUND
    assert not isinstance(raised.value.__cause__, OSError)
    await asyncio.wait_for(peer.closed.wait(), 2)
    assert peer.sent < FLOOD_BYTES
    if released is not None:
        assert ("M602" in peer.commands) is released


async def test_release_skips_what_came_late(connect: Connect) -> None:
    """A reply that arrives after the error it caused does not block the release."""
    peer = TcpPeer(
        {
            "M115": LINE_HEAD + b"Error: busy\r\nok\r\nstray\r\n",
            "M602": b"CMD M27 Received.\r\nok\r\n" + tcp_reply("M602"),
        }
    )
    client = await connect(peer)
    with pytest.raises(FlashForgeResponseError, match="busy"):
        await client.info()
    await asyncio.wait_for(peer.closed.wait(), 2)
    assert peer.commands == ["M601 S1", "M115", "M602"]


async def test_stalled_upload(connect: Connect, tmp_path: Path) -> None:
    """A printer that stops taking file data fails the upload; no M602 becomes file data."""
    release = asyncio.Event()

    async def take_nothing(writer: asyncio.StreamWriter) -> None:
        writer.write(tcp_reply("M28"))
        await writer.drain()
        await release.wait()

    peer = TcpPeer({"M28": take_nothing})
    client = await connect(peer)
    path = tmp_path / "big.gcode"
    with path.open("wb") as handle:
        handle.truncate(UPLOAD_BYTES)
    try:
        with peak_memory() as peak, pytest.raises(FlashForgeTimeoutError):
            await client.upload(path)
    finally:
        release.set()
    assert peak[0] < UPLOAD_MEMORY_BOUND
    await asyncio.wait_for(peer.closed.wait(), 2)
    assert peer.commands == ["M601 S1", f"M28 {UPLOAD_BYTES} 0:/user/big.gcode"]


async def test_upload_memory_flat(connect: Connect, tmp_path: Path) -> None:
    """A large upload streams: memory stays flat, every byte arrives, then M29."""
    path = tmp_path / "large.gcode"
    content = os.urandom(1024 * 1024)
    expected = hashlib.sha256()
    with path.open("wb") as handle:
        for _ in range(UPLOAD_BYTES // len(content)):
            handle.write(content)
            expected.update(content)
    peer = TcpPeer()
    client = await connect(peer)
    client.request_timeout = 5.0
    progress: list[int] = []
    with peak_memory() as peak:
        await client.upload(path, progress=lambda sent, _total: progress.append(sent))
    assert peak[0] < UPLOAD_MEMORY_BOUND
    assert progress[-1] == UPLOAD_BYTES
    assert peer.uploaded.hexdigest() == expected.hexdigest()
    assert peer.commands[-2:] == ["M29", "M602"]
