"""A hostile MJPEG camera on 127.0.0.1: each connection streams what a script yields."""

from collections.abc import AsyncIterator, Callable
import contextlib

from aiohttp import hdrs, web

BOUNDARY = "b"
# Start of image, an APP0 marker, end of image: a JPEG as far as the relay looks.
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16 + b"\xff\xd9"

type Script = Callable[[int], AsyncIterator[bytes]]
"""Given the connection's number (1 for the first), yield the bytes to send."""


def part(
    body: bytes,
    content_type: str = "image/jpeg",
    *,
    length: bool = True,
    delimiter: bytes = b"--" + BOUNDARY.encode(),
) -> bytes:
    """Return one part of a stream, with its length unless told otherwise."""
    head = f"Content-Type: {content_type}\r\n"
    if length:
        head += f"Content-Length: {len(body)}\r\n"
    return delimiter + b"\r\n" + head.encode() + b"\r\n" + body + b"\r\n"


def numbered(number: int) -> bytes:
    """Return a JPEG that carries a number, to tell frames apart."""
    return JPEG[:-2] + number.to_bytes(4) + JPEG[-2:]


def number_of(frame: bytes) -> int:
    """Return the number a frame made by numbered() carries."""
    return int.from_bytes(frame[-6:-2])


class FakeCamera:
    """Serve any path as a multipart stream of whatever the script yields."""

    def __init__(self, script: Script) -> None:
        """Send each connection the script's bytes; nothing listens until start()."""
        self._script = script
        self.connections = 0
        self.port = 0
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """Return the stream's address."""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def open_connections(self) -> int:
        """Return how many clients are connected now."""
        server = None if self._runner is None else self._runner.server
        return 0 if server is None else len(server.connections)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        """Stream the script's bytes until it ends or the client hangs up."""
        self.connections += 1
        response = web.StreamResponse(
            headers={
                hdrs.CONTENT_TYPE: f"multipart/x-mixed-replace;boundary={BOUNDARY}"
            }
        )
        await response.prepare(request)
        # The relay hanging up is how a refused stream ends.
        with contextlib.suppress(ConnectionError):
            async for chunk in self._script(self.connections):
                await response.write(chunk)
        return response

    async def start(self) -> None:
        """Listen on an ephemeral loopback port."""
        app = web.Application()
        app.router.add_get("/{tail:.*}", self._handle)
        # Streams never end by themselves: stop them at once on cleanup.
        self._runner = web.AppRunner(app, shutdown_timeout=0.1, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Stop listening and end the streams."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


@contextlib.asynccontextmanager
async def fake_camera(script: Script) -> AsyncIterator[FakeCamera]:
    """Run a FakeCamera for the block."""
    camera = FakeCamera(script)
    await camera.start()
    try:
        yield camera
    finally:
        await camera.stop()
