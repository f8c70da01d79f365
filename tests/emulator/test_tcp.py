"""The legacy TCP API (port 8899): ports per model, the session, the read replies."""

import asyncio

import aiohttp
import pytest

from flashforge_emulator import Clock, Emulator, get_profile
from tests.conftest import EmulatorFactory

from .helpers import detail, tcp_peer, tcp_session

TCP_MODELS = ["5m", "5m-pro", "ad5x", "adventurer3", "adventurer4"]


@pytest.mark.parametrize(
    ("model", "http", "tcp"),
    [
        ("5m", True, True),
        ("5m-pro", True, True),
        ("ad5x", True, True),
        ("creator5", True, False),
        ("adventurer3", False, True),
        ("adventurer4", False, True),
    ],
)
async def test_ports_per_model(
    emulator_factory: EmulatorFactory,
    session: aiohttp.ClientSession,
    model: str,
    http: bool,
    tcp: bool,
) -> None:
    async with emulator_factory(model) as emu:
        assert (emu.tcp_port is not None) is tcp
        assert (emu.port != 0) is http
        if http:
            assert (await detail(session, emu))["name"] == emu.printer.name
        if tcp:
            async with tcp_peer(emu) as peer:
                assert (await peer.ask("M115"))[-1] == "ok"


async def test_no_tcp_port_when_asked_for_none(
    emulator_factory: EmulatorFactory,
) -> None:
    async with emulator_factory("5m-pro", tcp_port=None) as emu:
        assert emu.tcp_port is None


async def test_adventurer4_has_a_camera_and_adventurer3_none(
    emulator_factory: EmulatorFactory, session: aiohttp.ClientSession
) -> None:
    async with emulator_factory("adventurer4") as a4:
        assert a4.camera_url is not None
        async with session.get(a4.camera_url.replace("stream", "snapshot")) as resp:
            assert resp.status == 200
            assert resp.content_type == "image/jpeg"
    async with emulator_factory("adventurer3") as a3:
        assert a3.camera_url is None


# ------------------------------------------------------------------ session

CONTROL_FORMS = {
    "5m-pro": (
        ["CMD M601 Received.", "Control Success V2.1.", "ok"],
        ["CMD M601 Received.", "Control Failed.", "ok"],
        ["CMD M602 Received.", "Control Release.", "ok"],
    ),
    "adventurer4": (
        ["CMD M601 Received.", "Control Success V2.1.", "ok"],
        ["CMD M601 Received.", "Control Failed.", "ok"],
        ["CMD M602 Received.", "Control Release.", "ok"],
    ),
    "adventurer3": (
        ["CMD M601 Received.", "ok"],
        ["CMD M601 Received.", "Error: have been connected", "ok"],
        ["CMD M602 Received.", "ok"],
    ),
}


@pytest.mark.parametrize("model", sorted(CONTROL_FORMS))
async def test_one_control_holder_until_release(
    emulator_factory: EmulatorFactory, model: str
) -> None:
    granted, refused, released = CONTROL_FORMS[model]
    async with (
        emulator_factory(model) as emu,
        tcp_peer(emu) as first,
        tcp_peer(emu) as second,
    ):
        assert await first.ask("M601 S1") == granted
        assert emu.tcp_control_held
        assert await first.ask("M601 S1") == granted  # the holder may ask again
        assert await second.ask("M601 S1") == refused
        assert await first.ask("M602") == released
        assert not emu.tcp_control_held
        assert await second.ask("M601 S1") == granted
        assert await first.ask("M601 S1") == refused


async def test_a_dropped_holder_releases_control(emulator: Emulator) -> None:
    async with tcp_peer(emulator) as first:
        await first.ask("M601 S1")
    # The server notices the close asynchronously.
    for _ in range(100):
        if not emulator.tcp_control_held:
            break
        await asyncio.sleep(0.01)
    async with tcp_session(emulator) as second:
        assert emulator.tcp_control_held
        assert "M601 S1" in emulator.tcp_commands[-1]
        del second


