"""Faults over the legacy TCP API: drop, silence, garbage, refused control, latency."""

import asyncio
import contextlib
import time

import aiohttp
import pytest

from flashforge_emulator import Emulator, FaultKind
from tests.conftest import EmulatorFactory

from .helpers import post, tcp_peer, tcp_session


@pytest.mark.parametrize("path", ["~M119", "~"])
async def test_drop(emulator: Emulator, path: str) -> None:
    emulator.add_fault(FaultKind.DROP, path, count=1)
    async with tcp_peer(emulator) as peer:
        await peer.send("M119")
        assert await asyncio.wait_for(peer.reader.read(), 5) == b""
    async with tcp_session(emulator) as peer:  # the count ran out
        assert (await peer.ask("M119"))[0] == "CMD M119 Received."


async def test_silence_leaves_the_connection_open(emulator: Emulator) -> None:
    emulator.add_fault(FaultKind.SILENCE, "~M146", count=1)
    async with tcp_session(emulator) as peer:
        await peer.send("M146 r0 g0 b0 F0")
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(peer.reader.readline(), 0.3)
        assert emulator.printer.light_on  # not carried out
        assert (await peer.ask("M27"))[0] == "CMD M27 Received."


@pytest.mark.parametrize("size", [0, 3_000_000])
async def test_garbage(emulator: Emulator, size: int) -> None:
    emulator.add_fault(FaultKind.GARBAGE, "~M119", count=1, after_bytes=size)
    async with tcp_session(emulator) as peer:
        await peer.send("M119")
        assert await peer.reader.readline() == b"CMD M119 Received.\r\n"
        received = 0
        tail = b""
        while not tail.endswith(b"\r\nok\r\n"):
            chunk = await asyncio.wait_for(peer.reader.read(65536), 5)
            assert chunk
            received += len(chunk)
            tail = (tail + chunk)[-6:]
        assert received - len(b"\r\nok\r\n") == (size or 512)
        assert (await peer.ask("M119"))[1].startswith("Endstop:")


async def test_garbage_has_no_line_ends_and_is_not_text(emulator: Emulator) -> None:
    emulator.add_fault(FaultKind.GARBAGE, "~M115", count=1)
    async with tcp_session(emulator) as peer:
        await peer.send("M115")
        await peer.reader.readline()
        noise = await peer.read_exact(512)
        assert b"\n" not in noise
        assert b"\r" not in noise
        with pytest.raises(UnicodeDecodeError):
            noise.decode()
        await peer.reply()


@pytest.mark.parametrize(
    ("model", "refusal"),
    [
        ("5m-pro", "Control Failed."),
        ("adventurer4", "Control Failed."),
        ("adventurer3", "Error: have been connected"),
    ],
)
async def test_control_refused(
    emulator_factory: EmulatorFactory, model: str, refusal: str
) -> None:
    async with emulator_factory(model) as emu, tcp_peer(emu) as peer:
        emu.add_fault(FaultKind.CONTROL_REFUSED, "~", count=2)
        assert (await peer.ask("M115"))[-1] == "ok"  # only M601 consults it
        assert refusal in await peer.ask("M601 S1")
        assert refusal in await peer.ask("M601 S1")
        assert not emu.tcp_control_held
        assert refusal not in await peer.ask("M601 S1")
        assert emu.tcp_control_held


async def test_latency(emulator: Emulator) -> None:
    emulator.add_fault(FaultKind.LATENCY, "~M105", count=1, delay=0.3)
    async with tcp_session(emulator) as peer:
        start = time.monotonic()
        await peer.ask("M105")
        assert time.monotonic() - start >= 0.3
        start = time.monotonic()
        await peer.ask("M105")
        assert time.monotonic() - start < 0.3


async def test_drop_upload_after_bytes(emulator: Emulator) -> None:
    emulator.add_fault(FaultKind.DROP, "~M28", count=1, after_bytes=1024)
    data = b"G1 X1\n" * 100_000
    async with tcp_peer(emulator) as peer:
        assert (await peer.ask(f"M28 {len(data)} 0:/user/big.gcode"))[-1] == "ok"
        peer.writer.write(data)
        # Closed with data unread: a reset, or an orderly end of stream.
        with contextlib.suppress(ConnectionResetError):
            assert await asyncio.wait_for(peer.reader.read(), 5) == b""
    storage = emulator.storage_dir
    assert storage is not None
    for _ in range(200):
        if not any(p.name.endswith(".partial") for p in storage.iterdir()):
            break
        await asyncio.sleep(0.01)
    else:
        raise AssertionError("the partial upload was kept")
    assert "big.gcode" not in emulator.files
    async with tcp_session(emulator) as peer:
        assert (await peer.ask(f"M28 {len(data)} 0:/user/big.gcode"))[-1] == "ok"
        peer.writer.write(data)
        assert (await peer.ask("M29"))[-1] == "ok"
    assert emulator.files["big.gcode"].size == len(data)


async def test_http_and_tcp_faults_stay_apart(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    emulator.add_fault(FaultKind.DROP)  # no path: every HTTP path
    emulator.add_fault(FaultKind.SILENCE, "~")
    with pytest.raises(aiohttp.ClientError):
        await post(session, emulator, "/detail")
    async with tcp_peer(emulator) as peer:
        await peer.send("M115")
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(peer.reader.readline(), 0.2)
    emulator.clear_faults()
    emulator.add_fault(FaultKind.DROP, "~")
    assert (await post(session, emulator, "/detail"))["code"] == 0


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        (FaultKind.SILENCE, "/detail"),
        (FaultKind.GARBAGE, None),
        (FaultKind.CONTROL_REFUSED, "/control"),
        (FaultKind.BUSY, "~M601"),
        (FaultKind.INVALID_JSON, "~"),
        (FaultKind.HTML_ERROR, "~M115"),
    ],
)
async def test_a_fault_on_the_wrong_protocol_is_refused(
    emulator: Emulator, kind: FaultKind, path: str | None
) -> None:
    with pytest.raises(ValueError, match="fault"):
        emulator.add_fault(kind, path)
