"""The legacy TCP API's commands: light, motion, heaters, fan, jobs, files, upload."""

import asyncio
import hashlib

import aiohttp
import pytest

from flashforge_emulator import Clock, Emulator, Status
from tests.conftest import EmulatorFactory

from .helpers import TcpPeer, detail, post, tcp_peer, tcp_session

CUBE = "Calibration_Cube.gcode"
SLOW = {"clock": Clock.manual(), "heating_seconds": 10, "print_seconds": 100}


def ack(code: str, *lines: str) -> list[str]:
    """Return a framed reply."""
    return [f"CMD {code} Received.", *lines, "ok"]


# -------------------------------------------------------------------- light


@pytest.mark.parametrize(
    ("model", "command", "reply", "light_on", "color"),
    [
        ("5m-pro", "M146 r0 g0 b0 F0", ack("M146"), False, (255, 255, 255)),
        ("5m-pro", "M146 r255 g0 b0 F0", ack("M146"), True, (255, 255, 255)),
        ("adventurer4", "M146 r255 g64 b0 F0", ack("M146"), True, (255, 64, 0)),
        ("adventurer4", "M146 r0 g0 b0 F0", ack("M146"), False, (255, 255, 255)),
        ("adventurer4", "M146 S100", ack("M146"), True, (255, 255, 255)),
        ("adventurer3", "M146 1", ack("M146", "ack: M146 1"), True, (0, 0, 0)),
        ("adventurer3", "M146 0", ack("M146", "ack: M146 0"), False, (0, 0, 0)),
        # The A3 reads only "0" as off: a colour command switches it on.
        (
            "adventurer3",
            "M146 r0 g0 b0 F0",
            ack("M146", "ack: M146 r0 g0 b0 F0"),
            True,
            (0, 0, 0),
        ),
    ],
)
async def test_light(
    emulator_factory: EmulatorFactory,
    model: str,
    command: str,
    reply: list[str],
    light_on: bool,
    color: tuple[int, int, int],
) -> None:
    async with emulator_factory(model) as emu, tcp_session(emu) as peer:
        assert await peer.ask(command) == reply
        assert emu.printer.light_on is light_on
        assert emu.printer.light_color == color


