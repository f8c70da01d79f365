"""The pure state machine, the metadata parser and the image encoders."""

import asyncio
import struct
import zlib

import aiohttp
import pytest

from flashforge_emulator import Clock, PrinterState, Status, get_profile
from flashforge_emulator.gcode import GcodeMeta, parse_gcode_text
from flashforge_emulator.images import bmp_bytes, png_bytes, thumbnail_png
from tests.conftest import EmulatorFactory

from .helpers import detail, post


def make_state(model: str = "5m-pro") -> PrinterState:
    return PrinterState(get_profile(model), heating_seconds=10, print_seconds=100)


def test_clock() -> None:
    clock = Clock.manual(5.0)
    assert clock.now() == 5.0
    clock.advance(2.5)
    assert clock.now() == 7.5


def test_print_cycle_is_deterministic() -> None:
    state = make_state()
    meta = GcodeMeta(layers=200)
    assert state.start_print("a.gcode", meta).ok
    state.update(5)
    assert state.status == Status.HEATING
    assert state.nozzle_temp == 25 + (220 - 25) / 2
    state.update(10)
    assert state.status == Status.PRINTING
    assert state.nozzle_temp == 220
    state.update(60)
    assert state.progress == 0.5
    # Speed 150 % finishes the remaining half in a third of the time.
    assert state.apply_command("printerCtl_cmd", {"speed": 150}).ok
    state.update(60 + 50 / 1.5 - 0.01)
    assert state.status == Status.PRINTING
    state.update(95)
    assert state.status == Status.COMPLETED
    assert state.progress == 1.0
    assert state.nozzle_target == 0


def test_pause_during_heating_and_cancel() -> None:
    state = make_state()
    state.start_print("a.gcode", GcodeMeta())
    assert state.apply_command("jobCtl_cmd", {"action": "pause"}).ok
    state.update(100)
    assert state.status == Status.PAUSED
    assert state.progress == 0
    assert state.apply_command("jobCtl_cmd", {"action": "continue"}).ok
    assert state.status == Status.HEATING  # resumes the phase it paused in
    assert state.apply_command("jobCtl_cmd", {"action": "pause"}).ok
    state.update(200)
    assert state.apply_command("jobCtl_cmd", {"action": "cancel"}).ok
    assert state.status == Status.CANCEL
    outcome = state.apply_command("jobCtl_cmd", {"action": "cancel"})
    assert (outcome.code, outcome.message) == (
        1,
        "Cannot cancel: printer is cancel, no print in progress",
    )


@pytest.mark.parametrize("value", ["error", "ready", 1, None])
def test_status_takes_a_status_only(value: object) -> None:
    state = make_state()
    with pytest.raises(TypeError, match="status must be a Status"):
        state.status = value  # type: ignore[assignment]
    assert state.status is Status.READY
    state.status = Status.BUSY
    assert state.status is Status.BUSY


def test_forced_temperature_drifts_to_the_goal() -> None:
    state = make_state()
    state.nozzle_temp = 180.0
    assert state.nozzle_temp == 180.0
    state.update(2)  # with the heater off it cools, over twice the heating time
    assert state.nozzle_temp == 180.0 - (180.0 - 25.0) * 2 / 20
    state.apply_command("temperatureCtl_cmd", {"rightNozzle": 200})
    state.update(12)  # ramps started at t=2 and take the heating time
    assert state.nozzle_temp == 200.0


def test_bad_command_shapes() -> None:
    state = make_state()
    assert state.apply_command(42, {}).code == 2
    assert state.apply_command("lightControl_cmd", [1]).code == 2
    assert state.apply_command(
        "calibration_cmd",
        {"levelingDetection": "close", "vibrationCompensation": "close"},
    ).ok
    assert state.apply_command("calibration_cmd", {}).code == 2
    assert state.apply_command("stateCtrl_cmd", {"action": "reboot"}).code == 2
    assert state.apply_command(
        "stateCtrl_cmd", {"action": "setClearPlatform"}
    ).ok  # no-op when ready


def test_parse_orca_style_metadata() -> None:
    text = """; thumbnail begin 2x2 100
; iVBORw0KGgo=
; thumbnail end
; estimated printing time (normal mode) = 1d 1h 0m 5s
; total layers count = 12
; filament_type = ABS
; filament_colour = #123456
; filament used [mm] = 1000
; sparse_infill_density = 25%
; bed_temperature = 95
"""
    meta = parse_gcode_text(text)
    assert meta.printing_time_s == 25 * 3600 + 5
    assert meta.layers == 12
    assert meta.infill_percent == 25
    assert (meta.nozzle_temp, meta.bed_temp) == (250, 95)
    assert meta.tools[0].length_mm == 1000
    assert meta.tools[0].weight_g > 0
    assert meta.thumbnail_png == b"\x89PNG\r\n\x1a\n"
    assert parse_gcode_text("G28\n").tools == []


def test_png_and_bmp_encoders() -> None:
    rows = [bytes([255, 0, 0, 0, 255, 0]), bytes([0, 0, 255, 255, 255, 255])]
    png = png_bytes(2, 2, rows)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    length = struct.unpack(">I", png[33:37])[0]
    assert png[37:41] == b"IDAT"
    raw = zlib.decompress(png[41 : 41 + length])
    assert raw == b"\x00" + rows[0] + b"\x00" + rows[1]
    bmp = bmp_bytes(2, 2, rows)
    assert bmp[:2] == b"BM"
    assert struct.unpack_from("<ii", bmp, 18) == (2, 2)
    assert bmp[54:57] == bytes([255, 0, 0])  # bottom-left pixel, BGR: blue
    assert thumbnail_png("a", ["#FF0000"]) != thumbnail_png("b", ["#FF0000"])


async def test_real_time_print(
    emulator_factory: EmulatorFactory, session: aiohttp.ClientSession
) -> None:
    async with emulator_factory(heating_seconds=0.05, print_seconds=0.2) as emu:
        answer = await post(
            session, emu, "/printGcode", fileName="Calibration_Cube.gcode"
        )
        assert answer["code"] == 0
        await asyncio.sleep(0.4)
        assert (await detail(session, emu))["status"] == "completed"


def test_calibration_runs_then_ends() -> None:
    """A calibration takes the heating time; meanwhile the printer takes no other."""
    state = make_state("ad5x")
    args = {"levelingDetection": "open", "vibrationCompensation": "close"}
    assert state.apply_command("calibration_cmd", args).ok
    assert state.status == Status.CALIBRATE_DOING
    assert (state.leveling_detection, state.vibration_compensation) == (True, False)
    assert state.apply_command("calibration_cmd", args).code == 1
    assert state.apply_command("homingCtrl_cmd", {}).code == 1
    state.update(9.9)
    assert state.status == Status.CALIBRATE_DOING
    state.update(10)
    assert state.status == Status.READY
    assert state.apply_command("homingCtrl_cmd", {}).ok


@pytest.mark.parametrize("status", [Status.PRINTING, Status.PAUSED, Status.ERROR])
def test_calibration_needs_an_idle_printer(status: Status) -> None:
    state = make_state()
    state.status = status
    args = {"levelingDetection": "open", "vibrationCompensation": "open"}
    assert state.apply_command("calibration_cmd", args).code == 1
    assert state.status == status
