"""The command line: starts, prints what to connect to, answers, stops cleanly."""

import asyncio
from pathlib import Path
import re
import signal
import sys

import aiohttp

ROOT = Path(__file__).resolve().parents[2]


async def test_cli_serves_until_interrupted(socket_enabled: None) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "flashforge_emulator",
        "--host", "127.0.0.1",
        "--port", "0",
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
        assert process.stdout is not None
        lines: list[str] = []
        while not lines or not lines[-1].startswith("Press Ctrl-C"):
            line = await asyncio.wait_for(process.stdout.readline(), 20)
            assert line, "the CLI exited early"
            lines.append(line.decode().strip())
        output = "\n".join(lines)
        assert "SNCLI0001" in output
        assert "CLICODE1" in output
        match = re.search(r"HTTP API:\s+(http://127\.0\.0\.1:\d+)", output)
        assert match
        assert re.search(r"camera:\s+http://127\.0\.0\.1:\d+/\?action=stream", output)
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
