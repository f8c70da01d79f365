"""A printer that redirects, floods or garbles its answers can do the client no harm.

These peers do what the emulator never does; each is a small server on
127.0.0.1 that misbehaves in one way.
"""

import asyncio
import base64
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
import json
import os
from pathlib import Path

from aiohttp import web
import pytest

from custom_components.flashforge.api import (
    MAX_ANSWER_BYTES,
    MAX_IMAGE_BYTES,
    FlashForgeError,
    FlashForgeHttpClient,
    FlashForgeResponseError,
)

from ..hostile_peers import (
    FLOOD_BYTES,
    FLOOD_CHUNK,
    Flood,
    Recorder,
    Serve,
    peak_memory,
    redirect,
    servers,
)

CHECK_CODE = "hostile-check-code"
# The client may hold a cap's worth of answer and a few buffers, no more.
MEMORY_BOUND = 4 * MAX_ANSWER_BYTES + 2 * 1024 * 1024

type Operation = Callable[[FlashForgeHttpClient, Path], Awaitable[object]]


@pytest.fixture
async def serve(socket_enabled: None) -> AsyncIterator[Serve]:
    """Return a starter of misbehaving loopback servers."""
    async with servers() as start:
        yield start


@pytest.fixture
async def make_client() -> AsyncIterator[Callable[[int], FlashForgeHttpClient]]:
    """Return a factory of clients for a loopback port, closed after the test."""
    clients: list[FlashForgeHttpClient] = []

    def factory(port: int) -> FlashForgeHttpClient:
        client = FlashForgeHttpClient(
            "127.0.0.1", "SNHOSTILE1", CHECK_CODE, port=port, request_timeout=5
        )
        clients.append(client)
        return client

    yield factory
    for client in clients:
        await client.close()


@pytest.fixture
def gcode(tmp_path: Path) -> Path:
    """Return a small file to upload."""
    path = tmp_path / "part.gcode"
    path.write_bytes(b"G28\nG1 X10\n" * 100)
    return path


async def read_detail(client: FlashForgeHttpClient, path: Path) -> object:
    """Read the printer's state."""
    return await client.detail()


async def upload(client: FlashForgeHttpClient, path: Path) -> object:
    """Upload a file and start printing it."""
    await client.upload(path, print_now=True)
    return None


def chain(error: BaseException) -> Iterator[BaseException]:
    """Yield an error and everything chained under it, causes and contexts."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending.extend(
            linked
            for linked in (current.__cause__, current.__context__)
            if linked is not None
        )


@pytest.mark.parametrize("operation", [read_detail, upload])
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_redirect_is_a_response_error_and_is_not_followed(
    serve: Serve,
    make_client: Callable[[int], FlashForgeHttpClient],
    gcode: Path,
    operation: Operation,
    status: int,
) -> None:
    """A 3xx sends nothing elsewhere and is no authentication failure."""
    elsewhere = Recorder()
    client = make_client(await serve(redirect(status, await serve(elsewhere.handle))))

    with pytest.raises(FlashForgeResponseError) as info:
        await operation(client, gcode)

    assert str(status) in str(info.value)
    assert elsewhere.received == []


# Raw answers that break the HTTP exchange after the request was taken.
BROKEN_ANSWERS = {
    "malformed status line": b"HTTP/1.1 OK-ish\r\nContent-Length: nonsense\r\n\r\n{}",
    "bad content length": b"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n{}",
    "cut short": b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{",
}


@pytest.mark.parametrize("operation", [read_detail, upload])
@pytest.mark.parametrize("answer", BROKEN_ANSWERS.values(), ids=BROKEN_ANSWERS)
async def test_errors_carry_no_request_in_their_chain(
    socket_enabled: None,
    make_client: Callable[[int], FlashForgeHttpClient],
    gcode: Path,
    operation: Operation,
    answer: bytes,
) -> None:
    """No error chained under a client error holds the request or its headers."""

    async def reply(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1024)
        writer.write(answer)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(reply, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        with pytest.raises(FlashForgeError) as info:
            await operation(make_client(port), gcode)
    finally:
        server.close()
        await server.wait_closed()

    errors = list(chain(info.value))
    assert errors == [info.value]
    for error in errors:
        assert CHECK_CODE not in repr(error)
        assert CHECK_CODE not in str(error)
        assert "SNHOSTILE1" not in repr(error)


def detail_answer(size: int) -> bytes:
    """Return a valid /detail answer of exactly size bytes."""
    head = b'{"code": 0, "detail": {"name": "'
    tail = b'"}}'
    return head + b"n" * (size - len(head) - len(tail)) + tail


@pytest.mark.parametrize("chunked", [False, True])
@pytest.mark.parametrize(
    ("size", "accepted"),
    [(MAX_ANSWER_BYTES, True), (MAX_ANSWER_BYTES + 1, False)],
)
async def test_json_answers_are_capped(
    serve: Serve,
    make_client: Callable[[int], FlashForgeHttpClient],
    chunked: bool,
    size: int,
    accepted: bool,
) -> None:
    """An answer up to the cap is read; one byte more is a response error."""
    body = detail_answer(size)

    async def answer(request: web.Request) -> web.StreamResponse:
        await request.read()
        if not chunked:
            return web.Response(body=body, content_type="application/json")
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        for start in range(0, len(body), len(FLOOD_CHUNK)):
            await response.write(body[start : start + len(FLOOD_CHUNK)])
        await response.write_eof()
        return response

    client = make_client(await serve(answer))

    if accepted:
        assert (await client.detail()).name is not None
    else:
        with pytest.raises(FlashForgeResponseError, match="bigger than"):
            await client.detail()


@pytest.mark.parametrize("announced", [True, False])
async def test_a_flood_fails_fast_with_bounded_memory(
    serve: Serve,
    make_client: Callable[[int], FlashForgeHttpClient],
    announced: bool,
) -> None:
    """A 50 MB answer, announced or chunked without end, is cut off at the cap."""
    flood = Flood(announced=announced, content_type="application/json")
    client = make_client(await serve(flood.handle))
    started = os.times().elapsed

    with peak_memory() as peak, pytest.raises(FlashForgeResponseError):
        await client.detail()

    assert os.times().elapsed - started < 3
    assert peak[0] < MEMORY_BOUND
    assert flood.sent < FLOOD_BYTES


@pytest.mark.parametrize(
    ("image_size", "accepted"),
    [(MAX_ANSWER_BYTES * 2, True), (MAX_IMAGE_BYTES + 3, False)],
)
async def test_thumbnails_have_their_own_cap(
    serve: Serve,
    make_client: Callable[[int], FlashForgeHttpClient],
    image_size: int,
    accepted: bool,
) -> None:
    """A preview bigger than a JSON answer is read; one beyond the image cap is not."""
    image = b"\x89PNG" + b"\0" * (image_size - 4)
    encoded = base64.b64encode(image).decode()

    async def answer(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response({"code": 0, "imageData": encoded}, dumps=json.dumps)

    client = make_client(await serve(answer))

    if accepted:
        assert await client.thumbnail("part.gcode") == image
    else:
        with pytest.raises(FlashForgeResponseError, match="bigger than"):
            await client.thumbnail("part.gcode")
