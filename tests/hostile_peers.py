"""Loopback servers that misbehave the way a broken or hostile printer could.

The emulator answers like a printer; these do what it never does: redirect,
flood, or merely record that something reached them.
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
import contextlib
import tracemalloc

from aiohttp import web

# Far above any cap, far below what the test machine could not hold.
FLOOD_BYTES = 50 * 1024 * 1024
FLOOD_CHUNK = b" " * (64 * 1024)

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
type Serve = Callable[[Handler], Awaitable[int]]


class Recorder:
    """A server that only notes what reaches it."""

    def __init__(self) -> None:
        """Start with nothing received."""
        self.received: list[str] = []

    async def handle(self, request: web.Request) -> web.Response:
        """Note the request and refuse the check code, as a printer would."""
        await request.read()
        self.received.append(f"{request.method} {request.path}")
        return web.json_response({"code": 3, "message": "checkCode error"})


class Flood:
    """A server that answers FLOOD_BYTES, announced or chunked, counting what went out."""

    def __init__(self, *, announced: bool, content_type: str) -> None:
        """Choose whether the size is announced, and the content type claimed."""
        self.announced = announced
        self.content_type = content_type
        self.sent = 0

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Send until everything is out or the client hangs up."""
        await request.read()
        response = web.StreamResponse(headers={"Content-Type": self.content_type})
        if self.announced:
            response.content_length = FLOOD_BYTES
        else:
            response.enable_chunked_encoding()
        await response.prepare(request)
        with contextlib.suppress(ConnectionError):
            while self.sent < FLOOD_BYTES:
                await response.write(FLOOD_CHUNK)
                self.sent += len(FLOOD_CHUNK)
        return response


def redirect(status: int, port: int) -> Handler:
    """Return a handler that redirects every request to the same path on port."""

    async def handle(request: web.Request) -> web.Response:
        await request.read()
        location = f"http://127.0.0.1:{port}{request.path}"
        return web.Response(status=status, headers={"Location": location})

    return handle


@contextlib.asynccontextmanager
async def servers() -> AsyncIterator[Serve]:
    """Yield a starter of loopback servers answering every path with a handler.

    Needs sockets: a test using it takes the ``socket_enabled`` fixture.
    """
    runners: list[web.AppRunner] = []

    async def start(handler: Handler) -> int:
        app = web.Application(client_max_size=FLOOD_BYTES)
        app.router.add_route("*", "/{path:.*}", handler)
        runner = web.AppRunner(app, handle_signals=False)
        await runner.setup()
        runners.append(runner)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port: int = runner.addresses[0][1]
        return port

    try:
        yield start
    finally:
        for runner in runners:
            await runner.cleanup()


@contextlib.contextmanager
def peak_memory() -> Iterator[list[int]]:
    """Measure the peak of Python allocations in the block, in bytes."""
    result: list[int] = []
    tracemalloc.start()
    try:
        yield result
    finally:
        result.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
