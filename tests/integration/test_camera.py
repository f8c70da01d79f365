"""Tests for the camera: one printer connection relayed to every viewer."""

import asyncio
from collections.abc import Awaitable, Callable, Iterator
import contextlib
import inspect
from unittest.mock import patch

import aiohttp
from aiohttp.test_utils import make_mocked_request
from homeassistant.components.camera import async_get_image
from homeassistant.components.camera.const import (
    DATA_COMPONENT,
    DOMAIN as CAMERA_DOMAIN,
    CameraState,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.flashforge import camera as camera_module
from custom_components.flashforge.api import relay as relay_module
from custom_components.flashforge.api.mjpeg import boundary_of
from custom_components.flashforge.camera import FlashForgeCamera
from custom_components.flashforge.const import DOMAIN
from flashforge_emulator import Emulator

from ..conftest import EmulatorFactory
from .conftest import entry_for


@pytest.fixture(autouse=True)
def camera_only() -> Iterator[None]:
    """Load only the camera platform."""
    with patch("custom_components.flashforge.PLATFORMS", [Platform.CAMERA]):
        yield


@pytest.fixture
def fast_reconnect() -> Iterator[None]:
    """Let the relay retry without the real back-off."""
    with patch.object(relay_module, "RECONNECT_DELAY", 0.01):
        yield


def camera_id(hass: HomeAssistant, emulator: Emulator) -> str:
    """Return the entity id of the printer's camera."""
    entity_id = er.async_get(hass).async_get_entity_id(
        CAMERA_DOMAIN, DOMAIN, f"{emulator.serial}_camera"
    )
    assert entity_id is not None
    return entity_id


@pytest.fixture
def entity_id(
    hass: HomeAssistant, init_integration: MockConfigEntry, emulator: Emulator
) -> str:
    """Set the 5M Pro up and return its camera's entity id."""
    return camera_id(hass, emulator)


def camera_entity(hass: HomeAssistant, entity_id: str) -> FlashForgeCamera:
    """Return the camera entity object."""
    entity = hass.data[DATA_COMPONENT].get_entity(entity_id)
    assert isinstance(entity, FlashForgeCamera)
    return entity


def is_on(camera: FlashForgeCamera) -> bool:
    """Return whether the camera is on, read afresh each time."""
    return camera.is_on


def streaming(emulator: Emulator) -> bool:
    """Return whether the printer's camera stream is on."""
    return emulator.printer.stream_on


async def camera_is_free(emulator: Emulator) -> bool:
    """Return whether the printer's camera takes a viewer of its own.

    It serves one viewer at a time: while the relay holds it, it answers 503.
    """
    assert emulator.camera_url is not None
    async with (
        aiohttp.ClientSession() as session,
        session.get(emulator.camera_url) as response,
    ):
        return response.status == 200


async def wait_for(condition: Callable[[], bool | Awaitable[bool]]) -> None:
    """Wait up to 5 s until condition() holds."""
    for _ in range(250):
        result = condition()
        if await result if inspect.isawaitable(result) else result:
            return
        await asyncio.sleep(0.02)
    pytest.fail("the condition did not come true")


async def read_frames(response: aiohttp.ClientResponse, count: int) -> list[bytes]:
    """Read JPEG frames from a multipart/x-mixed-replace response."""
    boundary = boundary_of(response.headers["Content-Type"]).encode()
    frames: list[bytes] = []
    async with asyncio.timeout(10):
        while len(frames) < count:
            line = await response.content.readline()
            if not line:
                raise ConnectionError("the stream ended")
            if not line.strip():
                continue
            assert line.strip() == b"--" + boundary
            headers: dict[str, str] = {}
            while (line := await response.content.readline()).strip():
                key, value = line.decode().split(":", 1)
                headers[key.strip().lower()] = value.strip()
            assert headers["content-type"] == "image/jpeg"
            length = int(headers["content-length"])
            frames.append(await response.content.readexactly(length))
    return frames


async def stream_ends(response: aiohttp.ClientResponse) -> None:
    """Read until the stream ends; fail if it goes on for long."""
    async with asyncio.timeout(5):
        with contextlib.suppress(aiohttp.ClientError):
            while await response.content.read(65536):
                pass


# Entities


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_snapshot(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """The 5M Pro has a camera that can be turned on and off."""
    await snapshot_platform(
        hass,
        entity_registry,
        snapshot.with_defaults(exclude=props("access_token", "entity_picture")),
        init_integration.entry_id,
    )


@pytest.mark.parametrize("model", ["5m", "ad5x"])
async def test_no_camera(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    emulator_factory: EmulatorFactory,
    model: str,
) -> None:
    """Printers without a built-in camera get no camera entity."""
    async with emulator_factory(model, command_seconds=0) as emu:
        entry = entry_for(emu)
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()

        assert not er.async_entries_for_config_entry(entity_registry, entry.entry_id)
        assert await hass.config_entries.async_unload(entry.entry_id)


async def test_no_address_in_state(
    hass: HomeAssistant, init_integration: MockConfigEntry, emulator: Emulator
) -> None:
    """The state carries HA's token and picture link, never the printer's address."""
    state = hass.states.get(camera_id(hass, emulator))
    assert state is not None
    assert set(state.attributes) == {
        "access_token",
        "entity_picture",
        "friendly_name",
        "supported_features",
    }
    text = str(state.attributes)
    assert emulator.host not in text
    assert str(emulator.camera_port) not in text


# Viewers


async def watch(
    hass_client: ClientSessionGenerator, entity_id: str
) -> aiohttp.ClientResponse:
    """Open the camera's stream through Home Assistant and read its first frame."""
    client = await hass_client()
    response = await client.get(f"/api/camera_proxy_stream/{entity_id}")
    assert response.status == 200
    await read_frames(response, 1)
    return response


async def test_two_viewers_share_one_connection(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    entity_id: str,
    emulator: Emulator,
) -> None:
    """Two viewers watch at once over one printer connection, closed after them."""
    client = await hass_client()
    url = f"/api/camera_proxy_stream/{entity_id}"

    first, second = await asyncio.gather(client.get(url), client.get(url))
    assert first.status == second.status == 200
    # The printer answers 503 to a second viewer: both watching proves the relay.
    frames = await asyncio.gather(read_frames(first, 5), read_frames(second, 5))
    assert all(frame.startswith(b"\xff\xd8") for frame in frames[0] + frames[1])
    assert set(frames[0]) & set(frames[1]), "the viewers saw the same frames"
    assert not await camera_is_free(emulator)

    # A still image comes from the running stream, without a connection of its own.
    image = await async_get_image(hass, entity_id)
    assert image.content_type == "image/jpeg"
    assert image.content.startswith(b"\xff\xd8")

    first.close()
    assert len(await read_frames(second, 2)) == 2  # the other viewer goes on
    second.close()
    await wait_for(lambda: camera_is_free(emulator))


async def test_streaming_while_viewers_watch(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    entity_id: str,
) -> None:
    """The camera is streaming while any viewer is served, idle before and after."""

    def state() -> str:
        camera = hass.states.get(entity_id)
        assert camera is not None
        return camera.state

    assert state() == CameraState.IDLE
    # A still image is no stream.
    await async_get_image(hass, entity_id)
    assert state() == CameraState.IDLE

    first = await watch(hass_client, entity_id)
    assert state() == CameraState.STREAMING
    second = await watch(hass_client, entity_id)

    first.close()
    assert len(await read_frames(second, 2)) == 2
    assert state() == CameraState.STREAMING
    second.close()
    await wait_for(lambda: state() == CameraState.IDLE)


async def test_still_image(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    entity_id: str,
    emulator: Emulator,
) -> None:
    """With nobody watching, a still image opens the stream for one frame."""
    client = await hass_client()

    response = await client.get(f"/api/camera_proxy/{entity_id}")
    assert response.status == 200
    assert response.content_type == "image/jpeg"
    assert (await response.read()).startswith(b"\xff\xd8")

    # Right away again: the relay retries while the printer lets go of the last one.
    image = await async_get_image(hass, entity_id)
    assert image.content.startswith(b"\xff\xd8")
    await wait_for(lambda: camera_is_free(emulator))


async def test_stream_off(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    entity_id: str,
    emulator: Emulator,
) -> None:
    """While the stream is off the camera says so at once, and turns it back on."""
    camera = camera_entity(hass, entity_id)
    assert is_on(camera)

    await hass.services.async_call(
        CAMERA_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )
    assert not streaming(emulator)
    assert emulator.commands[-1].cmd == "streamCtrl_cmd"
    assert emulator.commands[-1].args == {"action": "close"}
    assert not is_on(camera)

    client = await hass_client()
    async with asyncio.timeout(2):
        response = await client.get(f"/api/camera_proxy_stream/{entity_id}")
        assert response.status == 503
        response = await client.get(f"/api/camera_proxy/{entity_id}")
        assert response.status == 503
        with pytest.raises(HomeAssistantError) as err:
            await camera.async_camera_image()
        assert err.value.translation_key == "camera_off"
        assert (
            await camera.handle_async_mjpeg_stream(make_mocked_request("GET", "/"))
            is None
        )

    await hass.services.async_call(
        CAMERA_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )
    assert streaming(emulator)
    assert emulator.commands[-1].args == {"action": "open"}
    assert is_on(camera)
    image = await async_get_image(hass, entity_id)
    assert image.content.startswith(b"\xff\xd8")


async def turn_off(hass: HomeAssistant, entry: MockConfigEntry, entity_id: str) -> None:
    """Turn the camera's stream off."""
    await hass.services.async_call(
        CAMERA_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


async def unload(hass: HomeAssistant, entry: MockConfigEntry, entity_id: str) -> None:
    """Unload the printer's entry."""
    assert await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize(
    ("end", "camera_listens"),
    [(turn_off, False), (unload, True)],
    ids=["turned off", "unloaded"],
)
async def test_viewers_end(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    entity_id: str,
    emulator: Emulator,
    end: Callable[[HomeAssistant, MockConfigEntry, str], Awaitable[None]],
    camera_listens: bool,
) -> None:
    """Turning the stream off or unloading the entry ends the viewers' streams at once."""
    response = await watch(hass_client, entity_id)

    await end(hass, init_integration, entity_id)
    await stream_ends(response)
    if camera_listens:
        # The relay let go of the printer's camera.
        await wait_for(lambda: camera_is_free(emulator))


async def test_reconnects_while_viewers_remain(
    hass_client: ClientSessionGenerator,
    entity_id: str,
    emulator: Emulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """When the printer drops the stream, the relay reconnects; viewers go on."""
    response = await watch(hass_client, entity_id)

    # The printer ends the running stream and answers 503 for a moment.
    emulator.printer.stream_on = False
    await wait_for(lambda: "camera stream dropped" in caplog.text)
    emulator.printer.stream_on = True

    frames = await read_frames(response, 3)
    assert len(frames) == 3
    assert not await camera_is_free(emulator)
    response.close()


@pytest.mark.usefixtures("fast_reconnect")
async def test_viewers_end_when_the_camera_stays_away(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    entity_id: str,
    emulator: Emulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """After several failed reconnects the viewers' streams end."""
    camera = camera_entity(hass, entity_id)
    response = await watch(hass_client, entity_id)

    emulator.printer.stream_on = False
    await stream_ends(response)
    assert "the camera stream is unavailable (HTTP 503)" in caplog.text

    # Nothing to relay: a new viewer gets an error, not a hanging stream.
    client = await hass_client()
    response = await client.get(f"/api/camera_proxy_stream/{entity_id}")
    assert response.status == 502
    assert await camera.async_camera_image() is None


async def test_offline_printer(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_id: str,
    emulator: Emulator,
) -> None:
    """While the printer is unreachable the camera has no image."""
    camera = camera_entity(hass, entity_id)
    await emulator.go_offline()
    await init_integration.runtime_data.async_refresh()
    assert not camera.available

    assert await camera.async_camera_image() is None
    assert (
        await camera.handle_async_mjpeg_stream(make_mocked_request("GET", "/")) is None
    )


async def test_no_first_frame(
    hass_client: ClientSessionGenerator,
    entity_id: str,
    emulator: Emulator,
) -> None:
    """A viewer gets an error, not a hanging stream, if no frame comes in time."""
    client = await hass_client()
    with patch.object(camera_module, "FIRST_FRAME_TIMEOUT", 0):
        response = await client.get(f"/api/camera_proxy_stream/{entity_id}")
    assert response.status == 502
    await wait_for(lambda: camera_is_free(emulator))
