"""One camera connection shared by any number of viewers.

The printer's camera serves one connection at a time; the relay holds that
one and hands each frame to every viewer, dropping frames for viewers that
fall behind rather than queueing them.
"""

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
import contextlib
from contextlib import asynccontextmanager
import logging
from typing import Any

import aiohttp
from aiohttp import hdrs

from .mjpeg import MjpegError, MjpegParser, boundary_of

_LOGGER = logging.getLogger(__name__)

# Frames a viewer may fall behind by; older ones are dropped, not queued.
VIEWER_BUFFER_FRAMES = 2
UPSTREAM_TIMEOUT = aiohttp.ClientTimeout(total=None, connect=10, sock_read=10)
# Reconnects in a row without a frame before the viewers are let go.
MAX_RECONNECTS = 5
RECONNECT_DELAY = 0.25  # seconds, doubled per failed attempt
MAX_RECONNECT_DELAY = 4.0
# Below Home Assistant's 10 s limit, so a stuck camera yields no image, not a cancel.
SNAPSHOT_TIMEOUT = 8.0

type StartTask = Callable[[Coroutine[Any, Any, None]], asyncio.Task[None]]
"""Run the upstream reader as a task; it must not start it eagerly."""


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
        session: aiohttp.ClientSession | None,
        url: Callable[[], str | None],
        start_task: StartTask,
        *,
        name: str,
        buffer_frames: int = VIEWER_BUFFER_FRAMES,
        snapshot_timeout: float = SNAPSHOT_TIMEOUT,
    ) -> None:
        """Read frames from ``url()`` once someone watches.

        Over ``session``, or a session of each connection's own if None.
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
                _LOGGER.debug("%s: no camera frame within %s s", self._name, timeout)
                return None

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
                    _LOGGER.warning(
                        "%s: the camera stream is unavailable (%s)", self._name, reason
                    )
                    break
                _LOGGER.debug("%s: camera stream dropped (%s)", self._name, reason)
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
        async with contextlib.AsyncExitStack() as stack:
            if (session := self._session) is None:
                session = await stack.enter_async_context(aiohttp.ClientSession())
            response = await stack.enter_async_context(
                session.get(url, timeout=UPSTREAM_TIMEOUT)
            )
            # The body never ends by itself: close rather than pool it.
            stack.callback(response.close)
            if response.status != 200:
                raise MjpegError(f"HTTP {response.status}")
            parser = MjpegParser(
                boundary_of(response.headers.get(hdrs.CONTENT_TYPE, ""))
            )
            async for chunk in response.content.iter_any():
                for frame in parser.feed(chunk):
                    self._publish(frame)
