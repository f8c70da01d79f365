"""Every method of the TCP client against the emulator, over loopback, per model form.

The emulator speaks one form per profile: the Adventurer 3's (``echo:``
prefixes, its own state words, the text file list), the Adventurer 4's and the
5M family's (legacy-api.md). After each operation no control is held.
"""

from collections.abc import AsyncIterator
import hashlib
from pathlib import Path

import aiohttp
import pytest

from custom_components.flashforge.api import (
    FlashForgeConnectionError,
    FlashForgeGcodeError,
    FlashForgeInUseError,
    FlashForgeNotFoundError,
    FlashForgeResponseError,
    FlashForgeTcpClient,
    FlashForgeTimeoutError,
    GcodeProblem,
    MachineStatus,
    legacy_detail,
)
from flashforge_emulator import Emulator
from flashforge_emulator.faults import FaultKind

from ..conftest import EmulatorFactory
from ..emulator.helpers import detail, tcp_session

MODELS = ["adventurer3", "adventurer4", "5m-pro"]
# The models whose M23 only selects the file (M24 starts it).
SELECT_ONLY = {"adventurer3", "adventurer4"}


@pytest.fixture(params=MODELS)
async def emu(
    request: pytest.FixtureRequest, emulator_factory: EmulatorFactory
) -> AsyncIterator[Emulator]:
    """Return a running emulator of each model with the TCP API."""
    async with emulator_factory(request.param) as emulator:
        yield emulator


@pytest.fixture
async def client(emu: Emulator) -> AsyncIterator[FlashForgeTcpClient]:
    """Return a TCP client of the emulator."""
    assert emu.tcp_port is not None
    async with FlashForgeTcpClient(
        emu.host, port=emu.tcp_port, request_timeout=2.0
    ) as tcp_client:
        yield tcp_client
    assert not emu.tcp_control_held


def stored_path(emu: Emulator, name: str) -> str:
    """Return a stored file's path as the model's M661 gives it."""
    return name if emu.profile.key == "adventurer3" else f"/data/{name}"


async def test_info(emu: Emulator, client: FlashForgeTcpClient) -> None:
    """M115 identifies the printer in every model's form."""
    info = await client.info()
    assert info.machine_type == emu.profile.machine_type
    assert info.name == emu.printer.name
    assert info.unique_id == info.serial_number == emu.serial
    assert info.build_volume == emu.profile.build_volume
    assert info.tool_count == 1
    assert emu.tcp_commands == ["~M601 S1", "~M115", "~M602"]


async def test_state_and_detail(emu: Emulator, client: FlashForgeTcpClient) -> None:
    """state() reads the printer as the emulator holds it; the detail carries it."""
    emu.printer.light_on = True
    state = await client.state()
    assert state.status is MachineStatus.READY
    assert state.light_on is True
    assert state.nozzle_temperatures == ((25.0, 0.0),)
    assert state.bed == (25.0, 0.0)
    info = await client.info()
    printer_detail = legacy_detail(info, state)
    assert printer_detail.status is MachineStatus.READY
    assert printer_detail.name == emu.printer.name
    assert printer_detail.pid is None
    assert printer_detail.nozzle_temperature == 25.0
    assert printer_detail.light_on is True


async def test_files_and_thumbnails(emu: Emulator, client: FlashForgeTcpClient) -> None:
    """M661 lists every stored file; M662 gives each one's image, bounded."""
    paths = await client.files()
    assert sorted(paths) == sorted(stored_path(emu, name) for name in emu.files)
    for name, stored in emu.files.items():
        assert await client.thumbnail(stored_path(emu, name)) == stored.thumbnail
    with pytest.raises(FlashForgeNotFoundError):
        await client.thumbnail(stored_path(emu, "missing.gcode"))


@pytest.mark.parametrize(
    ("on", "color", "lit", "shown"),
    [
        (True, None, True, (255, 255, 255)),
        (True, (255, 0, 0), True, (255, 0, 0)),
        (False, (255, 0, 0), False, None),
    ],
)
async def test_light(
    emu: Emulator,
    client: FlashForgeTcpClient,
    on: bool,
    color: tuple[int, int, int] | None,
    lit: bool,
    shown: tuple[int, int, int] | None,
) -> None:
    """M146 in the model's form: on/off on the Adventurer 3, a colour where there is one."""
    emu.printer.light_on = not on
    await client.set_light(on, color)
    assert emu.printer.light_on is lit
    if shown is not None and emu.profile.has_rgb_light:
        assert emu.printer.light_color == shown