async def test_light_over_tcp_shows_over_http(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    async with tcp_session(emulator) as peer:
        await peer.ask("M146 r0 g0 b0 F0")
        assert (await detail(session, emulator))["lightStatus"] == "close"
        assert "LED: 0" in await peer.ask("M119")


async def test_light_needs_a_value(emulator: Emulator) -> None:
    async with tcp_session(emulator) as peer:
        reply = await peer.ask("M146 F0")
        assert reply[1].startswith("Error: ")
        assert emulator.printer.light_on


# ------------------------------------------------------------------- motion


@pytest.mark.parametrize("model", ["5m-pro", "adventurer4"])
async def test_home_and_relative_moves(
    emulator_factory: EmulatorFactory, model: str
) -> None:
    async with emulator_factory(model) as emu, tcp_session(emu) as peer:
        emu.printer.coordinate = [50.0, 50.0, 50.0]
        assert await peer.ask("G28") == ack("G28")
        assert emu.printer.coordinate == [0.0, 0.0, 0.0]
        assert await peer.ask("G91") == ack("G91")
        assert await peer.ask("G1 X10 Y5.5 Z2 F3000") == ack("G1")
        assert await peer.ask("G1 X-2.5 F3000") == ack("G1")
        assert await peer.ask("G90") == ack("G90")
        assert emu.printer.coordinate == [7.5, 5.5, 2.0]
        await peer.ask("G1 X30 F3000")
        assert emu.printer.coordinate == [30.0, 5.5, 2.0]
        await peer.ask("G1 Z9999 F3000")  # kept inside the build volume
        assert emu.printer.coordinate[2] == emu.profile.build_volume[2]


async def test_adventurer3_answers_motion_with_nothing(
    emulator_factory: EmulatorFactory,
) -> None:
    async with emulator_factory("adventurer3") as emu, tcp_session(emu) as peer:
        for line in ("G28", "G91", "G1 X10 F3000", "G90"):
            await peer.send(line)
        # The next reply is M27's: the motion commands sent none.
        assert (await peer.ask("M27"))[0] == "CMD M27 Received."
        assert emu.printer.coordinate == [10.0, 0.0, 0.0]


@pytest.mark.parametrize("command", ["G28", "G91", "G1 X10 F3000", "G90"])
@pytest.mark.parametrize("model", ["5m-pro", "adventurer4", "adventurer3"])
async def test_motion_refused_while_printing(
    emulator_factory: EmulatorFactory, model: str, command: str
) -> None:
    async with emulator_factory(model, **SLOW) as emu:
        emu.printer.coordinate = [5.0, 5.0, 5.0]
        emu.printer.start_print(CUBE, emu.files[CUBE].meta)
        async with tcp_session(emu) as peer:
            await peer.send(command)
            reply = await peer.ask("M27")
            code = command.split(maxsplit=1)[0]
            if model == "adventurer3":
                assert reply[0] == "CMD M27 Received."  # ignored without a word
            else:
                assert reply[:3] == [
                    f"CMD {code} Received.",
                    f"Error: Cannot send {code}: printer is heating",
                    "ok",
                ]
        assert emu.printer.coordinate == [5.0, 5.0, 5.0]
        assert not emu.printer.relative_moves


# ------------------------------------------------------------ heaters, fan


@pytest.mark.parametrize(
    ("model", "command", "nozzle", "bed"),
    [
        ("5m-pro", "M104 S210", 210, 0),
        ("5m-pro", "M140 S60", 0, 60),
        ("5m-pro", "M104 S999", 280, 0),  # capped at the nozzle's maximum
        ("5m-pro", "M104 T0 S0", 0, 0),
        ("adventurer3", "M104 S999", 265, 0),
        ("adventurer3", "M140 S70", 0, 70),
        ("adventurer4", "M140 S999", 0, 110),
    ],
)
async def test_temperature_targets(
    emulator_factory: EmulatorFactory, model: str, command: str, nozzle: int, bed: int
) -> None:
    async with emulator_factory(model) as emu, tcp_session(emu) as peer:
        reply = await peer.ask(command)
        assert reply[-1] == "ok"
        assert not any(line.startswith("Error") for line in reply)
        assert emu.printer.nozzle_target == nozzle
        assert emu.printer.bed_target == bed


async def test_adventurer3_echoes_heater_commands(
    emulator_factory: EmulatorFactory,
) -> None:
    async with emulator_factory("adventurer3") as emu, tcp_session(emu) as peer:
        assert await peer.ask("M140 S70") == ack("M140", "ack: M140 S70")


@pytest.mark.parametrize("command", ["M104", "M104 Sabc", "M104 T1 S200", "M140"])
async def test_bad_temperature_commands(emulator: Emulator, command: str) -> None:
    async with tcp_session(emulator) as peer:
        reply = await peer.ask(command)
        assert reply[1].startswith("Error: ")
        assert emulator.printer.nozzle_target == 0
        assert emulator.printer.bed_target == 0


@pytest.mark.parametrize(
    ("model", "command", "speed"),
    [
        ("5m-pro", "M106", 100),
        ("5m-pro", "M106 S128", 50),
        ("5m-pro", "M106 S999", 100),
        ("adventurer3", "M106 S128", 100),  # on/off only
        ("adventurer4", "M107", 0),
    ],
)
async def test_fan(
    emulator_factory: EmulatorFactory, model: str, command: str, speed: int
) -> None:
    async with emulator_factory(model) as emu, tcp_session(emu) as peer:
        emu.printer.cooling_fan = 30
        assert await peer.ask(command) == ack(command.split(maxsplit=1)[0])
        assert emu.printer.cooling_fan == speed


# --------------------------------------------------------------------- jobs


async def test_5m_m23_starts_and_shows_in_detail(
    emulator_factory: EmulatorFactory, session: aiohttp.ClientSession
) -> None:
    async with emulator_factory("5m-pro", **SLOW) as emu, tcp_session(emu) as peer:
        assert await peer.ask(f"M23 0:/user/{CUBE}") == ack("M23")
        served = await detail(session, emu)
        assert served["status"] == "heating"
        assert served["printFileName"] == CUBE
        emu.advance(10 + 50)
        assert await peer.ask("M25") == ack("M25")
        emu.advance(3)
        assert (await detail(session, emu))["status"] == "paused"
        assert await peer.ask("M24") == ack("M24")
        assert (await detail(session, emu))["status"] == "printing"
        assert await peer.ask("M26") == ack("M26")
        # The 5M waits for the plate to be cleared before it prints again.
        assert (await detail(session, emu))["status"] == "cancel"
        assert await peer.ask(f"M23 0:/user/{CUBE}") == ack(
            "M23", "Error: Printer is cancel; a print can only start when ready"
        )


async def test_print_started_over_http_shows_over_tcp(
    emulator_factory: EmulatorFactory, session: aiohttp.ClientSession
) -> None:
    async with emulator_factory("5m-pro", **SLOW) as emu:
        answer = await post(session, emu, "/printGcode", fileName=CUBE)
        assert answer["code"] == 0
        emu.advance(10 + 40)
        async with tcp_session(emu) as peer:
            status = await peer.ask("M119")
            assert "MachineStatus: BUILDING_FROM_SD" in status
            assert f"CurrentFile: {CUBE}" in status
            assert "SD printing byte 40/100" in await peer.ask("M27")


SELECT_FORMS = {
    "adventurer3": ack(
        "M23", f"File opened: /data/{CUBE} Size: {{size}}", "Done printing file"
    ),
    "adventurer4": ack(
        "M23", f"File opened: /data/{CUBE} Size: {{size}}", "File selected"
    ),
}


@pytest.mark.parametrize("model", sorted(SELECT_FORMS))
@pytest.mark.parametrize("path", [f"0:/user/{CUBE}", f"/data/{CUBE}", CUBE])
async def test_legacy_m23_selects_and_m24_starts(
    emulator_factory: EmulatorFactory, model: str, path: str
) -> None:
    async with emulator_factory(model, **SLOW) as emu, tcp_session(emu) as peer:
        size = emu.files[CUBE].size
        expected = [line.format(size=size) for line in SELECT_FORMS[model]]
        assert await peer.ask(f"M23 {path}") == expected
        assert emu.printer.status == Status.READY
        assert emu.printer.selected_file == CUBE
        assert await peer.ask("M24") == ack("M24")
        assert emu.printer.status == Status.HEATING
        assert emu.printer.job is not None
        assert emu.printer.job.file_name == CUBE


@pytest.mark.parametrize("model", ["adventurer3", "adventurer4"])
async def test_legacy_printers_print_again_after_a_job(
    emulator_factory: EmulatorFactory, model: str
) -> None:
    async with emulator_factory(model, **SLOW) as emu, tcp_session(emu) as peer:
        await peer.ask(f"M23 0:/user/{CUBE}")
        await peer.ask("M24")
        emu.advance(500)
        assert emu.printer.status == Status.COMPLETED
        await peer.ask(f"M23 0:/user/{CUBE}")
        await peer.ask("M24")
        assert emu.printer.status == Status.HEATING
        # Cancelling leaves them ready: there is no plate to clear remotely.
        assert await peer.ask("M26") == ack("M26")
        assert emu.printer.status == Status.READY


async def test_adventurer3_opens_a_missing_file_as_empty(
    emulator_factory: EmulatorFactory,
) -> None:
    async with emulator_factory("adventurer3") as emu, tcp_session(emu) as peer:
        assert await peer.ask("M23 0:/user/nothing.gcode") == ack(
            "M23", "File opened: /data/nothing.gcode Size: 0", "Done printing file"
        )
        assert await peer.ask("M24") == ack("M24")  # accepted, does nothing
        assert emu.printer.status == Status.READY


@pytest.mark.parametrize(
    ("model", "command", "reply"),
    [
        ("5m-pro", "M23 0:/user/nothing.gcode", ["Error: File not exists"]),
        ("adventurer4", "M23 0:/user/nothing.gcode", ["Error: File not exists"]),
        ("5m-pro", "M25", ["Error: Cannot pause: printer is ready, not printing"]),
        (
            "adventurer4",
            "M24",
            ["Error: Cannot continue: printer is ready, not paused"],
        ),
        (
            "5m-pro",
            "M26",
            ["Error: Cannot cancel: printer is ready, no print in progress"],
        ),
        ("adventurer3", "M25", []),  # the A3 accepts and does nothing
        ("5m-pro", "M999", []),  # unknown: acknowledged, nothing happens
        ("adventurer3", "M650", []),
    ],
)
async def test_refused_and_unknown_commands(
    emulator_factory: EmulatorFactory, model: str, command: str, reply: list[str]
) -> None:
    async with emulator_factory(model) as emu, tcp_session(emu) as peer:
        assert await peer.ask(command) == ack(command.split(maxsplit=1)[0], *reply)
        assert emu.printer.status == Status.READY


@pytest.mark.parametrize(
    ("model", "reply", "after"),
    [
        ("5m-pro", ack("M112"), Status.HEATING),  # ignored (legacy-api.md)
        ("adventurer4", ack("M112"), Status.READY),
        ("adventurer3", ack("M112", "echo: Emergency Stop!!!"), Status.READY),
    ],
)
async def test_emergency_stop(
    emulator_factory: EmulatorFactory, model: str, reply: list[str], after: Status
) -> None:
    async with emulator_factory(model, **SLOW) as emu:
        emu.printer.start_print(CUBE, emu.files[CUBE].meta)
        async with tcp_session(emu) as peer:
            assert await peer.ask("M112") == reply
        assert emu.printer.status == after
        assert "M112" in emu.tcp_commands[-2]
        if after == Status.READY:
            assert emu.printer.nozzle_target == 0


# -------------------------------------------------------------------- files


async def read_5m_file_list(peer: TcpPeer) -> list[str]:
    """Read the binary M661 list that follows the reply."""
    assert await peer.ask("M661") == ack("M661")
    assert await peer.read_exact(4) == bytes((0x44, 0xAA, 0xAA, 0x44))
    count = int.from_bytes(await peer.read_exact(4), "big")
    paths = []
    for _ in range(count):
        assert await peer.read_exact(4) == b"::\xa3\xa3"
        length = int.from_bytes(await peer.read_exact(4), "big")
        paths.append((await peer.read_exact(length)).decode())
    return paths


@pytest.mark.parametrize("model", ["5m-pro", "ad5x", "adventurer4"])
async def test_binary_file_list_has_every_file(
    emulator_factory: EmulatorFactory, model: str
) -> None:
    async with emulator_factory(model) as emu, tcp_session(emu) as peer:
        paths = await read_5m_file_list(peer)
        assert sorted(paths) == sorted(f"/data/{name}" for name in emu.files)
        assert (await peer.ask("M27"))[-1] == "ok"  # nothing left over


async def test_file_list_is_not_limited_to_ten(
    emulator_factory: EmulatorFactory,
) -> None:
    async with emulator_factory("5m-pro") as emu:
        for number in range(12):
            await upload(emu, f"part_{number}.gcode", b"G28\n")
        async with tcp_session(emu) as peer:
            assert len(await read_5m_file_list(peer)) == 15


async def test_adventurer3_file_list_is_text_of_printable_files(
    emulator_factory: EmulatorFactory,
) -> None:
    async with emulator_factory("adventurer3") as emu:
        await upload(emu, "model.3mf", b"PK")
        async with tcp_session(emu) as peer:
            reply = await peer.ask("M661")
            assert reply[:2] == ["CMD M661 Received.", "info_list.size: 2"]
            assert sorted(reply[2:-1]) == ["Calibration_Cube.gcode", "Phone_Stand.gx"]
            emu.files.clear()
            assert await peer.ask("M661") == ["CMD M661 Error.", "ok"]


@pytest.mark.parametrize(
    ("model", "lines", "magic"),
    [
        ("5m-pro", [], b"\x2a\x2a\x2a\xa2"),
        ("adventurer4", [], b"\xa2\xa2\x2a\x2a"),
        ("adventurer3", ["ack header length: 8"], b"\xa2\xa2\x2a\x2a"),
    ],
)
async def test_thumbnail(
    emulator_factory: EmulatorFactory, model: str, lines: list[str], magic: bytes
) -> None:
    async with emulator_factory(model) as emu, tcp_session(emu) as peer:
        png = emu.files[CUBE].thumbnail
        assert png.startswith(b"\x89PNG")
        assert await peer.ask(f"M662 /data/{CUBE}") == ack("M662", *lines)
        assert await peer.read_exact(4) == magic
        assert int.from_bytes(await peer.read_exact(4), "big") == len(png)
        assert await peer.read_exact(len(png)) == png
        assert await peer.ask("M662 /data/missing.gcode") == ack(
            "M662", "Error: File not exists"
        )


# ------------------------------------------------------------------- upload


async def upload(emu: Emulator, name: str, data: bytes) -> list[str]:
    """Upload over TCP in one session; return M29's reply."""
    async with tcp_session(emu) as peer:
        assert await peer.ask(f"M28 {len(data)} 0:/user/{name}") == ack("M28")
        peer.writer.write(data)
        return await peer.ask("M29")


@pytest.mark.parametrize(
    ("model", "reply"),
    [
        ("5m-pro", ack("M29")),
        ("adventurer4", ack("M29")),
        ("adventurer3", ack("M29", "filesize = 3785  tofile.size = 3785")),
    ],
)
async def test_upload_lands_in_storage(
    emulator_factory: EmulatorFactory, model: str, reply: list[str]
) -> None:
    data = b";FLAVOR:Marlin\n" + b"G1 X1\n~M29\r\n" * 314 + b"\x00\xff"
    assert len(data) == 3785  # a command inside the data is just data
    async with emulator_factory(model) as emu:
        assert await upload(emu, "Upload Test.gcode", data) == reply
        stored = emu.files["Upload Test.gcode"]
        assert stored.sha256 == hashlib.sha256(data).hexdigest()
        assert stored.path.read_bytes() == data


async def test_tcp_upload_shows_over_http_and_prints(
    emulator_factory: EmulatorFactory, session: aiohttp.ClientSession
) -> None:
    async with emulator_factory("5m-pro", **SLOW) as emu:
        await upload(emu, "fresh.gcode", b"G28\nG1 X10\n")
        listed = await post(session, emu, "/gcodeList")
        assert "fresh.gcode" in listed["gcodeList"]
        async with tcp_session(emu) as peer:
            await peer.ask("M23 0:/user/fresh.gcode")
        assert (await detail(session, emu))["printFileName"] == "fresh.gcode"


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ("12 /data/x.gcode", "Error: Cannot create file"),
        ("12 0:/user/", "Error: Cannot create file"),
        ("twelve 0:/user/x.gcode", "Error: Cannot create file"),
        ("99999999999999 0:/user/x.gcode", "Error: Not enough space"),
    ],
)
async def test_upload_refusals(emulator: Emulator, args: str, error: str) -> None:
    before = set(emulator.files)
    async with tcp_session(emulator) as peer:
        assert await peer.ask(f"M28 {args}") == ack("M28", error)
        assert await peer.ask("M29") == ack("M29", "Error: no file is being uploaded")
    assert set(emulator.files) == before


async def test_upload_cut_short_keeps_nothing(emulator: Emulator) -> None:
    before = set(emulator.files)
    async with tcp_peer(emulator) as peer:
        await peer.ask("M601 S1")
        await peer.ask("M28 1000 0:/user/cut.gcode")
        peer.writer.write(b"G28\n" * 10)
        await peer.writer.drain()
    # The server drops the partial file, then the control, as it notices the close.
    for _ in range(100):
        if not emulator.tcp_control_held:
            break
        await asyncio.sleep(0.01)
    assert set(emulator.files) == before
    assert emulator.storage_dir is not None
    assert not any(p.name.startswith(".cut") for p in emulator.storage_dir.iterdir())


async def test_upload_without_m29_is_discarded(emulator: Emulator) -> None:
    async with tcp_session(emulator) as peer:
        await peer.ask("M28 4 0:/user/unconfirmed.gcode")
        peer.writer.write(b"G28\n")
        assert (await peer.ask("M27"))[0] == "CMD M27 Received."
    assert "unconfirmed.gcode" not in emulator.files