async def test_going_offline_drops_tcp_and_comes_back_on_the_same_port(
    emulator: Emulator,
) -> None:
    port = emulator.tcp_port
    async with tcp_peer(emulator) as peer:
        await peer.ask("M601 S1")
        await emulator.go_offline()
        assert await peer.reader.read() == b""
    assert not emulator.tcp_control_held
    with pytest.raises(ConnectionRefusedError):
        await asyncio.open_connection(emulator.host, port)
    await emulator.come_back()
    assert emulator.tcp_port == port
    async with tcp_session(emulator) as peer:
        assert (await peer.ask("M115"))[0] == "CMD M115 Received."


async def test_lines_without_tilde_or_with_lf_only_are_commands(
    emulator: Emulator,
) -> None:
    async with tcp_peer(emulator) as peer:
        peer.writer.write(b"M115\n")
        assert (await peer.reply())[0] == "CMD M115 Received."


async def test_an_endless_line_closes_the_connection(emulator: Emulator) -> None:
    async with tcp_peer(emulator) as peer:
        peer.writer.write(b"~M115" + b"x" * 70_000)
        assert await asyncio.wait_for(peer.reader.read(), 5) == b""
    async with tcp_session(emulator) as peer:  # the server still serves
        assert (await peer.ask("M27"))[-1] == "ok"


# -------------------------------------------------------------------- reads


def info_lines(emu: Emulator) -> list[str]:
    """Return the M115 reply the reference documents give for the model."""
    profile = emu.profile
    x, y, z = profile.build_volume
    if profile.key == "adventurer3":
        return [
            f"echo: Machine Type: {profile.machine_type}",
            f"Machine Name: {emu.printer.name}",
            f"Firmware: v{profile.firmware_version}",
            f"Serial Number: {emu.serial}",
            f"X: {x} Y: {y} Z: {z}",
            "Tool Count: 1",
            f"Mac Address:{emu.core.mac_addr}",
            "ok",
        ]
    return [
        "CMD M115 Received.",
        f"Machine Type: {profile.machine_type}",
        f"Machine Name: {emu.printer.name}",
        f"Firmware: v{profile.firmware_version}",
        f"SN: {emu.serial}",
        f"X: {x} Y: {y} Z: {z}",
        "Tool Count: 1",
        f"Mac Address:{emu.core.mac_addr}",
        "ok",
    ]


@pytest.mark.parametrize(
    ("model", "machine_type", "volume"),
    [
        ("5m", "Flashforge Adventurer 5M", (220, 220, 220)),
        ("5m-pro", "Flashforge Adventurer 5M Pro", (220, 220, 220)),
        ("ad5x", "Flashforge AD5X", (220, 220, 220)),
        ("adventurer3", "FlashForge Adventurer III", (150, 150, 150)),
        ("adventurer4", "Flashforge Adventurer 4", (220, 200, 250)),
    ],
)
async def test_info(
    emulator_factory: EmulatorFactory,
    model: str,
    machine_type: str,
    volume: tuple[int, int, int],
) -> None:
    async with (
        emulator_factory(model, name="Workshop", serial="SNTCP0001") as emu,
        tcp_session(emu) as peer,
    ):
        assert emu.profile.machine_type == machine_type
        assert emu.profile.build_volume == volume
        assert await peer.ask("M115") == info_lines(emu)
        assert "Machine Name: Workshop" in info_lines(emu)


IDLE = {
    "5m-pro": {
        "M119": [
            "CMD M119 Received.",
            "Endstop: X-max: 110 Y-max: 110 Z-min: 0",
            "MachineStatus: READY",
            "MoveMode: READY",
            "Status: S:1 L:0 J:0 F:0",
            "LED: 1",
            "CurrentFile: ",
            "ok",
        ],
        "M105": ["CMD M105 Received.", "T0:25.0/0.0 B:25.0/0.0", "ok"],
        "M27": ["CMD M27 Received.", "SD printing byte 0/100", "Layer: 0/0", "ok"],
    },
    "adventurer4": {
        "M119": [
            "CMD M119 Received.",
            "Endstop: X-max: 110 Y-max: 110 Z-min: 0",
            "MachineStatus: READY",
            "MoveMode: READY",
            "Status: S:1 L:0 J:0 F:0",
            "LED: 1",
            "CurrentFile: ",
            "ok",
        ],
        "M105": ["CMD M105 Received.", "T0:25 /0 B:25/0", "ok"],
        "M27": ["CMD M27 Received.", "SD printing byte 0/100", "Layer: 0/0", "ok"],
    },
    "adventurer3": {
        "M119": [
            "echo: Endstop: X-max: 0 Y-max: 0 Z-min: 0",
            "MachineStatus: IDLE",
            "MoveMode: 0.0",
            "FilamentStatus: ok",
            "LEDStatus: off",
            "PrintFileName: ",
            "ok",
        ],
        "M105": ["CMD M105 Received.", "ok T0:25/0 B:25/0", "ok"],
        "M27": ["CMD M27 Received.", "SD printing byte 0/0", "ok"],
    },
}

