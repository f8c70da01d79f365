"""The printer's built-in camera, shared by every viewer over one connection."""

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
import re
from typing import Any, override

import aiohttp
from aiohttp import hdrs, web
from homeassistant.components.camera import Camera, CameraEntityDescription
from homeassistant.components.camera.const import CameraEntityFeature
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import ENCLOSED_PIDS
from .const import DOMAIN, LOGGER
from .coordinator import FlashForgeConfigEntry, FlashForgeCoordinator
from .entity import FlashForgeEntity
from .helpers import flashforge_exception_handler

PARALLEL_UPDATES = 1

# Frames a viewer may fall behind by; older ones are dropped, not queued.
VIEWER_BUFFER_FRAMES = 2
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
UPSTREAM_TIMEOUT = aiohttp.ClientTimeout(total=None, connect=10, sock_read=10)
# Reconnects in a row without a frame before the viewers are let go.
MAX_RECONNECTS = 5
RECONNECT_DELAY = 0.25  # seconds, doubled per failed attempt
MAX_RECONNECT_DELAY = 4.0
# Below core's 10 s limit, so a stuck camera yields no image, not a cancel.
SNAPSHOT_TIMEOUT = 8.0
FIRST_FRAME_TIMEOUT = 10.0
WRITE_TIMEOUT = 10.0
BOUNDARY = "frame"

_BOUNDARY_PARAM = re.compile(r'boundary="?([^";,\s]+)"?', re.IGNORECASE)
_HEADER_END = re.compile(rb"\r?\n\r?\n")
# Longest match of _HEADER_END, less one: how far a resumed search backs up.
_HEADER_END_OVERLAP = 3
_CONTENT_LENGTH = re.compile(rb"^content-length:\s*(\d+)\s*$", re.IGNORECASE | re.M)

CAMERA = CameraEntityDescription(key="camera", translation_key="camera")


class MjpegError(Exception):
    """The camera sent something that is not an MJPEG stream."""


def boundary_of(content_type: str) -> str:
    """Return the multipart boundary a Content-Type header declares."""
    if not content_type.lower().startswith("multipart/") or not (
        match := _BOUNDARY_PARAM.search(content_type)
    ):
        raise MjpegError(f"not a multipart stream: {content_type!r}")
    # Some cameras declare the boundary with the dashes of the delimiter.
    return match.group(1).removeprefix("--")


class MjpegParser:
    """Split a multipart/x-mixed-replace byte stream into its JPEG frames.

    Each search resumes where the last one stopped, so the work is linear in
    the bytes fed however they are split; ``scanned`` counts the bytes the
    searches have read, to show it.
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
        self.scanned = 0

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
        self.scanned += (end.end() if end else len(buffer)) - self._resume
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
        self.scanned += (
            found + len(self._delimiter) if found >= 0 else len(buffer)
        ) - self._resume
        if found < 0:
            self._resume = max(0, len(buffer) - len(self._delimiter) + 1)
        return found

    def _check_head(self, pending: int) -> None:
        """Refuse a part whose delimiter and headers exceed the cap."""
        if self._head_bytes + pending > self._max_header:
            raise MjpegError(f"more than {self._max_header} bytes before a part's body")


class MjpegViewer:
    """One viewer's frames: a short buffer that drops the oldest when full."""

    def __init__(self, size: int) -> None:
        """Start empty."""
        self._frames: deque[bytes] = deque(maxlen=size)
        self._ready = asyncio.Event()
        self._ended = False

    def push(self, frame: bytes) -> None:
        """Add a frame, dropping the oldest if the viewer lags."""
        self._frames.append(frame)
        self._ready.set()

    def end(self) -> None:
        """Tell the viewer no more frames come."""
        self._ended = True
        self._ready.set()

    async def next_frame(self) -> bytes | None:
        """Return the next frame, None once the stream has ended."""
        while not self._frames:
            if self._ended:
                return None
            self._ready.clear()
            await self._ready.wait()
        return self._frames.popleft()


