"""Tests for the preview of a job: /gcodeThumb first, the job's URL after, safely."""

import asyncio
from collections.abc import AsyncIterator, Callable
import contextlib
import re

import pytest

from custom_components.flashforge.api import (
    MAX_IMAGE_BYTES,
    FlashForgeConnectionError,
    FlashForgeError,
    FlashForgeImageError,
    FlashForgePrinter,
    FlashForgeResponseError,
    Preview,
    image_type,
)
from flashforge_emulator import Emulator, FaultKind
from flashforge_emulator.images import png_to_bmp

from ..conftest import EmulatorFactory
from ..hostile_peers import FLOOD_BYTES, Flood, Recorder, peak_memory, redirect, servers
from ..images import same_picture_as_png

type Printing = tuple[Emulator, FlashForgePrinter, str, str]
GIF = b"GIF89a\x01\x00\x01\x00"


@pytest.fixture
def printing(
    emulator_factory: EmulatorFactory,
) -> Callable[[str], contextlib.AbstractAsyncContextManager[Printing]]:
    """Return a starter of an emulator printing its first file.

    It yields the emulator, a printer object for it, the file and the job's
    preview URL as the printer reports it.
    """

    @contextlib.asynccontextmanager
    async def start(model: str) -> AsyncIterator[Printing]:
        async with (
            emulator_factory(model, command_seconds=0) as emu,
            FlashForgePrinter(
                emu.host, emu.serial, emu.check_code, port=emu.port, request_timeout=2
            ) as printer,
        ):
            file_name = next(iter(emu.files))
            await printer.print_file(file_name, leveling_before_print=False)
            url = (await printer.detail()).print_file_thumb_url
            assert url is not None
            yield emu, printer, file_name, url

    return start


def asked(emu: Emulator) -> tuple[int, int]:
    """Return how often /gcodeThumb and the job's URL were asked."""
    return emu.request_counts["/gcodeThumb"], emu.request_counts["/getThum"]


@pytest.mark.parametrize(
    ("model", "requests"),
    [
        pytest.param("5m-pro", (1, 0), id="gcodeThumb"),
        pytest.param("ad5x", (1, 1), id="job-url"),
    ],
)
async def test_preview_source(
    printing: Callable[[str], contextlib.AbstractAsyncContextManager[Printing]],
    model: str,
    requests: tuple[int, int],
) -> None:
    """/gcodeThumb serves where it exists, else the job's URL; a BMP becomes a PNG."""
    async with printing(model) as (emu, printer, file_name, url):
        png = emu.files[file_name].thumbnail
        preview = await printer.preview(file_name, url)

        assert preview.content_type == "image/png"
        assert same_picture_as_png(preview.content, png)
        assert asked(emu) == requests


async def test_a_missing_endpoint_is_remembered(
    printing: Callable[[str], contextlib.AbstractAsyncContextManager[Printing]],
) -> None:
    """Once /gcodeThumb proved missing and the URL served, only the URL is asked."""
    async with printing("ad5x") as (emu, printer, file_name, url):
        for _ in range(3):
            await printer.preview(file_name, url)
        assert asked(emu) == (1, 3)


async def test_a_file_gcode_thumb_does_not_know_comes_from_the_url(
    printing: Callable[[str], contextlib.AbstractAsyncContextManager[Printing]],
) -> None:
    """An unknown file falls back to the URL, and /gcodeThumb is still asked next."""
    async with printing("5m-pro") as (emu, printer, file_name, url):
        png = emu.files[file_name].thumbnail

        from_url = await printer.preview("elsewhere.gcode", url)
        assert from_url.content_type == "image/png"
        assert same_picture_as_png(from_url.content, png_to_bmp(png))
        assert await printer.preview(file_name, url) == Preview(png, "image/png")
        assert asked(emu) == (2, 1)


@pytest.mark.parametrize(
    ("model", "fault", "no_url", "unstored", "error", "message", "requests"),
    [
        pytest.param(
            "5m-pro",
            (FaultKind.DROP, "/gcodeThumb"),
            False,
            False,
            FlashForgeConnectionError,
            "ServerDisconnectedError",
            (1, 0),
            id="gcodeThumb-drops",
        ),
        pytest.param(
            "ad5x",
            None,
            True,
            False,
            FlashForgeResponseError,
            "The printer offers no preview",
            (1, 0),
            id="no-url",
        ),
        pytest.param(
            "ad5x",
            (FaultKind.HTML_ERROR, "/getThum"),
            False,
            False,
            FlashForgeResponseError,
            "The preview: HTTP 500",
            (1, 1),
            id="url-http-error",
        ),
        pytest.param(
            "ad5x",
            None,
            False,
            True,
            FlashForgeResponseError,
            "no image (application/json)",
            (1, 1),
            id="url-answers-json",
        ),
        pytest.param(
            "5m-pro",
            None,
            False,
            True,
            FlashForgeResponseError,
            "no image (application/json)",
            (1, 1),
            id="known-to-neither",
        ),
    ],
)
async def test_no_preview(
    printing: Callable[[str], contextlib.AbstractAsyncContextManager[Printing]],
    model: str,
    fault: tuple[FaultKind, str] | None,
    no_url: bool,
    unstored: bool,
    error: type[FlashForgeError],
    message: str,
    requests: tuple[int, int],
) -> None:
    """Each way to get no preview raises its error; /gcodeThumb is asked again after."""
    async with printing(model) as (emu, printer, file_name, url):
        if fault is not None:
            emu.add_fault(*fault)
        stored = emu.files.pop(file_name) if unstored else None

        with pytest.raises(error, match=re.escape(message)):
            await printer.preview(file_name, None if no_url else url)
        assert asked(emu) == requests

        emu.clear_faults()
        if stored is not None:
            emu.files[file_name] = stored
        await printer.preview(file_name, url)
        assert asked(emu)[0] == requests[0] + 1


