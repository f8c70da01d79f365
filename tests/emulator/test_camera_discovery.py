"""The MJPEG camera and the UDP discovery responder."""

import asyncio
import socket
import struct

import aiohttp
import pytest

from flashforge_emulator import Emulator, Status
from tests.conftest import EmulatorFactory

from .helpers import control, detail


async def read_frames(resp: aiohttp.ClientResponse, count: int) -> list[bytes]:
    """Read JPEG frames from a multipart/x-mixed-replace response."""
    boundary = resp.headers["Content-Type"].split("boundary=")[1].encode()
    frames: list[bytes] = []
    while len(frames) < count:
        line = await resp.content.readline()
        if not line.strip():
            continue
        assert line.strip() == b"--" + boundary
        headers: dict[str, str] = {}
        while (line := await resp.content.readline()).strip():
            key, value = line.decode().split(":", 1)
            headers[key.strip().lower()] = value.strip()
        assert headers["content-type"] == "image/jpeg"
        frames.append(await resp.content.readexactly(int(headers["content-length"])))
    return frames


async def test_mjpeg_stream(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    url = (await detail(session, emulator))["cameraStreamUrl"]
    assert url == f"http://127.0.0.1:{emulator.camera_port}/?action=stream"
    async with session.get(url) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("multipart/x-mixed-replace")
        frames = await read_frames(resp, 3)
        assert all(
            f.startswith(b"\xff\xd8") and f.endswith(b"\xff\xd9") for f in frames
        )
        assert len(set(frames)) == 3  # the frame counter makes each one differ

        # One viewer at a time.
        async with session.get(url) as second:
            assert second.status == 503

    # Once the first viewer leaves, another may watch.
    await asyncio.sleep(0.3)
    async with session.get(url) as resp:
        assert resp.status == 200
        assert len(await read_frames(resp, 1)) == 1


async def test_snapshot(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    async with session.get(
        f"http://127.0.0.1:{emulator.camera_port}/?action=snapshot"
    ) as resp:
        assert resp.status == 200
        assert resp.content_type == "image/jpeg"
        assert (await resp.read()).startswith(b"\xff\xd8")


async def test_stream_off_refuses_connections(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    url = f"http://127.0.0.1:{emulator.camera_port}/?action=stream"
    async with session.get(url) as viewer:
        await read_frames(viewer, 1)
        assert (await control(session, emulator, "streamCtrl_cmd", action="close"))[
            "code"
        ] == 0
        # The running stream ends.
        with pytest.raises((aiohttp.ClientError, asyncio.IncompleteReadError)):
            await asyncio.wait_for(read_frames(viewer, 100), 5)
    with pytest.raises(aiohttp.ClientConnectionError):
        await session.get(url)
    assert (await control(session, emulator, "streamCtrl_cmd", action="open"))[
        "code"
    ] == 0
    async with session.get(url) as resp:
        assert resp.status == 200
        await read_frames(resp, 1)


async def test_stream_flag_flipped_directly(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    emulator.printer.stream_on = False
    async with session.get(
        f"http://127.0.0.1:{emulator.camera_port}/?action=stream"
    ) as resp:
        assert resp.status == 503


async def test_no_camera_on_5m(
    emulator_factory: EmulatorFactory, session: aiohttp.ClientSession
) -> None:
    async with emulator_factory("5m") as emu:
        assert emu.camera_port is None
        assert (await detail(session, emu))["cameraStreamUrl"] == ""
        answer = await control(session, emu, "streamCtrl_cmd", action="open")
        assert answer == {"code": 1, "message": "This printer has no camera"}


CUBE = "Calibration_Cube.gcode"


async def discover(port: int) -> bytes:
    """Send an empty datagram and return the reply."""
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setblocking(False)  # noqa: FBT003 - socket API
    try:
        sock.bind(("127.0.0.1", 0))
        await loop.sock_sendto(sock, b"", ("127.0.0.1", port))
        data, _ = await asyncio.wait_for(loop.sock_recvfrom(sock, 1024), 5)
        return data
    finally:
        sock.close()


async def test_discovery_reply_layout(emulator_factory: EmulatorFactory) -> None:
    async with emulator_factory(
        "ad5x", serial="SNAD5X0042", name="Workshop AD5X", discovery_port=0
    ) as emu:
        assert emu.discovery_port is not None
        reply = await discover(emu.discovery_port)
        assert len(reply) == 276
        assert reply[0x00:0x84] == b"Workshop AD5X".ljust(132, b"\x00")
        assert reply[0x84:0x86] == b"\x22\xc3"  # command port 8899
        assert reply[0x86:0x88] == b"\x2b\x71"  # vendor id
        assert reply[0x88:0x8A] == b"\x00\x26"  # product id 38
        assert reply[0x8A:0x8C] == b"\x00\x00"  # reserved
        assert reply[0x8C:0x8E] == b"\x5a\x02"  # product type
        assert reply[0x8E:0x90] == emu.port.to_bytes(2, "big")  # event port = HTTP port
        assert reply[0x90:0x92] == b"\x00\x00"  # ready
        assert reply[0x92:0x114] == b"SNAD5X0042".ljust(130, b"\x00")

        emu.printer.start_print("Cube_PLA.gcode", emu.files["Cube_PLA.gcode"].meta)
        assert emu.printer.status == Status.HEATING
        assert struct.unpack_from(">H", await discover(emu.discovery_port), 0x90) == (
            1,
        )
        emu.printer.set_error("E0001")
        assert struct.unpack_from(">H", await discover(emu.discovery_port), 0x90) == (
            2,
        )

        port = emu.discovery_port
        await emu.go_offline()
        await emu.come_back()
        assert emu.discovery_port == port
        assert len(await discover(port)) == 276


@pytest.mark.parametrize(
    ("model", "product_id"), [("5m", 35), ("5m-pro", 36), ("creator5", 40)]
)
async def test_discovery_product_ids(
    emulator_factory: EmulatorFactory, model: str, product_id: int
) -> None:
    async with emulator_factory(model, discovery_port=0) as emu:
        assert emu.discovery_port is not None
        reply = await discover(emu.discovery_port)
        assert struct.unpack_from(">H", reply, 0x88) == (product_id,)


@pytest.mark.parametrize(
    ("model", "product_id"), [("adventurer3", 0x0008), ("adventurer4", 0x001F)]
)
async def test_legacy_discovery_reply_layout(
    emulator_factory: EmulatorFactory, model: str, product_id: int
) -> None:
    async with emulator_factory(model, name="Garage", discovery_port=0) as emu:
        assert emu.discovery_port is not None
        assert emu.tcp_port is not None
        reply = await discover(emu.discovery_port)
        assert len(reply) == 140
        assert reply[0x00:0x80] == b"Garage".ljust(128, b"\x00")
        assert reply[0x80:0x84] == b"\x00" * 4  # padding
        assert reply[0x84:0x86] == emu.tcp_port.to_bytes(2, "big")  # command port
        assert reply[0x86:0x88] == b"\x2b\x71"  # vendor id
        assert struct.unpack_from(">H", reply, 0x88) == (product_id,)
        assert reply[0x8A:0x8C] == b"\x00\x00"  # ready
        assert emu.serial.encode() not in reply
        emu.printer.start_print(CUBE, emu.files[CUBE].meta)
        reply = await discover(emu.discovery_port)
        assert struct.unpack_from(">H", reply, 0x8A) == (1,)


async def test_legacy_discovery_cuts_a_long_name(
    emulator_factory: EmulatorFactory,
) -> None:
    name = "Ä" * 100  # 200 bytes of UTF-8
    async with emulator_factory("adventurer3", name=name, discovery_port=0) as emu:
        assert emu.discovery_port is not None
        reply = await discover(emu.discovery_port)
        assert len(reply) == 140
        assert reply[:0x80].rstrip(b"\x00").decode() == "Ä" * 63


async def test_stop_with_a_viewer_watching(
    emulator_factory: EmulatorFactory, session: aiohttp.ClientSession
) -> None:
    async with emulator_factory() as emu:
        url = f"http://127.0.0.1:{emu.camera_port}/?action=stream"
        viewer = await session.get(url)
        await read_frames(viewer, 1)
        await emu.go_offline()  # drops the viewer too
        with pytest.raises((aiohttp.ClientError, asyncio.IncompleteReadError)):
            await asyncio.wait_for(read_frames(viewer, 100), 5)
        viewer.release()
        await emu.come_back()
        viewer = await session.get(url)
        await read_frames(viewer, 1)
    # Leaving the block stopped everything even though the viewer was watching.
    with pytest.raises((aiohttp.ClientError, asyncio.IncompleteReadError)):
        await asyncio.wait_for(read_frames(viewer, 100), 5)
    viewer.release()
