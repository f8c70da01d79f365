"""Answers the emulator never gives, served by a bare HTTP peer on loopback."""

from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any

from aiohttp import web
import pytest

from custom_components.flashforge.api import (
    FlashForgeAuthenticationError,
    FlashForgeCommandError,
    FlashForgeError,
    FlashForgeHttpClient,
    FlashForgeResponseError,
)

type Answer = tuple[int, bytes]
type PeerFactory = Callable[[Answer], Coroutine[Any, Any, FlashForgeHttpClient]]


@pytest.fixture
async def peer(socket_enabled: None) -> AsyncIterator[PeerFactory]:
    """Start a server that gives one fixed answer; return a client for it."""
    runners: list[web.AppRunner] = []
    clients: list[FlashForgeHttpClient] = []

    async def start(answer: Answer) -> FlashForgeHttpClient:
        status, body = answer

        async def handler(request: web.Request) -> web.Response:
            await request.read()
            return web.Response(
                status=status, body=body, content_type="application/json"
            )

        app = web.Application()
        app.router.add_route("POST", "/{path:.*}", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        port = runner.addresses[0][1]
        client = FlashForgeHttpClient("127.0.0.1", "SN1", "secret-code", port=port)
        clients.append(client)
        return client

    yield start
    for client in clients:
        await client.close()
    for runner in runners:
        await runner.cleanup()


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ((401, b""), FlashForgeAuthenticationError),
        ((403, b""), FlashForgeAuthenticationError),
        ((404, b"404: Not Found"), FlashForgeResponseError),
        ((200, b"[1, 2]"), FlashForgeResponseError),
        ((200, b'"text"'), FlashForgeResponseError),
        ((200, b'{"message": "no code"}'), FlashForgeResponseError),
        ((200, b'{"code": true}'), FlashForgeResponseError),
        ((200, b'{"code": "0"}'), FlashForgeResponseError),
        ((200, b'{"code": 0, "message": "Success"}'), FlashForgeResponseError),
        ((200, b'{"code": 0, "detail": []}'), FlashForgeResponseError),
        ((200, b"\xff\xfe not utf-8"), FlashForgeResponseError),
        ((200, b"[" * 100_000), FlashForgeResponseError),
        ((200, b'{"code": 1, "message": 7}'), FlashForgeCommandError),
        ((200, b'{"code": 2}'), FlashForgeCommandError),
    ],
)
async def test_malformed_detail(peer: PeerFactory, answer: Answer, error: type) -> None:
    """Every odd answer to /detail is one of the client's errors."""
    client = await peer(answer)

    with pytest.raises(error) as info:
        await client.detail()

    assert "secret-code" not in str(info.value)


async def test_command_error_keeps_code_and_message(peer: PeerFactory) -> None:
    """A refusal carries the printer's code and message."""
    client = await peer((200, b'{"code": 1, "message": "Door open"}'))

    with pytest.raises(FlashForgeCommandError) as info:
        await client.set_light(True)

    assert (info.value.code, info.value.message) == (1, "Door open")


@pytest.mark.parametrize(
    "body",
    [
        b'{"code": 0}',
        b'{"code": 0, "imageData": 5}',
        b'{"code": 0, "imageData": "not base64!"}',
        '{"code": 0, "imageData": "b\u00e4se64"}'.encode(),
    ],
)
async def test_broken_thumbnail(peer: PeerFactory, body: bytes) -> None:
    """A thumbnail answer without a Base64 image is a response error."""
    client = await peer((200, body))

    with pytest.raises(FlashForgeResponseError):
        await client.thumbnail("part.gcode")


async def test_thumbnail_as_data_url(peer: PeerFactory) -> None:
    """A data: URL prefix is tolerated."""
    client = await peer(
        (200, b'{"code": 0, "imageData": "data:image/png;base64,iVBORw=="}')
    )

    assert await client.thumbnail("part.gcode") == b"\x89PNG"


async def test_line_breaks_in_credentials_never_reach_a_header(
    peer: PeerFactory, tmp_path: Path
) -> None:
    """A serial with a line break fails cleanly without quoting the header."""
    client = await peer((200, b'{"code": 0}'))
    client.serial_number = "SN1\r\nX-Injected: 1"
    path = tmp_path / "part.gcode"
    path.write_bytes(b"G28\n")

    with pytest.raises(FlashForgeError) as info:
        await client.upload(path)

    assert "Injected" not in str(info.value)
    assert info.value.__cause__ is None