@pytest.mark.parametrize("kind", ["announced", "chunked", "redirect"])
async def test_a_hostile_job_url_gives_no_preview(
    printing: Callable[[str], contextlib.AbstractAsyncContextManager[Printing]],
    kind: str,
) -> None:
    """A job URL that floods is cut off at the image cap; a redirect is not followed."""
    flood = Flood(announced=kind == "announced", content_type="image/png")
    elsewhere = Recorder()
    async with servers() as serve, printing("ad5x") as (_, printer, file_name, _):
        if kind == "redirect":
            port = await serve(redirect(302, await serve(elsewhere.handle)))
        else:
            port = await serve(flood.handle)

        with peak_memory() as peak, pytest.raises(FlashForgeResponseError):
            await printer.preview(file_name, f"http://127.0.0.1:{port}/getThum")

    assert peak[0] < 3 * MAX_IMAGE_BYTES
    assert flood.sent < FLOOD_BYTES
    assert elsewhere.received == []


@contextlib.asynccontextmanager
async def raw_server(answer: bytes) -> AsyncIterator[tuple[int, list[bytes]]]:
    """Serve one raw HTTP answer to every request; yield the port and the requests.

    aiohttp's server always declares a content type, which a printer may not.
    """
    requests: list[bytes] = []

    async def handle(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        requests.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(answer)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    async with server:
        yield server.sockets[0].getsockname()[1], requests


@pytest.mark.parametrize(
    ("headers", "content_type"),
    [
        pytest.param(b"", "image/gif", id="undeclared"),
        pytest.param(b"Content-Type: image/webp\r\n", "image/webp", id="declared"),
        pytest.param(b"Content-Type: application/octet-stream\r\n", None, id="other"),
    ],
)
async def test_the_job_urls_content_type(
    printing: Callable[[str], contextlib.AbstractAsyncContextManager[Printing]],
    headers: bytes,
    content_type: str | None,
) -> None:
    """The URL's declared type is taken, the magic number read when none is declared.

    The check code never goes to the URL.
    """
    answer = (
        b"HTTP/1.1 200 OK\r\n%bContent-Length: %d\r\nConnection: close\r\n\r\n%b"
        % (headers, len(GIF), GIF)
    )
    async with (
        raw_server(answer) as (port, requests),
        printing("ad5x") as (emu, printer, file_name, _),
    ):
        check_code = emu.check_code.encode()
        url = f"http://127.0.0.1:{port}/getThum"
        if content_type is None:
            with pytest.raises(FlashForgeResponseError, match="no image"):
                await printer.preview(file_name, url)
        else:
            assert await printer.preview(file_name, url) == Preview(GIF, content_type)

    assert len(requests) == 1
    assert check_code not in requests[0]


async def test_an_unreadable_bmp_gives_no_preview(
    printing: Callable[[str], contextlib.AbstractAsyncContextManager[Printing]],
) -> None:
    """A BMP the library cannot convert is an error, so the caller shows no picture."""
    broken = b"BM" + bytes(60)
    answer = (
        b"HTTP/1.1 200 OK\r\nContent-Type: image/bmp\r\nContent-Length: %d\r\n"
        b"Connection: close\r\n\r\n%b" % (len(broken), broken)
    )
    async with (
        raw_server(answer) as (port, _),
        printing("ad5x") as (_, printer, file_name, _),
    ):
        with pytest.raises(FlashForgeImageError, match="no Windows bitmap"):
            await printer.preview(file_name, f"http://127.0.0.1:{port}/getThum")


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"\x89PNG\r\n", "image/png"),
        (b"\xff\xd8\xff\xe0", "image/jpeg"),
        (b"BM\x00\x00", "image/bmp"),
        (b"GIF89a", "image/gif"),
        (b"????", "image/png"),
    ],
)
def test_image_type(content: bytes, content_type: str) -> None:
    """The content type is read from the magic number."""
    assert image_type(content) == content_type


@pytest.mark.parametrize("model", ["creator5", "adventurer4"])
async def test_a_stored_bmp_thumbnail_comes_as_png(
    emulator_factory: EmulatorFactory, model: str
) -> None:
    """A file whose thumbnail is a BMP is read as a PNG, over HTTP and over TCP."""
    async with emulator_factory(model, command_seconds=0) as emu:
        stored = next(iter(emu.files.values()))
        png = stored.thumbnail
        stored.thumbnail = png_to_bmp(png)
        async with FlashForgePrinter(
            emu.host,
            emu.serial,
            emu.check_code if emu.profile.has_http else None,
            port=emu.port,
            tcp_port=emu.tcp_port,
        ) as printer:
            thumbnail = await printer.thumbnail(stored.name)

    assert same_picture_as_png(thumbnail, png)
