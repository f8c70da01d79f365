"""A tiny printer stand-in on 127.0.0.1 that answers with given raw bytes."""

from collections.abc import AsyncIterator
import contextlib
import json

from aiohttp import web

OK = json.dumps({"code": 0, "message": "Success"}).encode()


class RawPeer:
    """Answer each path with the bytes set for it, HTTP 200 unless told."""

    def __init__(self) -> None:
        """Start with every path answering code 0."""
        self.bodies: dict[str, bytes] = {}
        self.status = 200
        self.port = 0
        self._runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        """Answer the request with the configured bytes."""
        await request.read()
        body = self.bodies.get(request.path, OK)
        return web.Response(
            body=body, status=self.status, content_type="application/json"
        )

    async def start(self) -> None:
        """Listen on an ephemeral loopback port."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


@contextlib.asynccontextmanager
async def raw_peer() -> AsyncIterator[RawPeer]:
    """Run a RawPeer for the block."""
    peer = RawPeer()
    await peer.start()
    try:
        yield peer
    finally:
        await peer.stop()
