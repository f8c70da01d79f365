"""Request helpers for the emulator tests: plain aiohttp, no project client."""

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
