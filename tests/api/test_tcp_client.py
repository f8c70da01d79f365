"""The TCP client's sessions: control taken, work done, control released, connection closed.

A scripted peer on 127.0.0.1 (tests/hostile_peers.py) records what reaches it,
so each test sees exactly which commands went out and that the connection was
closed, whatever ended the session.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from custom_components.flashforge.api import (
    FlashForgeClosedError,
    FlashForgeConnectionError,
    FlashForgeInUseError,
    FlashForgeResponseError,
    FlashForgeTcpClient,
    FlashForgeTimeoutError,
    MachineStatus,
)

from ..hostile_peers import TcpBehaviour, TcpPeer, tcp_clients, tcp_reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "tcp"
TIMEOUT = 0.5

type Connect = Callable[
    [dict[str, TcpBehaviour]], Awaitable[tuple[TcpPeer, FlashForgeTcpClient]]
]


def capture(name: str) -> bytes:
    """Return a reply capture from the fixtures."""
    return (FIXTURES / name).read_bytes()


@pytest.fixture
async def connect(socket_enabled: None) -> AsyncIterator[Connect]:
    """Return a factory: a peer answering a script, and a client of it."""
    async with tcp_clients(TIMEOUT) as client_of:

        async def factory(
            script: dict[str, TcpBehaviour],
        ) -> tuple[TcpPeer, FlashForgeTcpClient]:
            peer = TcpPeer(script)
            return peer, await client_of(peer)

        yield factory


async def ended(peer: TcpPeer) -> None:
    """Wait until the peer saw the client close the connection."""
    await asyncio.wait_for(peer.closed.wait(), 2)


async def test_info_session(connect: Connect) -> None:
    """info() takes control, asks M115, releases and closes."""
    peer, client = await connect({"M115": capture("m115_5m_pro.txt")})
    info = await client.info()
    assert info.serial_number == "SNMOMC9900728"
    await ended(peer)
    assert peer.commands == ["M601 S1", "M115", "M602"]


async def test_state_session(connect: Connect) -> None:
    """state() asks M119, M105 and M27 in one session."""
    peer, client = await connect(
        {
            "M119": capture("m119_5m_printing.txt"),
            "M105": capture("m105_new_two_tools.txt"),
            "M27": capture("m27_5m_printing.txt"),
        }
    )
    state = await client.state()
    assert (state.status, state.progress, state.layer) == (
        MachineStatus.PRINTING,
        0.42,
        37,
    )
    await ended(peer)
    assert peer.commands == ["M601 S1", "M119", "M105", "M27", "M602"]


@pytest.mark.parametrize(
    "refusal", ["m601_refused.txt", "m601_adventurer3_refused.txt"]
)
async def test_control_refused(connect: Connect, refusal: str) -> None:
    """Control held elsewhere is FlashForgeInUseError, and no M602 releases the other's control."""
    peer, client = await connect({"M601": capture(refusal)})
    with pytest.raises(FlashForgeInUseError):
        await client.info()
    await ended(peer)
    assert peer.commands == ["M601 S1"]


@pytest.mark.parametrize(
    ("behaviour", "error"),
    [
        (b"CMD M115 Received.\r\nError: busy\r\n", FlashForgeResponseError),
        (b"", FlashForgeTimeoutError),
        (b"CMD M115 Received.\r\nMachine Type: A\r\n", FlashForgeTimeoutError),
    ],
)
async def test_released_after_error(
    connect: Connect, behaviour: bytes, error: type[Exception]
) -> None:
    """An error reply or a silent printer ends the session, released and closed."""
    peer, client = await connect({"M115": behaviour})
    with pytest.raises(error):
        await client.info()
    await ended(peer)
    assert peer.commands == ["M601 S1", "M115", "M602"]


async def test_released_on_cancellation(connect: Connect) -> None:
    """A caller that gives up still leaves the printer released and the connection closed."""
    peer, client = await connect({"M115": b""})
    task = asyncio.create_task(client.info())
    await peer.wait_for("M115")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await ended(peer)
    assert peer.commands == ["M601 S1", "M115", "M602"]


async def test_close_stops_the_operation(connect: Connect) -> None:
    """close() stops the operation in flight, which is released; later ones are refused."""
    peer, client = await connect({"M115": b""})
    task = asyncio.create_task(client.info())
    await peer.wait_for("M115")
    await client.close()
    with pytest.raises(FlashForgeClosedError):
        await task
    assert peer.commands == ["M601 S1", "M115", "M602"]
    with pytest.raises(FlashForgeClosedError):
        await client.info()


async def test_operations_one_at_a_time(connect: Connect) -> None:
    """Two operations of one client never overlap: the printer would refuse the second."""
    peer, client = await connect({"M115": capture("m115_5m_pro.txt")})
    await asyncio.gather(client.info(), client.info())
    assert peer.commands == ["M601 S1", "M115", "M602"] * 2


def stalled(reply: bytes) -> TcpBehaviour:
    """Return a behaviour that answers after most of the request timeout."""

    async def answer(writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(TIMEOUT * 0.7)
        writer.write(reply)

    return answer


async def test_waiting_operation_bounded(connect: Connect) -> None:
    """An operation waits for the one in flight no longer than the request timeout."""
    peer, client = await connect(
        {
            "M119": stalled(capture("m119_5m_idle.txt")),
            "M105": stalled(capture("m105_old.txt")),
            "M27": stalled(capture("m27_5m_idle.txt")),
        }
    )
    first = asyncio.create_task(client.state())
    await peer.wait_for("M119")
    # Each step of the first session is in time, the whole is not: the
    # second gives up instead of queueing without bound.
    with pytest.raises(FlashForgeInUseError):
        await client.info()
    assert (await first).status is MachineStatus.READY
    assert "M115" not in peer.commands


async def test_unreachable(socket_enabled: None) -> None:
    """A port nothing listens on is a connection error."""
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    async with FlashForgeTcpClient(
        "127.0.0.1", port=port, request_timeout=TIMEOUT
    ) as client:
        with pytest.raises(FlashForgeConnectionError):
            await client.info()


@pytest.mark.parametrize(
    ("refused", "sent"),
    [
        # M115 first: the Adventurer 3 would not answer motion commands.
        ("G1", ["M601 S1", "M115", "G91", "G1 X5 F600", "G90", "M602"]),
        ("G91", ["M601 S1", "M115", "G91", "M602"]),
    ],
)
async def test_refused_move_restores_absolute_positioning(
    connect: Connect, refused: str, sent: list[str]
) -> None:
    """A refused move still puts back absolute positioning, once relative was taken."""
    peer, client = await connect(
        {
            "M115": capture("m115_5m_pro.txt"),
            refused: tcp_reply(refused, "Error: printing"),
        }
    )
    with pytest.raises(FlashForgeResponseError, match="printing"):
        await client.move(x=5, feed_rate=600)
    await ended(peer)
    assert peer.commands == sent


async def test_gcode_text_is_one_line(connect: Connect) -> None:
    """A single string is sent as one line, not as its characters."""
    peer, client = await connect({"M105": capture("m105_old.txt")})
    assert await client.send_gcode("M105") == ["T0:22 /0 B:11/0"]
    await ended(peer)
    assert peer.commands == ["M601 S1", "M105", "M602"]
