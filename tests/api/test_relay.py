"""Tests for the MJPEG relay: one camera connection shared by every viewer."""

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from unittest.mock import patch

import aiohttp
import pytest

from custom_components.flashforge.api import FlashForgePrinter, relay as relay_module
from custom_components.flashforge.api.mjpeg import JPEG_START
from custom_components.flashforge.api.relay import (
    MAX_RECONNECTS,
    VIEWER_BUFFER_FRAMES,
    MjpegRelay,
)
from flashforge_emulator import Emulator

from ..fake_camera import fake_camera, number_of, numbered, part
from .test_upload import wait_until

type RelayFactory = Callable[..., MjpegRelay]


@pytest.fixture(autouse=True)
def fast_reconnect() -> Iterator[None]:
    """Let the relay retry without the real back-off."""
    with patch.object(relay_module, "RECONNECT_DELAY", 0.01):
        yield


@pytest.fixture
async def make_relay(socket_enabled: None) -> AsyncIterator[RelayFactory]:
    """Return a factory of relays on one session, closed after the test."""
    relays: list[MjpegRelay] = []
    async with aiohttp.ClientSession() as session:

        def factory(url: Callable[[], str | None], **options: Any) -> MjpegRelay:
            relay = MjpegRelay(
                session,
                url,
                asyncio.get_running_loop().create_task,
                name="test",
                **options,
            )
            relays.append(relay)
            return relay

        yield factory
        for relay in relays:
            await relay.async_close()


async def frames_without_end(connection: int) -> AsyncIterator[bytes]:
    """Send numbered frames, a hundred a second, until the client hangs up."""
    number = 0
    while True:
        number += 1
        yield part(numbered(number))
        await asyncio.sleep(0.01)


async def frames_then_silence(connection: int) -> AsyncIterator[bytes]:
    """Send frames 1 to 5, apart so that a reader keeps up, then blank lines."""
    for number in range(1, 6):
        yield part(numbered(number))
        await asyncio.sleep(0.05)
    while True:
        # A write is how the handler learns that the client hung up.
        yield b"\r\n"
        await asyncio.sleep(0.05)


async def one_frame_then_more(connection: int) -> AsyncIterator[bytes]:
    """End the first connection after one frame; stream the later ones."""
    if connection == 1:
        yield part(numbered(0))
        return
    async for chunk in frames_without_end(connection):
        yield chunk


async def nothing(connection: int) -> AsyncIterator[bytes]:
    """Answer a stream and end it at once."""
    yield b""


async def test_viewers_share_one_connection(make_relay: RelayFactory) -> None:
    """Viewers see the same frames over one connection, closed after the last leaves."""
    async with fake_camera(frames_without_end) as camera:
        relay = make_relay(lambda: camera.url)
        async with relay.subscribe() as first, relay.subscribe() as second:
            seen = [
                [await viewer.next_frame() for _ in range(5)]
                for viewer in (first, second)
            ]
            assert set(seen[0]) & set(seen[1]), "the viewers saw the same frames"
            # A still image comes from the running stream, without a connection of its own.
            image = await relay.snapshot()
            assert image is not None
            assert image.startswith(JPEG_START)
            assert camera.connections == camera.open_connections == 1
            async with relay.subscribe() as third:
                assert await third.next_frame() is not None
        await wait_until(lambda: camera.open_connections == 0)
        assert camera.connections == 1


async def test_slow_viewer_keeps_only_the_newest_frames(
    make_relay: RelayFactory,
) -> None:
    """A viewer that does not read keeps the newest few frames, not every one."""
    async with fake_camera(frames_then_silence) as camera:
        relay = make_relay(lambda: camera.url)
        async with relay.subscribe() as slow, relay.subscribe() as fast:
            fast_frames = [await fast.next_frame() for _ in range(5)]
            assert [number_of(frame or b"") for frame in fast_frames] == [1, 2, 3, 4, 5]
            kept = [await slow.next_frame() for _ in range(VIEWER_BUFFER_FRAMES)]
            assert [number_of(frame or b"") for frame in kept] == list(
                range(6 - VIEWER_BUFFER_FRAMES, 6)
            )
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.2):
                    await slow.next_frame()


