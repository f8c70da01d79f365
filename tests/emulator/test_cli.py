"""The command line: starts, prints what to connect to, answers, stops cleanly."""

import asyncio
from pathlib import Path
import re
import signal
import sys

import aiohttp
import pytest

ROOT = Path(__file__).resolve().parents[2]


async def test_cli_serves_until_interrupted(socket_enabled: None) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "flashforge_emulator",
        "--host", "127.0.0.1",
        "--port", "0",
        "--tcp-port", "0",
        "--camera-port", "0",
        "--serial", "SNCLI0001",
        "--check-code", "CLICODE1",
        "--model", "5m-pro",
        "--name", "CLI printer",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        output = await read_banner(process)
        assert "SNCLI0001" in output
        assert "CLICODE1" in output
        match = re.search(r"HTTP API:\s+(http://127\.0\.0\.1:\d+)", output)
        assert match
        assert re.search(r"camera:\s+http://127\.0\.0\.1:\d+/\?action=stream", output)
        assert re.search(r"TCP API:\s+127\.0\.0\.1:\d+", output)
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                match.group(1) + "/detail",
                json={"serialNumber": "SNCLI0001", "checkCode": "CLICODE1"},
            ) as resp,
        ):
            answer = await resp.json()
        assert answer["code"] == 0
        assert answer["detail"]["name"] == "CLI printer"
        process.send_signal(signal.SIGINT)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 20)
        assert process.returncode == 0
        assert b"Traceback" not in stderr
        assert b"Stopped." in stdout
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def read_banner(process: asyncio.subprocess.Process) -> str:
    """Return what the CLI prints up to its "Press Ctrl-C" line."""
    assert process.stdout is not None
    lines: list[str] = []
    while not lines or not lines[-1].startswith("Press Ctrl-C"):
        line = await asyncio.wait_for(process.stdout.readline(), 20)
        assert line, "the CLI exited early"
        lines.append(line.decode().strip())
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("model", "machine_type"),
    [
        ("adventurer3", "FlashForge Adventurer III"),
        ("adventurer4", "Flashforge Adventurer 4"),
    ],
)
async def test_cli_serves_a_tcp_only_model(
    socket_enabled: None, model: str, machine_type: str
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "flashforge_emulator",
        "--host", "127.0.0.1",
        "--tcp-port", "0",
        "--camera-port", "0",
        "--model", model,
        "--name", "CLI legacy",
        "--check-code", "CLICODE2",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        output = await read_banner(process)
        assert "HTTP API" not in output
        assert "CLICODE2" not in output  # no HTTP API, no check code
        match = re.search(r"TCP API:\s+127\.0\.0\.1:(\d+)", output)
        assert match
        reader, writer = await asyncio.open_connection("127.0.0.1", int(match[1]))
        writer.write(b"~M115\r\n")
        reply = b""
        while not reply.endswith(b"ok\r\n"):
            reply += await asyncio.wait_for(reader.read(4096), 5)
        writer.close()
        assert f"Machine Type: {machine_type}".encode() in reply
        assert b"Machine Name: CLI legacy" in reply
        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), 20)
        assert process.returncode == 0
        assert b"Traceback" not in stderr
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