async def test_temperatures_and_fan(emu: Emulator, client: FlashForgeTcpClient) -> None:
    """M104/M140 set the targets, M106/M107 the part fan."""
    await client.set_temperatures(nozzle=200, bed=60)
    assert emu.printer.heaters.nozzles[0].target == 200
    assert emu.printer.heaters.bed.target == 60
    await client.set_temperatures(bed=0)
    assert emu.printer.heaters.bed.target == 0
    await client.set_cooling_fan(True)
    assert emu.printer.cooling_fan > 0
    await client.set_cooling_fan(False)
    assert emu.printer.cooling_fan == 0


async def test_home_and_move(emu: Emulator, client: FlashForgeTcpClient) -> None:
    """G28 homes; a move is relative (G91, G1) and leaves absolute positioning (G90)."""
    await client.home()
    start = list(emu.printer.coordinate)
    await client.move(x=5, z=1.25, feed_rate=600)
    assert emu.printer.coordinate == [start[0] + 5, start[1], start[2] + 1.25]
    assert emu.printer.relative_moves is False
    assert "~G1 X5 Z1.25 F600" in emu.tcp_commands


async def test_print_pause_resume_cancel(
    emu: Emulator, client: FlashForgeTcpClient
) -> None:
    """M23 (and M24 where M23 only selects) starts a stored file; M25/M24/M26 steer it."""
    name = next(iter(emu.files))
    await client.print_file(stored_path(emu, name))
    assert emu.printer.status.value in {"heating", "printing"}
    assert ("~M24" in emu.tcp_commands) is (emu.profile.key in SELECT_ONLY)
    state = await client.state()
    assert state.status is MachineStatus.PRINTING
    assert state.current_file == name
    await client.pause_print()
    emu.advance(60)
    assert (await client.state()).status is MachineStatus.PAUSED
    await client.resume_print()
    assert (await client.state()).status is MachineStatus.PRINTING
    await client.cancel_print()
    assert (await client.state()).status is not MachineStatus.PRINTING


async def test_print_missing_file(emu: Emulator, client: FlashForgeTcpClient) -> None:
    """A file the printer does not have is an error, whichever way the model says so."""
    with pytest.raises(FlashForgeNotFoundError):
        await client.print_file("missing.gcode")
    assert emu.printer.status.value == "ready"


async def test_emergency_stop(emu: Emulator, client: FlashForgeTcpClient) -> None:
    """M112 goes out in its own session."""
    await client.emergency_stop()
    assert emu.tcp_commands == ["~M601 S1", "~M112", "~M602"]


async def test_send_gcode(emu: Emulator, client: FlashForgeTcpClient) -> None:
    """Raw G-code returns each line's reply data."""
    replies = await client.send_gcode("M104 S180 ; warm up\n\nM105")
    assert len(replies) == 2
    assert "T0:" in replies[1]
    assert emu.printer.heaters.nozzles[0].target == 180


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        ([], GcodeProblem.EMPTY),
        (["G28"] * 65, GcodeProblem.TOO_MANY_LINES),
        (["G28\r\nM112"], GcodeProblem.INVALID_LINE),
        ([""], GcodeProblem.EMPTY),
        (["G1 X" + "1" * 300], GcodeProblem.INVALID_LINE),
        (["M28 10 0:/user/x.gcode"], GcodeProblem.NOT_ALLOWED),
        (["M602"], GcodeProblem.NOT_ALLOWED),
        (["m0661"], GcodeProblem.NOT_ALLOWED),
        (["~M105"], GcodeProblem.INVALID_LINE),
        (["M105 ~M601 S1"], GcodeProblem.INVALID_LINE),
        ("; only a comment\n", GcodeProblem.EMPTY),
        (["hello"], GcodeProblem.NOT_ALLOWED),
    ],
)
async def test_send_gcode_refused(
    emu: Emulator,
    client: FlashForgeTcpClient,
    lines: str | list[str],
    problem: GcodeProblem,
) -> None:
    """Lines that would break the session or the framing are refused before anything is sent."""
    with pytest.raises(FlashForgeGcodeError) as err:
        await client.send_gcode(lines)
    assert err.value.problem is problem
    assert emu.tcp_commands == []


