"""Talk to an emulated printer with plain aiohttp, not through the integration.

Used for the baselines (a bare ``/detail`` round trip, a plain upload) and
to change a printer's state behind Home Assistant's back.
"""

import asyncio
import base64
import json
from pathlib import Path
from typing import Any

import aiohttp

from .fleet import PrinterAddress

SEEDED_FILE = "3DBenchy_PLA.gcode"
POLL_SECONDS = 0.1


async def post_json(
    session: aiohttp.ClientSession,
    printer: PrinterAddress,
    path: str,
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """POST an authenticated request and return the parsed answer."""
    payload = {"serialNumber": printer.serial, "checkCode": printer.check_code}
    async with session.post(
        f"{printer.base_url}{path}", json=payload | (body or {})
    ) as response:
        answer: dict[str, Any] = json.loads(await response.read())
    return answer


async def command(
    session: aiohttp.ClientSession,
    printer: PrinterAddress,
    path: str,
    body: dict[str, Any],
) -> None:
    """Send a command; raise unless the printer carried it out."""
    answer = await post_json(session, printer, path, body)
    if answer.get("code") != 0:
        raise RuntimeError(f"{path} {body}: {answer}")


async def start_print(session: aiohttp.ClientSession, printer: PrinterAddress) -> None:
    """Start printing a file the emulator is seeded with."""
    await command(
        session,
        printer,
        "/printGcode",
        {
            "fileName": SEEDED_FILE,
            "levelingBeforePrint": False,
            "flowCalibration": False,
            "useMatlStation": False,
            "gcodeToolCnt": 0,
            "materialMappings": [],
        },
    )


async def set_light(
    session: aiohttp.ClientSession, printer: PrinterAddress, *, on: bool
) -> None:
    """Switch the printer's light directly."""
    status = "open" if on else "close"
    await command(
        session,
        printer,
        "/control",
        {"payload": {"cmd": "lightControl_cmd", "args": {"status": status}}},
    )


async def status_of(session: aiohttp.ClientSession, printer: PrinterAddress) -> str:
    """Return the printer's machine state."""
    answer = await post_json(session, printer, "/detail")
    return str(answer["detail"]["status"])


async def wait_for_status(
    session: aiohttp.ClientSession,
    printer: PrinterAddress,
    wanted: str,
    within: float = 30.0,
) -> None:
    """Poll the printer directly until it reports the state."""
    for _ in range(int(within / POLL_SECONDS)):
        if await status_of(session, printer) == wanted:
            return
        await asyncio.sleep(POLL_SECONDS)
    raise TimeoutError(f"{printer.serial} did not become {wanted} in {within} s")


async def plain_upload(
    session: aiohttp.ClientSession, printer: PrinterAddress, path: Path
) -> None:
    """Upload a file with aiohttp's own multipart writer, as a baseline."""
    handle = await asyncio.to_thread(path.open, "rb")
    try:
        size = (await asyncio.to_thread(path.stat)).st_size
        with aiohttp.MultipartWriter("form-data") as body:
            part = body.append(handle, {"Content-Type": "application/octet-stream"})
            part.set_content_disposition(
                "form-data", name="gcodeFile", filename=path.name
            )
        headers = {
            "serialNumber": printer.serial,
            "checkCode": printer.check_code,
            "fileSize": str(size),
            "printNow": "false",
            "levelingBeforePrint": "false",
            "flowCalibration": "false",
            "useMatlStation": "false",
            "gcodeToolCnt": "0",
            "materialMappings": base64.b64encode(b"[]").decode(),
        }
        async with session.post(
            f"{printer.base_url}/uploadGcode",
            data=body,
            headers=headers,
            expect100=True,
        ) as response:
            answer = json.loads(await response.read())
    finally:
        await asyncio.to_thread(handle.close)
    if answer.get("code") != 0:
        raise RuntimeError(f"plain upload failed: {answer}")