PRINTING = {
    "5m-pro": {
        "M119": [
            "CMD M119 Received.",
            "Endstop: X-max: 110 Y-max: 110 Z-min: 0",
            "MachineStatus: BUILDING_FROM_SD",
            "MoveMode: MOVING",
            "Status: S:1 L:0 J:1 F:0",
            "LED: 1",
            "CurrentFile: Calibration_Cube.gcode",
            "ok",
        ],
        "M105": ["CMD M105 Received.", "T0:220.0/220.0 B:60.0/60.0", "ok"],
        "M27": ["CMD M27 Received.", "SD printing byte 25/100", "Layer: 25/100", "ok"],
    },
    "adventurer4": {
        "M119": [
            "CMD M119 Received.",
            "Endstop: X-max: 110 Y-max: 110 Z-min: 0",
            "MachineStatus: BUILDING_FROM_SD",
            "MoveMode: MOVING",
            "Status: S:1 L:0 J:1 F:0",
            "LED: 1",
            "CurrentFile: Calibration_Cube.gcode",
            "ok",
        ],
        "M105": ["CMD M105 Received.", "T0:220 /220 B:60/60", "ok"],
        "M27": ["CMD M27 Received.", "SD printing byte 25/100", "Layer: 25/100", "ok"],
    },
    "adventurer3": {
        "M119": [
            "echo: Endstop: X-max: 0 Y-max: 0 Z-min: 0",
            "MachineStatus: PRINTING",
            "MoveMode: 1.0",
            "FilamentStatus: ok",
            "LEDStatus: off",
            "PrintFileName: Calibration_Cube.gcode",
            "ok",
        ],
        "M105": ["CMD M105 Received.", "ok T0:220/220 B:60/60", "ok"],
        "M27": ["CMD M27 Received.", "SD printing byte 25/100", "ok"],
    },
}


@pytest.mark.parametrize("model", sorted(IDLE))
async def test_reads_idle_and_printing(
    emulator_factory: EmulatorFactory, model: str
) -> None:
    async with emulator_factory(
        model, clock=Clock.manual(), heating_seconds=10, print_seconds=100
    ) as emu:
        async with tcp_session(emu) as peer:
            for code, lines in IDLE[model].items():
                assert await peer.ask(code) == lines, code
        name = "Calibration_Cube.gcode"
        assert emu.printer.start_print(name, emu.files[name].meta).ok
        emu.advance(10 + 25)
        async with tcp_session(emu) as peer:
            for code, lines in PRINTING[model].items():
                assert await peer.ask(code) == lines, code


async def test_paused_and_completed_words(emulator_factory: EmulatorFactory) -> None:
    async with emulator_factory(
        "5m-pro", clock=Clock.manual(), heating_seconds=10, print_seconds=100
    ) as emu:
        name = "Calibration_Cube.gcode"
        state = emu.printer
        state.start_print(name, emu.files[name].meta)
        emu.advance(15)
        state.apply_command("jobCtl_cmd", {"action": "pause"})
        emu.advance(3)  # pausing, then paused
        async with tcp_session(emu) as peer:
            status = await peer.ask("M119")
            assert "MachineStatus: PAUSED" in status
            assert "MoveMode: PAUSED" in status
        state.apply_command("jobCtl_cmd", {"action": "continue"})
        emu.advance(1000)
        async with tcp_session(emu) as peer:
            assert "MachineStatus: BUILDING_COMPLETED" in await peer.ask("M119")
            assert "Layer: 100/100" in await peer.ask("M27")


def test_tcp_profiles_know_their_dialect() -> None:
    assert {get_profile(m).tcp_dialect for m in TCP_MODELS} == {
        "5m",
        "adventurer3",
        "adventurer4",
    }
    assert get_profile("creator5").tcp_dialect is None