async def test_stop_ends_every_viewer(make_relay: RelayFactory) -> None:
    """stop() ends the viewers' streams and closes the connection."""
    async with fake_camera(frames_without_end) as camera:
        relay = make_relay(lambda: camera.url)
        async with relay.subscribe() as first, relay.subscribe() as second:
            assert await first.next_frame() is not None
            relay.stop()
            async with asyncio.timeout(5):
                for viewer in (first, second):
                    while await viewer.next_frame() is not None:
                        pass
        await wait_until(lambda: camera.open_connections == 0)


async def test_reconnects_while_viewers_remain(make_relay: RelayFactory) -> None:
    """When the camera ends the stream the relay connects again; viewers go on."""
    async with fake_camera(one_frame_then_more) as camera:
        relay = make_relay(lambda: camera.url)
        async with relay.subscribe() as viewer:
            first = await viewer.next_frame()
            assert first is not None
            assert number_of(first) == 0
            later = [await viewer.next_frame() for _ in range(3)]
            assert all(frame is not None for frame in later)
            assert camera.connections == 2


async def test_gives_up_after_reconnects(
    make_relay: RelayFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """A camera that ends every stream at once is retried, then given up on."""
    async with fake_camera(nothing) as camera:
        relay = make_relay(lambda: camera.url)
        async with relay.subscribe() as viewer, asyncio.timeout(5):
            assert await viewer.next_frame() is None
        assert camera.connections == MAX_RECONNECTS + 1
        assert "the camera stream is unavailable (the stream ended)" in caplog.text
        # A new viewer starts afresh.
        async with relay.subscribe() as viewer, asyncio.timeout(5):
            assert await viewer.next_frame() is None
        assert camera.connections == 2 * (MAX_RECONNECTS + 1)


async def test_without_url(make_relay: RelayFactory) -> None:
    """Without a stream URL a viewer's stream ends at once."""
    relay = make_relay(lambda: None)
    async with relay.subscribe() as viewer:
        assert await viewer.next_frame() is None
    assert await relay.snapshot() is None


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/?action=snapshot", "not a multipart stream: 'image/jpeg'"),
        ("/?action=nothing", "HTTP 404"),
    ],
)
async def test_gives_up_on_a_non_stream(
    make_relay: RelayFactory,
    emulator: Emulator,
    caplog: pytest.LogCaptureFixture,
    path: str,
    reason: str,
) -> None:
    """An answer that is no MJPEG stream is retried, then given up on."""
    relay = make_relay(lambda: f"http://127.0.0.1:{emulator.camera_port}{path}")
    async with relay.subscribe() as viewer:
        assert await viewer.next_frame() is None
    assert f"the camera stream is unavailable ({reason})" in caplog.text


async def test_snapshot_times_out(make_relay: RelayFactory, emulator: Emulator) -> None:
    """A camera that sends no frame in time yields no image."""
    relay = make_relay(lambda: emulator.camera_url, snapshot_timeout=0.0)
    assert await relay.snapshot() is None


async def test_a_viewer_right_after_the_last_gets_frames(
    make_relay: RelayFactory, emulator: Emulator
) -> None:
    """Each new viewer gets frames, though the printer lets go of the last one late."""
    relay = make_relay(lambda: emulator.camera_url)
    for _ in range(3):
        async with relay.subscribe() as viewer, asyncio.timeout(5):
            assert await viewer.next_frame() is not None


async def test_printer_hands_out_a_relay(emulator: Emulator) -> None:
    """The printer object relays its camera, on a session of its own if it has none."""
    async with FlashForgePrinter(
        emulator.host, emulator.serial, emulator.check_code, port=emulator.port
    ) as printer:
        relay = printer.camera_relay(
            lambda: emulator.camera_url,
            asyncio.get_running_loop().create_task,
            name="test",
        )
        image = await relay.snapshot()
        assert image is not None
        assert image.startswith(JPEG_START)
        await relay.async_close()