async def test_upload(
    emu: Emulator, client: FlashForgeTcpClient, tmp_path: Path
) -> None:
    """M28, the raw bytes in chunks with progress, M29: the printer stores the file whole."""
    content = b"G28\n" + bytes(range(256)) * 4096
    path = tmp_path / "part.gcode"
    path.write_bytes(content)
    progress: list[tuple[int, int]] = []
    await client.upload(
        path, progress=lambda sent, total: progress.append((sent, total))
    )
    stored = emu.files["part.gcode"]
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert progress[-1] == (len(content), len(content))
    assert [sent for sent, _ in progress] == sorted(sent for sent, _ in progress)
    assert emu.printer.status.value == "ready"
    assert stored_path(emu, "part.gcode") in await client.files()


async def test_upload_and_print(
    emu: Emulator, client: FlashForgeTcpClient, tmp_path: Path
) -> None:
    """An upload with print_now starts the file under the given name."""
    path = tmp_path / "local.gcode"
    path.write_bytes(b"G28\nG1 X10\n")
    await client.upload(path, file_name="remote.gcode", print_now=True)
    assert "remote.gcode" in emu.files
    assert (await client.state()).current_file == "remote.gcode"


async def test_in_use_by_another_program(
    emu: Emulator, client: FlashForgeTcpClient
) -> None:
    """While another program holds control, each operation is refused, and none releases it."""
    async with tcp_session(emu):
        with pytest.raises(FlashForgeInUseError):
            await client.state()
        assert emu.tcp_control_held
        assert emu.tcp_commands.count("~M602") == 0
    assert (await client.state()).status is MachineStatus.READY


async def test_reconnects_after_power_cycle(
    emu: Emulator, client: FlashForgeTcpClient
) -> None:
    """A printer that went away and came back is read again: nothing is kept between operations."""
    await client.state()
    await emu.go_offline()
    with pytest.raises(FlashForgeConnectionError):
        await client.state()
    await emu.come_back()
    assert (await client.state()).status is MachineStatus.READY


async def test_tcp_print_shows_over_http(
    emulator_factory: EmulatorFactory, tmp_path: Path
) -> None:
    """On a 5M, a print started over TCP is the one HTTP's /detail reports."""
    async with (
        emulator_factory("5m-pro") as emulator,
        FlashForgeTcpClient(
            emulator.host, port=emulator.tcp_port or 0, request_timeout=2.0
        ) as tcp_client,
        aiohttp.ClientSession() as session,
    ):
        path = tmp_path / "both.gcode"
        path.write_bytes(b"G28\n")
        await tcp_client.upload(path, print_now=True)
        answer = await detail(session, emulator)
        assert answer["printFileName"] == "both.gcode"
        assert answer["status"] in {"heating", "printing"}


FAULTS = {
    "drop": (FaultKind.DROP, "~M119", 0, FlashForgeConnectionError),
    "silence": (FaultKind.SILENCE, "~M105", 0, FlashForgeTimeoutError),
    "garbage": (FaultKind.GARBAGE, "~M27", 1024 * 1024, FlashForgeResponseError),
    "control refused": (FaultKind.CONTROL_REFUSED, "~M601", 0, FlashForgeInUseError),
}


@pytest.mark.parametrize(
    ("kind", "command", "after_bytes", "error"), FAULTS.values(), ids=FAULTS.keys()
)
async def test_faults(
    emu: Emulator,
    kind: FaultKind,
    command: str,
    after_bytes: int,
    error: type[Exception],
) -> None:
    """A printer fault is the library's error; no control is left held, and the next poll reads."""
    assert emu.tcp_port is not None
    emu.add_fault(kind, command, count=1, after_bytes=after_bytes)
    async with FlashForgeTcpClient(
        emu.host, port=emu.tcp_port, request_timeout=0.5
    ) as tcp_client:
        with pytest.raises(error):
            await tcp_client.state()
        assert (await tcp_client.state()).status is MachineStatus.READY
    assert not emu.tcp_control_held


async def test_upload_dropped(
    emu: Emulator, client: FlashForgeTcpClient, tmp_path: Path
) -> None:
    """A printer that drops the connection mid-upload keeps nothing, and is free again."""
    path = tmp_path / "cut.gcode"
    path.write_bytes(b"G28\n" * 100_000)
    emu.add_fault(FaultKind.DROP, "~M28", count=1, after_bytes=64 * 1024)
    with pytest.raises(FlashForgeConnectionError):
        await client.upload(path)
    assert "cut.gcode" not in emu.files
    assert not emu.tcp_control_held
    await client.upload(path)
    assert emu.files["cut.gcode"].size == path.stat().st_size
