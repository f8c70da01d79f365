"""Injected faults, check code changes and going offline."""

import asyncio
from collections.abc import AsyncIterator
import json
import time

import aiohttp
import pytest

from flashforge_emulator import Emulator, FaultKind
from tests.conftest import EmulatorFactory

from .helpers import control, post
from .test_upload import upload


async def test_latency(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    emulator.add_fault(FaultKind.LATENCY, "/detail", count=1, delay=0.3)
    start = time.monotonic()
    assert (await post(session, emulator, "/detail"))["code"] == 0
    assert time.monotonic() - start >= 0.3
    start = time.monotonic()
    assert (await post(session, emulator, "/detail"))["code"] == 0
    assert time.monotonic() - start < 0.3  # the count ran out


async def test_drop(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    emulator.add_fault(FaultKind.DROP, "/control", count=1)
    with pytest.raises(aiohttp.ClientError):
        await control(session, emulator, "lightControl_cmd", status="close")
    assert emulator.printer.light_on is True  # dropped before handling
    assert (await control(session, emulator, "lightControl_cmd", status="close"))[
        "code"
    ] == 0
    # Other paths were never affected.
    assert (await post(session, emulator, "/detail"))["code"] == 0


async def test_drop_upload_after_bytes(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    emulator.add_fault(FaultKind.DROP, "/uploadGcode", count=1, after_bytes=1024 * 1024)
    data = b"G1 X1\n" * 1_000_000
    with pytest.raises(aiohttp.ClientError):
        await upload(session, emulator, "big.gcode", data)
    assert "big.gcode" not in emulator.files
    assert emulator.storage_dir is not None
    assert not any("big.gcode" in p.name for p in emulator.storage_dir.iterdir())
    # The printer is not left Busy.
    assert (await upload(session, emulator, "big.gcode", data))["code"] == 0
    assert emulator.files["big.gcode"].size == len(data)


async def test_busy_fault_only_hits_commands(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    emulator.add_fault(FaultKind.BUSY)
    assert await control(session, emulator, "lightControl_cmd", status="close") == {
        "code": 5,
        "message": "Busy",
    }
    answer = await post(
        session, emulator, "/printGcode", fileName="Calibration_Cube.gcode"
    )
    assert answer["code"] == 5
    assert (await upload(session, emulator, "x.gcode", b"G28\n"))["code"] == 5
    assert (await upload(session, emulator, "x.gcode", b"G28\n", expect100=False))[
        "code"
    ] == 5
    assert (await post(session, emulator, "/detail"))["code"] == 0
    assert emulator.printer.light_on is True
    emulator.clear_faults()
    assert (await control(session, emulator, "lightControl_cmd", status="close"))[
        "code"
    ] == 0


async def test_invalid_json(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    emulator.add_fault(FaultKind.INVALID_JSON, "/detail", count=2)
    for _ in range(2):
        async with session.post(
            emulator.base_url + "/detail", json=emulator.auth()
        ) as resp:
            assert resp.status == 200
            text = await resp.text()
        assert text.startswith('{"code":0')
        with pytest.raises(json.JSONDecodeError):
            json.loads(text)
    assert (await post(session, emulator, "/detail"))["code"] == 0


async def test_html_error(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    emulator.add_fault(FaultKind.HTML_ERROR, count=1)
    async with session.post(
        emulator.base_url + "/product", json=emulator.auth()
    ) as resp:
        assert resp.status == 500
        assert resp.content_type == "text/html"
        assert "<html>" in await resp.text()
    assert (await post(session, emulator, "/product"))["code"] == 0


async def test_fault_on_every_path_until_cleared(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    emulator.add_fault(FaultKind.HTML_ERROR)
    for path in ("/detail", "/gcodeList", "/control"):
        async with session.post(emulator.base_url + path, json=emulator.auth()) as resp:
            assert resp.status == 500
    emulator.clear_faults()
    assert (await post(session, emulator, "/detail"))["code"] == 0


async def test_set_check_code(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    old = emulator.auth()
    emulator.set_check_code("87654321")
    async with session.post(emulator.base_url + "/detail", json=old) as resp:
        assert (await resp.json())["code"] == 3
    assert emulator.check_code == "87654321"
    assert (await post(session, emulator, "/detail"))["code"] == 0


async def test_offline_and_back_on_the_same_port(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    port, camera_port = emulator.port, emulator.camera_port
    assert (await post(session, emulator, "/detail"))[
        "code"
    ] == 0  # keep-alive connection open
    await emulator.go_offline()
    assert not emulator.online
    with pytest.raises(aiohttp.ClientConnectionError):
        await post(session, emulator, "/detail")
    with pytest.raises(ConnectionRefusedError):
        await asyncio.open_connection(emulator.host, port)
    await emulator.come_back()
    assert (emulator.port, emulator.camera_port) == (port, camera_port)
    assert (await post(session, emulator, "/detail"))["code"] == 0
    async with session.get(f"http://127.0.0.1:{camera_port}/?action=snapshot") as resp:
        assert resp.status == 200


async def test_stop_during_an_upload(
    emulator_factory: EmulatorFactory, session: aiohttp.ClientSession
) -> None:
    started = asyncio.Event()

    async def slow_body() -> AsyncIterator[bytes]:
        for _ in range(100):
            yield b"G1 X1\n" * 1000
            started.set()
            await asyncio.sleep(0.02)

    async with emulator_factory() as emu:
        form = aiohttp.FormData()
        form.add_field("gcodeFile", slow_body(), filename="slow.gcode")
        headers = {**emu.auth(), "fileSize": "600000", "printNow": "false"}
        request = asyncio.create_task(
            session.post(emu.base_url + "/uploadGcode", data=form, headers=headers)
        )
        await started.wait()
        storage = emu.storage_dir
    with pytest.raises(aiohttp.ClientError):
        await request
    assert storage is not None
    assert not storage.exists()  # the private storage folder is gone
