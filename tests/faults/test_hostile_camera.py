"""A camera that floods, or sends what is no image, through Home Assistant's proxy.

The printer (the emulator, without a camera of its own) reports the stream of
a fake camera on loopback, so every byte goes through the relay and Home
Assistant's camera views as it would from a hostile device on the LAN.
"""

import asyncio
from collections.abc import AsyncIterator, Iterator
import contextlib
import time
from typing import Self
from unittest.mock import patch

from homeassistant.components.camera import async_get_image
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.flashforge.api import relay as relay_module
from custom_components.flashforge.api.mjpeg import MAX_SKIPPED_PARTS
from custom_components.flashforge.api.relay import MAX_RECONNECTS

from ..conftest import EmulatorFactory
from ..fake_camera import (
    JPEG,
    FakeCamera,
    Script,
    fake_camera,
    number_of,
    numbered,
    part,
)
from ..integration.conftest import setup_platform
from ..integration.test_camera import camera_id, read_frames, stream_ends

HTML = b"<!DOCTYPE html><html><body><form>login</form></body></html>"
SCRIPT = b"<script>fetch('/api/')</script>"
# Generous: the harness is slow, a blocked loop is not.
MAX_LOOP_LAG = 1.0


@pytest.fixture(autouse=True)
def fast_reconnect() -> Iterator[None]:
    """Let the relay retry without the real back-off."""
    with patch.object(relay_module, "RECONNECT_DELAY", 0.01):
        yield


async def header_lines(connection: int) -> AsyncIterator[bytes]:
    """Send one frame on the first connection, then header lines without end."""
    if connection == 1:
        yield part(JPEG)
    yield b"--b\r\nContent-Type: image/jpeg\r\n"
    while True:
        # Small writes, read in small pieces: the case that made parsing quadratic.
        yield b"X-Pad: 1\r\n" * 16
        await asyncio.sleep(0)


async def pages_and_frames(connection: int) -> AsyncIterator[bytes]:
    """Send pages and scripts as parts between numbered frames, without end."""
    number = 0
    while True:
        number += 1
        yield part(HTML, "text/html")
        yield part(numbered(number))
        yield part(SCRIPT, "image/jpeg")
        await asyncio.sleep(0.01)


async def pages_only(connection: int) -> AsyncIterator[bytes]:
    """Send nothing but pages, as fast as they are taken."""
    while True:
        yield part(HTML, "image/jpeg")
        await asyncio.sleep(0)


class LoopLag:
    """Measure, within the block, the longest the event loop was kept from a sleep."""

    def __init__(self) -> None:
        """Measure nothing yet."""
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Self:
        """Start measuring."""
        self._task = asyncio.create_task(self._watch())
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Stop measuring."""
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

    async def _watch(self) -> None:
        """Sleep briefly over and over, noting how late each wake-up came."""
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            self.worst = max(self.worst, time.perf_counter() - before - 0.005)


@contextlib.asynccontextmanager
async def watch(
    hass: HomeAssistant, emulator_factory: EmulatorFactory, script: Script
) -> AsyncIterator[tuple[FakeCamera, str]]:
    """Set up a printer whose camera is the fake one; yield it and the entity id."""
    async with (
        fake_camera(script) as camera,
        emulator_factory(camera_port=None, command_seconds=0) as emulator,
    ):
        emulator.core.camera_port = camera.port
        entry = await setup_platform(hass, emulator, Platform.CAMERA)
        yield camera, camera_id(hass, emulator)
        assert await hass.config_entries.async_unload(entry.entry_id)


async def test_endless_part_headers_end_the_stream(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    emulator_factory: EmulatorFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Header lines without end are cut off at the cap, the loop never blocked."""
    async with watch(hass, emulator_factory, header_lines) as (camera, entity_id):
        client = await hass_client()
        async with LoopLag() as lag:
            response = await client.get(f"/api/camera_proxy_stream/{entity_id}")
            assert response.status == 200
            assert await read_frames(response, 1) == [JPEG]
            # Each connection is refused at the cap; the viewer's stream then ends.
            await stream_ends(response)
        assert lag.worst < MAX_LOOP_LAG
        assert camera.connections == MAX_RECONNECTS + 1
        assert "bytes before a part's body" in caplog.text


async def test_only_jpeg_parts_reach_viewers(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    emulator_factory: EmulatorFactory,
) -> None:
    """Pages and scripts between the frames are dropped, the frames relayed."""
    async with watch(hass, emulator_factory, pages_and_frames) as (camera, entity_id):
        client = await hass_client()
        # With nobody watching, a still image skips the page the stream starts with.
        response = await client.get(f"/api/camera_proxy/{entity_id}")
        assert response.status == 200
        assert response.content_type == "image/jpeg"
        assert await response.read() == numbered(1)

        response = await client.get(f"/api/camera_proxy_stream/{entity_id}")
        assert response.status == 200
        frames = await read_frames(response, 5)
        numbers = [number_of(frame) for frame in frames]
        assert frames == [numbered(number) for number in numbers]
        assert numbers == sorted(set(numbers))
        image = await async_get_image(hass, entity_id)
        assert image.content.startswith(JPEG[:4])
        response.close()
        assert camera.connections >= 1


async def test_a_camera_of_pages_gives_viewers_no_page(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    emulator_factory: EmulatorFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A stream of nothing but pages is refused: viewers get an error, not a page."""
    async with watch(hass, emulator_factory, pages_only) as (camera, entity_id):
        client = await hass_client()
        async with asyncio.timeout(10):
            response = await client.get(f"/api/camera_proxy_stream/{entity_id}")
        assert response.status == 502
        assert HTML not in await response.read()
        assert camera.connections == MAX_RECONNECTS + 1
        assert f"{MAX_SKIPPED_PARTS + 1} parts in a row are not JPEG images" in (
            caplog.text
        )
