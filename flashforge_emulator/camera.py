"""The printer's MJPEG camera server (mjpg-streamer style), on its own port.

Like the real camera it serves one viewer at a time: a second concurrent
viewer gets HTTP 503. While the stream is switched off (streamCtrl_cmd
"close") the port does not listen at all, so connections are refused; it
listens again on the same port when the stream is switched back on. If
`printer.stream_on` changes without the command, the port keeps listening
but answers 503 and ends any running stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

from aiohttp import hdrs, web

from .core import PrinterCore
from .images import FrameRenderer

BOUNDARY = "boundarydonotcross"
FRAMES_PER_SECOND = 5.0
SHUTDOWN_SECONDS = 1.0


class CameraServer:
    """Serve MJPEG frames of a generated scene while the stream is on."""

    def __init__(
        self, core: PrinterCore, host: str, port: int, fps: float = FRAMES_PER_SECOND
    ) -> None:
        """Prepare the server; nothing listens until start()."""
        self.core = core
        self.host = host
        self.port = port
        self.fps = fps
        self._renderer: FrameRenderer | None = None
        self._viewer_active = False
        self._closing = asyncio.Event()
        app = web.Application()
        app.router.add_get("/", self._handle)
        self._runner = web.AppRunner(
            app, shutdown_timeout=SHUTDOWN_SECONDS, access_log=None
        )
        self._site: web.TCPSite | None = None
        self._frame = 0

    async def start(self) -> None:
        """Set up the runner; listen if the stream is on (the port is bound once either way)."""
        await self._runner.setup()
        await self._listen()
        if not self.core.state.stream_on:
            await self._unlisten()

    async def _listen(self) -> None:
        if self._site is not None:
            return
        self._closing = asyncio.Event()
        site = web.TCPSite(self._runner, self.host, self.port, reuse_address=True)
        await site.start()
        self._site = site
        if self.port == 0:
            self.port = int(self._runner.addresses[-1][1])

    async def _unlisten(self) -> None:
        self._closing.set()
        if self._site is not None:
            site, self._site = self._site, None
            await site.stop()
        server = self._runner.server
        if server is not None:
            for connection in list(server.connections):
                connection.force_close()

    async def sync(self, *, online: bool = True) -> None:
        """Listen when online with the stream on; otherwise refuse connections."""
        if online and self.core.state.stream_on:
            await self._listen()
        else:
            await self._unlisten()

    async def stop(self) -> None:
        """Stop serving and release the port."""
        await self._unlisten()
        await self._runner.cleanup()

    def _render(self) -> bytes:
        if self._renderer is None:
            self._renderer = FrameRenderer(f"{self.core.state.name} {self.core.serial}")
        state = self.core.tick()
        self._frame += 1
        caption = f"{state.status.value} {state.progress * 100:.1f}%  {time.strftime('%H:%M:%S')}"
        return self._renderer.render(self._frame, caption, state.progress)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if not self.core.state.stream_on:
            raise web.HTTPServiceUnavailable(text="camera stream is off")
        action = request.query.get("action", "stream")
        if action == "snapshot":
            return web.Response(body=self._render(), content_type="image/jpeg")
        if action != "stream":
            raise web.HTTPNotFound(text=f"unknown action {action}")
        if self._viewer_active:
            raise web.HTTPServiceUnavailable(text="camera busy: one viewer at a time")
        self._viewer_active = True
        closing = self._closing
        response = web.StreamResponse(
            headers={
                hdrs.CONTENT_TYPE: f"multipart/x-mixed-replace;boundary={BOUNDARY}",
                hdrs.CACHE_CONTROL: "no-store, no-cache, must-revalidate, max-age=0",
                hdrs.PRAGMA: "no-cache",
                hdrs.CONNECTION: "close",
            }
        )
        try:
            await response.prepare(request)
            while not closing.is_set() and self.core.state.stream_on:
                frame = self._render()
                head = (
                    f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
                    f"Content-Length: {len(frame)}\r\nX-Timestamp: {time.time():.6f}\r\n\r\n"
                )
                await response.write(head.encode() + frame + b"\r\n")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(closing.wait(), 1 / self.fps)
        except ConnectionError:
            pass  # the viewer went away
        finally:
            self._viewer_active = False
        return response
