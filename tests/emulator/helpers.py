"""Request helpers for the emulator tests: plain aiohttp and asyncio streams, no project client."""

import asyncio
from collections.abc import AsyncIterator
import contextlib
from typing import Any

import aiohttp

from flashforge_emulator import Emulator


async def post(
    session: aiohttp.ClientSession, emu: Emulator, path: str, **body: Any
) -> dict[str, Any]:
    """POST an authenticated JSON body and return the decoded JSON answer."""
    async with session.post(emu.base_url + path, json={**emu.auth(), **body}) as resp:
        assert resp.status == 200
        result: dict[str, Any] = await resp.json(content_type=None)
        return result


async def control(
    session: aiohttp.ClientSession, emu: Emulator, cmd: str, **args: Any
) -> dict[str, Any]:
    """Send one /control command."""
    return await post(session, emu, "/control", payload={"cmd": cmd, "args": args})


async def detail(session: aiohttp.ClientSession, emu: Emulator) -> dict[str, Any]:
    """Return the served /detail object."""
    answer = await post(session, emu, "/detail")
    assert answer["code"] == 0
    result: dict[str, Any] = answer["detail"]
    return result


class TcpPeer:
    """A raw connection to the emulator's TCP API: send `~` lines, read replies."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Wrap an open connection."""
        self.reader = reader
        self.writer = writer

    async def send(self, line: str) -> None:
        """Send one command line as clients do: tilde, CRLF."""
        self.writer.write(f"~{line}\r\n".encode())
        await self.writer.drain()

    async def reply(self) -> list[str]:
        """Read reply lines up to and including the `ok` line."""
        lines: list[str] = []
        while True:
            raw = await asyncio.wait_for(self.reader.readline(), 5)
            assert raw, f"connection closed after {lines}"
            lines.append(raw.decode().rstrip("\r\n"))
            if lines[-1] == "ok":
                return lines

    async def ask(self, line: str) -> list[str]:
        """Send a command and return its reply lines."""
        await self.send(line)
        return await self.reply()

    async def read_exact(self, size: int) -> bytes:
        """Read binary data that follows a reply's `ok`."""
        return await asyncio.wait_for(self.reader.readexactly(size), 5)


@contextlib.asynccontextmanager
async def tcp_peer(emu: Emulator) -> AsyncIterator[TcpPeer]:
    """Connect to the emulator's TCP port; close afterwards."""
    assert emu.tcp_port is not None
    reader, writer = await asyncio.open_connection(emu.host, emu.tcp_port)
    try:
        yield TcpPeer(reader, writer)
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


@contextlib.asynccontextmanager
async def tcp_session(emu: Emulator) -> AsyncIterator[TcpPeer]:
    """Connect and take control (`M601 S1`); release (`M602`) and close afterwards."""
    async with tcp_peer(emu) as peer:
        await peer.ask("M601 S1")
        yield peer
        await peer.ask("M602")
