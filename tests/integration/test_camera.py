"""Tests for the camera: one printer connection relayed to every viewer."""

import asyncio
from collections.abc import Callable, Iterator
import contextlib
from unittest.mock import patch

import aiohttp
from aiohttp.test_utils import make_mocked_request
from homeassistant.components.camera import async_get_image
from homeassistant.components.camera.const import (
    DATA_COMPONENT,
    DOMAIN as CAMERA_DOMAIN,
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
from homeassistant.helpers.aiohttp_client import async_get_clientsession
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.flashforge import camera as camera_module
from custom_components.flashforge.camera import (
    MAX_HEADER_BYTES,
    MAX_SKIPPED_PARTS,
    VIEWER_BUFFER_FRAMES,
    FlashForgeCamera,
    MjpegError,
    MjpegParser,
    MjpegRelay,
    boundary_of,
)
from custom_components.flashforge.const import DOMAIN
from flashforge_emulator import Emulator

from ..conftest import EmulatorFactory
from .conftest import entry_for

# Start of image, an APP0 marker, end of image: what the parser takes for a JPEG.
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16 + b"\xff\xd9"
OTHER_JPEG = JPEG[:4] + b"\x01" * 16 + JPEG[-2:]


@pytest.fixture(autouse=True)
def camera_only() -> Iterator[None]:
    """Load only the camera platform."""
    with patch("custom_components.flashforge.PLATFORMS", [Platform.CAMERA]):
        yield


@pytest.fixture
def fast_reconnect() -> Iterator[None]:
    """Let the relay retry without the real back-off."""
    with patch.object(camera_module, "RECONNECT_DELAY", 0.01):
        yield


def camera_id(hass: HomeAssistant, emulator: Emulator) -> str:
    """Return the entity id of the printer's camera."""
    entity_id = er.async_get(hass).async_get_entity_id(
        CAMERA_DOMAIN, DOMAIN, f"{emulator.serial}_camera"
    )
    assert entity_id is not None
    return entity_id


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


def upstream_connections(emulator: Emulator) -> int:
    """Return how many connections the printer's camera port has open."""
    assert emulator._camera is not None
    server = emulator._camera._runner.server
    return 0 if server is None else len(server.connections)


async def wait_for(condition: Callable[[], bool]) -> None:
    """Wait up to 5 s until condition() holds."""
    for _ in range(250):
        if condition():
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


def make_relay(hass: HomeAssistant, url: Callable[[], str | None]) -> MjpegRelay:
    """Return a relay on the shared session, its reader a background task."""
    return MjpegRelay(
        async_get_clientsession(hass),
        url,
        lambda reader: hass.async_create_background_task(
            reader, "test relay", eager_start=False
        ),
        name="test",
    )


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


async def test_two_viewers_share_one_connection(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    emulator: Emulator,
) -> None:
    """Two viewers watch at once over one printer connection, closed after them."""
    entity_id = camera_id(hass, emulator)
    camera = camera_entity(hass, entity_id)
    client = await hass_client()
    url = f"/api/camera_proxy_stream/{entity_id}"

    first, second = await asyncio.gather(client.get(url), client.get(url))
    assert first.status == second.status == 200
    # The printer answers 503 to a second viewer: both watching proves the relay.
    frames = await asyncio.gather(read_frames(first, 5), read_frames(second, 5))
    assert all(frame.startswith(b"\xff\xd8") for frame in frames[0] + frames[1])
    assert set(frames[0]) & set(frames[1]), "the viewers saw the same frames"
    assert upstream_connections(emulator) == 1
    assert camera._relay.viewer_count == 2

    # A still image comes from the running stream, without a connection of its own.
    image = await async_get_image(hass, entity_id)
    assert image.content_type == "image/jpeg"
    assert image.content.startswith(b"\xff\xd8")

    first.close()
    assert len(await read_frames(second, 2)) == 2  # the other viewer goes on
    assert upstream_connections(emulator) == 1
    second.close()

    await wait_for(lambda: not camera._relay.running)
    await wait_for(lambda: upstream_connections(emulator) == 0)
    camera_server = emulator._camera
    assert camera_server is not None
    await wait_for(lambda: not camera_server._viewer_active)


async def test_still_image(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    emulator: Emulator,
) -> None:
    """With nobody watching, a still image opens the stream for one frame."""
    entity_id = camera_id(hass, emulator)
    camera = camera_entity(hass, entity_id)
    client = await hass_client()

    response = await client.get(f"/api/camera_proxy/{entity_id}")
    assert response.status == 200
    assert response.content_type == "image/jpeg"
    assert (await response.read()).startswith(b"\xff\xd8")
    assert not camera._relay.running
    await wait_for(lambda: upstream_connections(emulator) == 0)

    # Right away again: the relay retries while the printer lets go of the last one.
    image = await async_get_image(hass, entity_id)
    assert image.content.startswith(b"\xff\xd8")


async def test_stream_off(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    emulator: Emulator,
) -> None:
    """While the stream is off the camera says so at once, and turns it back on."""
    entity_id = camera_id(hass, emulator)
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


async def test_viewers_end_when_turned_off(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    emulator: Emulator,
) -> None:
    """Turning the stream off ends the viewers' streams right away."""
    entity_id = camera_id(hass, emulator)
    camera = camera_entity(hass, entity_id)
    client = await hass_client()
    response = await client.get(f"/api/camera_proxy_stream/{entity_id}")
    await read_frames(response, 1)

    await hass.services.async_call(
        CAMERA_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )
    await stream_ends(response)
    assert not camera._relay.running


async def test_reconnects_while_viewers_remain(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    emulator: Emulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """When the printer drops the stream, the relay reconnects; viewers go on."""
    entity_id = camera_id(hass, emulator)
    client = await hass_client()
    response = await client.get(f"/api/camera_proxy_stream/{entity_id}")
    await read_frames(response, 1)

    # The printer ends the running stream and answers 503 for a moment.
    emulator.printer.stream_on = False
    await wait_for(lambda: "camera stream dropped" in caplog.text)
    emulator.printer.stream_on = True

    frames = await read_frames(response, 3)
    assert len(frames) == 3
    assert upstream_connections(emulator) == 1
    response.close()


@pytest.mark.usefixtures("fast_reconnect")
async def test_viewers_end_when_the_camera_stays_away(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    emulator: Emulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """After several failed reconnects the viewers' streams end."""
    entity_id = camera_id(hass, emulator)
    camera = camera_entity(hass, entity_id)
    client = await hass_client()
    response = await client.get(f"/api/camera_proxy_stream/{entity_id}")
    await read_frames(response, 1)

    emulator.printer.stream_on = False
    await stream_ends(response)
    assert "the camera stream is unavailable (HTTP 503)" in caplog.text
    assert not camera._relay.running

    # Nothing to relay: a new viewer gets an error, not a hanging stream.
    response = await client.get(f"/api/camera_proxy_stream/{entity_id}")
    assert response.status == 502
    assert await camera.async_camera_image() is None


async def test_unload_ends_viewers(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    emulator: Emulator,
) -> None:
    """Unloading the entry closes the printer connection and ends the streams."""
    entity_id = camera_id(hass, emulator)
    camera = camera_entity(hass, entity_id)
    client = await hass_client()
    response = await client.get(f"/api/camera_proxy_stream/{entity_id}")
    await read_frames(response, 1)

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await stream_ends(response)
    assert not camera._relay.running
    await wait_for(lambda: upstream_connections(emulator) == 0)


async def test_offline_printer(
    hass: HomeAssistant, init_integration: MockConfigEntry, emulator: Emulator
) -> None:
    """While the printer is unreachable the camera has no image."""
    entity_id = camera_id(hass, emulator)
    camera = camera_entity(hass, entity_id)
    await emulator.go_offline()
    await init_integration.runtime_data.async_refresh()
    assert not camera.available

    assert await camera.async_camera_image() is None
    assert (
        await camera.handle_async_mjpeg_stream(make_mocked_request("GET", "/")) is None
    )


# The relay on its own


async def test_slow_viewer_does_not_hold_others(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """A viewer that does not read keeps only the newest few frames."""
    relay = make_relay(hass, lambda: emulator.camera_url)
    async with relay.subscribe() as slow, relay.subscribe() as fast:
        for _ in range(VIEWER_BUFFER_FRAMES + 3):
            assert await fast.next_frame() is not None
        assert len(slow._frames) == VIEWER_BUFFER_FRAMES
        assert await slow.next_frame() is not None
    await relay.async_close()
    assert not relay.running


async def test_relay_without_url(hass: HomeAssistant) -> None:
    """Without a stream URL a viewer's stream ends at once."""
    relay = make_relay(hass, lambda: None)
    async with relay.subscribe() as viewer:
        assert await viewer.next_frame() is None
    assert await relay.snapshot() is None
    await relay.async_close()


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/?action=snapshot", "not a multipart stream: 'image/jpeg'"),
        ("/?action=nothing", "HTTP 404"),
    ],
)
@pytest.mark.usefixtures("fast_reconnect")
async def test_relay_gives_up_on_a_non_stream(
    hass: HomeAssistant,
    emulator: Emulator,
    caplog: pytest.LogCaptureFixture,
    path: str,
    reason: str,
) -> None:
    """An answer that is no MJPEG stream is retried, then given up on."""
    relay = make_relay(hass, lambda: f"http://127.0.0.1:{emulator.camera_port}{path}")
    async with relay.subscribe() as viewer:
        assert await viewer.next_frame() is None
    assert f"the camera stream is unavailable ({reason})" in caplog.text
    await relay.async_close()


async def test_snapshot_times_out(hass: HomeAssistant, emulator: Emulator) -> None:
    """A camera that sends no frame in time yields no image."""
    relay = MjpegRelay(
        async_get_clientsession(hass),
        lambda: emulator.camera_url,
        lambda reader: hass.async_create_background_task(
            reader, "test relay", eager_start=False
        ),
        name="test",
        snapshot_timeout=0.0,
    )
    assert await relay.snapshot() is None
    await relay.async_close()


async def test_new_viewer_waits_for_the_old_connection(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """A viewer right after the last one left waits for its connection to close."""
    relay = make_relay(hass, lambda: emulator.camera_url)
    async with relay.subscribe() as viewer:
        assert await viewer.next_frame() is not None
    async with relay.subscribe() as viewer:
        assert await viewer.next_frame() is not None
    await relay.async_close()


# The MJPEG parser


def part(body: bytes, *, length: bool = True, delimiter: bytes = b"--b") -> bytes:
    """Return one multipart part."""
    head = b"Content-Type: image/jpeg\r\n"
    if length:
        head += b"Content-Length: %d\r\n" % len(body)
    return delimiter + b"\r\n" + head + b"\r\n" + body + b"\r\n"


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


@pytest.mark.parametrize(
    ("prefix", "line"),
    [
        # Header lines under a cap large enough not to end them.
        (b"--b\r\n", b"X-Pad: 1\r\n"),
        # A body without length, waiting for the next delimiter.
        (b"--b\r\n\r\n" + JPEG, b"\x00-\r\n-"),
        # A preamble without a delimiter.
        (b"", b"--a\r\n"),
    ],
    ids=["header lines", "body without length", "preamble"],
)
@pytest.mark.parametrize("size", [1, 5, 64])
def test_parser_work_is_linear(prefix: bytes, line: bytes, size: int) -> None:
    """The bytes searched grow with the bytes fed, not with their square."""
    limit = 1 << 20
    parser = MjpegParser("b", max_frame_bytes=limit, max_header_bytes=limit)
    chunks = endless(prefix, line, size)
    fed = feeds = 0
    for total in (20_000, 80_000):  # N, then 4N
        while fed < total:
            fed += len(chunk := next(chunks))
            feeds += 1
            assert parser.feed(chunk) == []
        # Each search reads what arrived, plus what may be a split delimiter.
        assert fed - len(prefix) <= parser.scanned <= fed + feeds * len(b"--b")


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


async def test_no_first_frame(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    emulator: Emulator,
) -> None:
    """A viewer gets an error, not a hanging stream, if no frame comes in time."""
    entity_id = camera_id(hass, emulator)
    client = await hass_client()
    with patch.object(camera_module, "FIRST_FRAME_TIMEOUT", 0):
        response = await client.get(f"/api/camera_proxy_stream/{entity_id}")
    assert response.status == 502
    await wait_for(lambda: not camera_entity(hass, entity_id)._relay.running)