class MjpegRelay:
    """Share one upstream MJPEG connection among any number of viewers.

    The upstream is opened for the first viewer and closed when the last one
    leaves. If it drops while viewers remain, the relay reconnects; after
    ``MAX_RECONNECTS`` attempts in a row without a frame, or once the URL is
    gone, the viewers' streams end.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: Callable[[], str | None],
        start_task: Callable[[Coroutine[Any, Any, None]], asyncio.Task[None]],
        *,
        name: str,
        buffer_frames: int = VIEWER_BUFFER_FRAMES,
        snapshot_timeout: float = SNAPSHOT_TIMEOUT,
    ) -> None:
        """Read frames from ``url()`` over ``session`` once someone watches.

        ``start_task`` runs the upstream reader; it must not start it eagerly.
        """
        self._start_task = start_task
        self._session = session
        self._url = url
        self._name = name
        self._buffer_frames = buffer_frames
        self._snapshot_timeout = snapshot_timeout
        self._viewers: set[MjpegViewer] = set()
        self._task: asyncio.Task[None] | None = None
        self._stopping: asyncio.Task[None] | None = None
        self._latest: bytes | None = None
        self._failures = 0

    @property
    def viewer_count(self) -> int:
        """Return how many viewers are attached."""
        return len(self._viewers)

    @property
    def running(self) -> bool:
        """Return whether the upstream is open or being opened."""
        return self._task is not None

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[MjpegViewer]:
        """Attach a viewer for the duration of the block."""
        if self._stopping is not None and not self._stopping.done():
            # The camera serves one connection: let the last one close first.
            await asyncio.wait([self._stopping])
        viewer = MjpegViewer(self._buffer_frames)
        self._viewers.add(viewer)
        if self._task is None:
            self._failures = 0
            self._task = self._start_task(self._run())
        try:
            yield viewer
        finally:
            self._leave(viewer)

    async def snapshot(self) -> bytes | None:
        """Return the latest frame, opening the upstream briefly if needed."""
        timeout = self._snapshot_timeout
        if self._task is not None and self._latest is not None:
            return self._latest
        async with self.subscribe() as viewer:
            try:
                async with asyncio.timeout(timeout):
                    return await viewer.next_frame()
            except TimeoutError:
                LOGGER.debug("%s: no camera frame within %s s", self._name, timeout)
                return None

    @callback
    def stop(self) -> None:
        """End every viewer's stream and close the upstream."""
        viewers, self._viewers = self._viewers, set()
        for viewer in viewers:
            viewer.end()
        self._stop_task()

    async def async_close(self) -> None:
        """Stop, and wait until the upstream connection is closed."""
        self.stop()
        if self._stopping is not None:
            await asyncio.wait([self._stopping])

    def _leave(self, viewer: MjpegViewer) -> None:
        """Detach a viewer; close the upstream after the last one."""
        self._viewers.discard(viewer)
        if not self._viewers:
            self._stop_task()

    def _stop_task(self) -> None:
        """Cancel the upstream reader, remembering it until it has finished."""
        if (task := self._task) is None:
            return
        self._task = None
        self._latest = None
        task.cancel()
        self._stopping = task

    def _publish(self, frame: bytes) -> None:
        """Hand a frame to every viewer."""
        self._failures = 0
        self._latest = frame
        for viewer in self._viewers:
            viewer.push(frame)

    async def _run(self) -> None:
        """Read the upstream while viewers remain, reconnecting after drops."""
        try:
            while (url := self._url()) is not None:
                try:
                    await self._read(url)
                    reason = "the stream ended"
                except (aiohttp.ClientError, TimeoutError, MjpegError) as err:
                    reason = str(err) or type(err).__name__
                self._failures += 1
                self._latest = None
                if self._failures > MAX_RECONNECTS:
                    LOGGER.warning(
                        "%s: the camera stream is unavailable (%s)", self._name, reason
                    )
                    break
                LOGGER.debug("%s: camera stream dropped (%s)", self._name, reason)
                await asyncio.sleep(
                    min(
                        RECONNECT_DELAY * 2 ** (self._failures - 1), MAX_RECONNECT_DELAY
                    )
                )
        finally:
            if self._task is asyncio.current_task():
                # It ended by itself, not through stop(): let the viewers go.
                self._task = None
                self.stop()

    async def _read(self, url: str) -> None:
        """Read frames from one upstream connection until it ends."""
        async with self._session.get(url, timeout=UPSTREAM_TIMEOUT) as response:
            try:
                if response.status != 200:
                    raise MjpegError(f"HTTP {response.status}")
                parser = MjpegParser(
                    boundary_of(response.headers.get(hdrs.CONTENT_TYPE, ""))
                )
                async for chunk in response.content.iter_any():
                    for frame in parser.feed(chunk):
                        self._publish(frame)
            finally:
                # The body never ends by itself: close rather than pool it.
                response.close()


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FlashForgeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the camera of printers that have one."""
    coordinator = entry.runtime_data
    detail = coordinator.data
    if detail.pid in ENCLOSED_PIDS or detail.camera_stream_url is not None:
        async_add_entities([FlashForgeCamera(coordinator, CAMERA)])


class FlashForgeCamera(FlashForgeEntity, Camera):
    """The printer's camera, relayed so that many can watch at once."""

    _attr_supported_features = CameraEntityFeature.ON_OFF

    def __init__(
        self, coordinator: FlashForgeCoordinator, description: CameraEntityDescription
    ) -> None:
        """Prepare the relay; it connects once someone watches."""
        super().__init__(coordinator, description)
        Camera.__init__(self)
        self._url = coordinator.data.camera_stream_url
        self._attr_is_on = self._url is not None
        hass = coordinator.hass
        entry = coordinator.config_entry
        name = f"{entry.title} camera relay"
        self._relay = MjpegRelay(
            async_get_clientsession(hass),
            self._stream_url,
            # An entry's background task is cancelled on unload and shutdown.
            lambda reader: entry.async_create_background_task(
                hass, reader, name, eager_start=False
            ),
            name=entry.title,
        )

    def _stream_url(self) -> str | None:
        """Return the stream URL the printer reports now."""
        return self._url

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Follow the stream being turned on, off or moved."""
        url = self.coordinator.data.camera_stream_url
        if url != self._url:
            self._url = url
            # Viewers of a stream that is gone or moved end now, not on a timeout.
            self._relay.stop()
        self._attr_is_on = url is not None
        super()._handle_coordinator_update()

    @override
    def _shown_values(self) -> bool:
        """Return whether the stream is on; the access token writes its own state."""
        return self.is_on

    @override
    async def async_will_remove_from_hass(self) -> None:
        """Close the upstream and end the viewers' streams."""
        await self._relay.async_close()
        await super().async_will_remove_from_hass()

    @override
    async def async_camera_image(
        self, width: int | None = None, height: int | None = None
    ) -> bytes | None:
        """Return the latest frame of the stream."""
        if not self.is_on:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="camera_off"
            )
        if not self.available:
            return None
        return await self._relay.snapshot()

    @override
    async def handle_async_mjpeg_stream(
        self, request: web.Request
    ) -> web.StreamResponse | None:
        """Serve the stream to one viewer from the shared upstream."""
        if not self.is_on or not self.available:
            return None
        async with self._relay.subscribe() as viewer:
            try:
                async with asyncio.timeout(FIRST_FRAME_TIMEOUT):
                    frame = await viewer.next_frame()
            except TimeoutError:
                frame = None
            if frame is None:
                # Nothing sent yet, so the view can still answer an error.
                return None
            response = web.StreamResponse(
                headers={
                    hdrs.CONTENT_TYPE: f"multipart/x-mixed-replace;boundary={BOUNDARY}",
                    hdrs.CACHE_CONTROL: "no-store",
                }
            )
            try:
                await response.prepare(request)
                while frame is not None:
                    part = (
                        f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
                        f"Content-Length: {len(frame)}\r\n\r\n"
                    ).encode()
                    async with asyncio.timeout(WRITE_TIMEOUT):
                        await response.write(part + frame + b"\r\n")
                    frame = await viewer.next_frame()
            except ConnectionResetError, TimeoutError:
                # The viewer went away or stopped reading.
                pass
        return response

    @flashforge_exception_handler
    async def async_turn_on(self) -> None:
        """Turn the printer's camera stream on."""
        await self.coordinator.printer.set_camera_stream(True)

    @flashforge_exception_handler
    async def async_turn_off(self) -> None:
        """Turn the printer's camera stream off."""
        await self.coordinator.printer.set_camera_stream(False)
