"""Uploads: streaming to disk, headers, Expect: 100-continue, printNow, AD5X mappings."""

import asyncio
import base64
import hashlib
import json
import os
from typing import Any

import aiohttp

from flashforge_emulator import Clock, Emulator, Status
from tests.conftest import EmulatorFactory

from .helpers import detail, post

TWO_COLOR_GCODE = b"""; HEADER_BLOCK_START
; estimated printing time (normal mode) = 1h 2m 3s
; total layer number: 42
; HEADER_BLOCK_END
; filament_type = PLA;PETG
; filament_colour = #FF0000;#00ff00
; filament used [g] = 5.5, 2.25
G28
G1 X10 Y10
"""


def mappings_header(mappings: list[dict[str, Any]]) -> str:
    """Encode mappings as the upload header wants them."""
    return base64.b64encode(json.dumps(mappings).encode()).decode()


def upload_headers(emu: Emulator, size: int, **extra: str) -> dict[str, str]:
    """Return the firmware's upload headers with lowercase string booleans."""
    return {
        **emu.auth(),
        "fileSize": str(size),
        "printNow": "false",
        "levelingBeforePrint": "false",
        "flowCalibration": "false",
        "useMatlStation": "false",
        "gcodeToolCnt": "0",
        "materialMappings": "W10=",
        **extra,
    }


async def upload(
    session: aiohttp.ClientSession,
    emu: Emulator,
    name: str,
    data: bytes,
    *,
    size: int | None = None,
    expect100: bool = True,
    **headers: str,
) -> dict[str, Any]:
    """Upload bytes as the gcodeFile field and return the JSON answer."""
    form = aiohttp.FormData()
    form.add_field(
        "gcodeFile", data, filename=name, content_type="application/octet-stream"
    )
    async with session.post(
        emu.base_url + "/uploadGcode",
        data=form,
        headers=upload_headers(emu, len(data) if size is None else size, **headers),
        expect100=expect100,
    ) as resp:
        assert resp.status == 200
        result: dict[str, Any] = await resp.json()
        return result


