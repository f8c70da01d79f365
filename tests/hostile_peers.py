"""Loopback servers that misbehave the way a broken or hostile printer could.

The emulator answers like a printer; these do what it never does: redirect,
flood, or merely record that something reached them.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
import contextlib
import hashlib
import tracemalloc

from aiohttp import web

from custom_components.flashforge.api import FlashForgeTcpClient

# Far above any cap, far below what the test machine could not hold.
FLOOD_BYTES = 50 * 1024 * 1024
FLOOD_CHUNK = b" " * (64 * 1024)

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
type Serve = Callable[[Handler], Awaitable[int]]

# What a legacy TCP peer does on a command: the bytes to answer, or a behaviour.
type TcpBehaviour = bytes | Callable[[asyncio.StreamWriter], Awaitable[None]]


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


def tcp_reply(code: str, *lines: str) -> bytes:
    """Return a well-formed legacy TCP reply: the CMD line, the data lines, ok."""
    return "".join(
        f"{line}\r\n" for line in (f"CMD {code} Received.", *lines, "ok")
    ).encode()


class TcpPeer:
    """A legacy TCP server that answers each command code as told.

    Codes it was not told about get an empty well-formed reply; it records the
    commands it got, a digest of the raw bytes after M28 (read in chunks, so
    that it holds no file), and whether the client closed.
    """

    def __init__(self, script: Mapping[str, TcpBehaviour] | None = None) -> None:
        """Answer the codes in script so, the rest with an empty reply."""
        self.script = dict(script or {})
        self.commands: list[str] = []
        self.uploaded = hashlib.sha256()
        self.uploaded_bytes = 0
        self.sent = 0
        self.closed = asyncio.Event()
        self._got: dict[str, asyncio.Event] = {}

    async def wait_for(self, code: str) -> None:
        """Wait until a command with this code has come in (2 s at most)."""
        event = self._got.setdefault(code, asyncio.Event())
        await asyncio.wait_for(event.wait(), 2)

    async def handle(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Serve one connection until the client closes it or a behaviour ends it."""
        try:
            while line := await reader.readline():
                command = line.decode().strip().removeprefix("~")
                self.commands.append(command)
                code = command.split(" ", 1)[0]
                self._got.setdefault(code, asyncio.Event()).set()
                behaviour = self.script.get(code, tcp_reply(code))
                if isinstance(behaviour, bytes):
                    writer.write(behaviour)
                    await writer.drain()
                else:
                    await behaviour(writer)
                if code == "M28" and behaviour == tcp_reply(code):
                    await self._receive(reader, int(command.split(" ")[1]))
        except ConnectionError, asyncio.IncompleteReadError, ValueError:
            # The client went away, or sent a line too long to be a command.
            pass
        finally:
            self.closed.set()
            writer.close()

    async def _receive(self, reader: asyncio.StreamReader, size: int) -> None:
        """Take an upload's raw bytes."""
        while self.uploaded_bytes < size:
            chunk = await reader.read(min(len(FLOOD_CHUNK), size - self.uploaded_bytes))
            if not chunk:
                raise asyncio.IncompleteReadError(b"", size)
            self.uploaded.update(chunk)
            self.uploaded_bytes += len(chunk)

    async def flood(self, writer: asyncio.StreamWriter, chunk: bytes) -> None:
        """Send chunk until FLOOD_BYTES are out or the client hangs up."""
        with contextlib.suppress(ConnectionError):
            while self.sent < FLOOD_BYTES:
                writer.write(chunk)
                await writer.drain()
                self.sent += len(chunk)


@contextlib.asynccontextmanager
async def tcp_servers() -> AsyncIterator[Callable[[TcpPeer], Awaitable[int]]]:
    """Yield a starter of loopback TCP servers, each serving a peer; return its port.

    Needs sockets: a test using it takes the ``socket_enabled`` fixture.
    """
    started: list[asyncio.Server] = []

    async def start(peer: TcpPeer) -> int:
        server = await asyncio.start_server(peer.handle, "127.0.0.1", 0)
        started.append(server)
        port: int = server.sockets[0].getsockname()[1]
        return port

    try:
        yield start
    finally:
        for server in started:
            server.close()
            server.close_clients()
            await server.wait_closed()


@contextlib.asynccontextmanager
async def tcp_clients(
    request_timeout: float,
) -> AsyncIterator[Callable[[TcpPeer], Awaitable[FlashForgeTcpClient]]]:
    """Yield a starter of clients, each of a peer served on 127.0.0.1; close all after.

    Needs sockets: a test using it takes the ``socket_enabled`` fixture.
    """
    clients: list[FlashForgeTcpClient] = []
    async with tcp_servers() as start:

        async def client_of(peer: TcpPeer) -> FlashForgeTcpClient:
            port = await start(peer)
            client = FlashForgeTcpClient(
                "127.0.0.1", port=port, request_timeout=request_timeout
            )
            clients.append(client)
            return client

        try:
            yield client_of
        finally:
            for client in clients:
                await client.close()