async def test_upload_keeps_bytes_intact(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    assert await upload(session, emulator, "random.gcode", data) == {
        "code": 0,
        "message": "Success",
    }
    stored = emulator.files["random.gcode"]
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.path.read_bytes() == data
    assert stored.thumbnail.startswith(b"\x89PNG")
    assert (await post(session, emulator, "/gcodeList"))["gcodeList"][
        0
    ] == "random.gcode"
    assert emulator.printer.status == Status.READY
    # No partial files left behind.
    assert (
        sorted(p.name for p in stored.path.parent.iterdir() if p.name.startswith("."))
        == []
    )


async def test_upload_streamed_body_without_expect(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    chunk = b"G1 X1 Y1\n" * 10_000
    digest = hashlib.sha256()

    async def body() -> Any:
        for _ in range(50):
            digest.update(chunk)
            yield chunk

    form = aiohttp.FormData()
    form.add_field("gcodeFile", body(), filename="streamed.gcode")
    size = len(chunk) * 50
    async with session.post(
        emulator.base_url + "/uploadGcode",
        data=form,
        headers=upload_headers(emulator, size),
    ) as resp:
        assert (await resp.json())["code"] == 0
    assert emulator.files["streamed.gcode"].sha256 == digest.hexdigest()


async def test_size_mismatch_is_rejected(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    answer = await upload(session, emulator, "short.gcode", b"G28\n" * 100, size=999)
    assert answer["code"] == 2
    assert "999" in answer["message"]
    assert "short.gcode" not in emulator.files
    assert emulator.storage_dir is not None
    assert not any("short.gcode" in p.name for p in emulator.storage_dir.iterdir())


async def test_bad_headers(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    data = b"G28\n"
    assert (await upload(session, emulator, "a.gcode", data, checkCode="nope"))[
        "code"
    ] == 3
    assert (await upload(session, emulator, "a.gcode", data, serialNumber="SNX"))[
        "code"
    ] == 3
    assert (await upload(session, emulator, "a.gcode", data, printNow="True"))[
        "code"
    ] == 2
    assert (await upload(session, emulator, "a.gcode", data, fileSize="lots"))[
        "code"
    ] == 2
    answer = await upload(session, emulator, "a.gcode", data, materialMappings="%%%")
    assert answer["code"] == 2
    # Same answers without Expect: 100-continue.
    assert (
        await upload(session, emulator, "a.gcode", data, expect100=False, checkCode="x")
    )["code"] == 3
    assert "a.gcode" not in emulator.files


async def raw_exchange(
    emu: Emulator, headers: dict[str, str], body: bytes | None
) -> bytes:
    """Send a raw upload request head; return the first bytes the printer answers."""
    reader, writer = await asyncio.open_connection(emu.host, emu.port)
    try:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        writer.write(
            f"POST /uploadGcode HTTP/1.1\r\nHost: {emu.host}\r\n{head}\r\n".encode()
        )
        await writer.drain()
        first = await asyncio.wait_for(reader.read(4096), 5)
        if body is not None and first.startswith(b"HTTP/1.1 100"):
            writer.write(body)
            await writer.drain()
            rest = await asyncio.wait_for(reader.read(4096), 5)
            return first + rest
        return first
    finally:
        writer.close()
        await writer.wait_closed()


def multipart(name: str, data: bytes) -> tuple[str, bytes]:
    """Return (content type, body) of a one-file multipart form."""
    boundary = "----WebKitFormBoundaryEmu1234"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="gcodeFile"; '
            f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return f"multipart/form-data; boundary={boundary}", body


async def test_expect_100_continue(emulator: Emulator, socket_enabled: None) -> None:
    content_type, body = multipart("raw.gcode", b"G28\nG1 X5\n")
    headers = {
        **upload_headers(emulator, 10),
        "Content-Type": content_type,
        "Content-Length": str(len(body)),
        "Expect": "100-continue",
    }
    # Good headers: 100 Continue first, then the final answer.
    answer = await raw_exchange(emulator, headers, body)
    assert answer.startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
    assert b'{"code":0,"message":"Success"}' in answer
    assert emulator.files["raw.gcode"].size == 10

    # Bad credentials: the final answer straight away, never 100 Continue.
    answer = await raw_exchange(emulator, {**headers, "checkCode": "bad"}, None)
    assert answer.startswith(b"HTTP/1.1 200")
    assert b"100 Continue" not in answer
    assert b'{"code":3,"message":"Unauthorized"}' in answer

    # Bad fileSize header: code 2, again before the body.
    answer = await raw_exchange(emulator, {**headers, "fileSize": "-1"}, None)
    assert answer.startswith(b"HTTP/1.1 200")
    assert b'"code":2' in answer


async def test_print_now(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    answer = await upload(
        session,
        emulator,
        "now.gcode",
        TWO_COLOR_GCODE,
        printNow="true",
        levelingBeforePrint="true",
    )
    assert answer["code"] == 0
    served = await detail(session, emulator)
    assert served["status"] == "heating"
    assert served["printFileName"] == "now.gcode"
    assert served["targetPrintLayer"] == 42
    assert emulator.printer.job is not None
    assert emulator.printer.job.leveling is True
    # A second printNow while printing stores the file but does not print it.
    answer = await upload(session, emulator, "later.gcode", b"G28\n", printNow="true")
    assert answer["code"] == 1
    assert "stored" in answer["message"]
    assert "later.gcode" in emulator.files
    assert (await detail(session, emulator))["printFileName"] == "now.gcode"


async def test_upload_parses_slicer_metadata(
    emulator_factory: EmulatorFactory, session: aiohttp.ClientSession
) -> None:
    async with emulator_factory("ad5x", clock=Clock.manual()) as emu:
        assert (await upload(session, emu, "two.gcode", TWO_COLOR_GCODE))["code"] == 0
        tools = emu.files["two.gcode"].tools
        assert [(t.tool_id, t.material, t.color, t.weight_g) for t in tools] == [
            (0, "PLA", "#FF0000", 5.5),
            (1, "PETG", "#00FF00", 2.25),
        ]
        answer = await post(session, emu, "/gcodeList")
        entry = answer["gcodeListDetail"][0]
        assert entry["gcodeFileName"] == "two.gcode"
        assert entry["gcodeToolCnt"] == 2
        assert entry["printingTime"] == 3723
        assert entry["totalFilamentWeight"] == 7.75
        assert entry["useMatlStation"] is True
        assert entry["gcodeToolDatas"][1] == {
            "filamentWeight": 2.25,
            "materialColor": "#00FF00",
            "materialName": "PETG",
            "slotId": 0,
            "toolId": 1,
        }


GOOD_MAPPINGS = [
    {
        "toolId": 0,
        "slotId": 1,
        "materialName": "PLA",
        "toolMaterialColor": "#FF0000",
        "slotMaterialColor": "#FFFFFF",
    },
    {
        "toolId": 1,
        "slotId": 3,
        "materialName": "PETG",
        "toolMaterialColor": "#00FF00",
        "slotMaterialColor": "#0ACC38",
    },
]


async def test_ad5x_upload_mappings(
    emulator_factory: EmulatorFactory, session: aiohttp.ClientSession
) -> None:
    async with emulator_factory("ad5x", clock=Clock.manual()) as emu:
        station = {"useMatlStation": "true", "printNow": "true", "gcodeToolCnt": "2"}
        cases = [
            (GOOD_MAPPINGS[:1], "1 entries but gcodeToolCnt is 2"),
            (
                [GOOD_MAPPINGS[0], {**GOOD_MAPPINGS[1], "slotId": 4}],
                "slot 4 has no filament",
            ),
            (
                [GOOD_MAPPINGS[0], {**GOOD_MAPPINGS[1], "slotId": 7}],
                "slot 7 does not exist",
            ),
        ]
        for mappings, message in cases:
            answer = await upload(
                session,
                emu,
                "two.gcode",
                TWO_COLOR_GCODE,
                materialMappings=mappings_header(mappings),
                **station,
            )
            assert answer["code"] == 2
            assert message in answer["message"]
            assert emu.printer.status == Status.READY
        answer = await upload(
            session,
            emu,
            "two.gcode",
            TWO_COLOR_GCODE,
            materialMappings=mappings_header(GOOD_MAPPINGS),
            **station,
        )
        assert answer["code"] == 0
        served = await detail(session, emu)
        assert served["status"] == "heating"
        assert served["matlStationInfo"]["currentSlot"] == 1
        assert emu.printer.job is not None
        assert emu.printer.job.mappings == GOOD_MAPPINGS


async def test_ad5x_print_gcode_mappings(
    emulator_factory: EmulatorFactory, session: aiohttp.ClientSession
) -> None:
    async with emulator_factory("ad5x", clock=Clock.manual()) as emu:
        base = {
            "fileName": "Keychain_2Color.gcode",
            "levelingBeforePrint": False,
            "flowCalibration": False,
            "useMatlStation": True,
            "gcodeToolCnt": 2,
        }
        mappings = [{"toolId": 0, "slotId": 1}, {"toolId": 1, "slotId": 2}]
        bad = [
            {**base, "materialMappings": mappings[:1]},
            {**base, "materialMappings": [mappings[0], {"toolId": 1, "slotId": 4}]},
            {**base, "materialMappings": "not a list"},
            {**base, "gcodeToolCnt": 1, "materialMappings": mappings[:1]},
            {**base, "materialMappings": [mappings[0], {"toolId": 0, "slotId": 2}]},
        ]
        for body in bad:
            answer = await post(session, emu, "/printGcode", **body)
            assert answer["code"] == 2, body
        answer = await post(
            session, emu, "/printGcode", **base, materialMappings=mappings
        )
        assert answer == {"code": 0, "message": "Success"}
        assert emu.printer.status == Status.HEATING
        # Without the station the mappings are not checked.
        emu.printer.job = None
        emu.printer.status = Status.READY
        answer = await post(
            session,
            emu,
            "/printGcode",
            **{**base, "useMatlStation": False, "gcodeToolCnt": 0},
            materialMappings=[],
        )
        assert answer["code"] == 0


async def test_upload_while_busy(
    emulator_factory: EmulatorFactory, session: aiohttp.ClientSession
) -> None:
    async with emulator_factory(command_seconds=0.3) as emu:
        first = asyncio.create_task(
            session.post(
                emu.base_url + "/control",
                json={
                    **emu.auth(),
                    "payload": {"cmd": "lightControl_cmd", "args": {"status": "open"}},
                },
            )
        )
        await asyncio.sleep(0.1)
        assert (await upload(session, emu, "b.gcode", b"G28\n"))["code"] == 5
        assert (await upload(session, emu, "b.gcode", b"G28\n", expect100=False))[
            "code"
        ] == 5
        resp = await first
        assert (await resp.json())["code"] == 0
        resp.release()
        assert "b.gcode" not in emu.files
