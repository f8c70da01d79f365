"""Drive the third-party `flashforge-python-api` client against the emulator.

Nobody on this project wrote that library (PyPI `flashforge-python-api` 1.6.0,
import name `flashforge`), so if it can read the emulator's status, switch its
light, control a print and list its files, the emulator answers the way a real
printer does, and not merely the way our own client expects.

How the library is pointed at the emulator
------------------------------------------
* HTTP port: `FlashForgeClient` takes `FiveMClientConnectionOptions(http_port=...)`
  and builds every URL as `http://{ip}:{http_port}{path}` (8898 only by default),
  so the ephemeral loopback port is passed through that constructor option. No
  constant or URL builder is patched.
* HTTP only: for a 5M / 5M Pro / AD5X the library also opens the legacy TCP API
  on port 8899 (`FiveMClientConnectionOptions(tcp_port=...)`; the emulator
  serves it too): `verify_connection` sends `M115` for the model name, `dispose` logs out, `init_control` and `get_file_list` use `M661`, and
  `get_temperatures` uses `M105`. `http_only=True` (the library's own switch,
  meant for the Creator 5) keeps every operation below on HTTP, so these tests
  check the HTTP API alone and the TCP-only calls are not used here
  (test_third_party_tcp.py drives the library over TCP): `init_control` is replaced by its HTTP half
  `send_product_command`, temperatures come from `/detail` via `info.get()`, and
  `get_file_list` falls back to `/gcodeList`.

Where the library and http-api.md differ (the emulator follows http-api.md)
---------------------------------------------------------------------------
1. `cumulativePrintTime` is seconds in http-api.md; the library's
   `formatted_total_run_time` reads it as minutes (`t // 60` "h", `t % 60` "m").
   Only the raw value is asserted here, never the formatted one.
2. Light: http-api.md says `lightControl_cmd` works even when `/product` reports
   `lightCtrlState: 0`. The library refuses to send it then (`set_led_on` returns
   False without a request) unless `set_feature_overrides(led_control=True)`.
   `test_light_works_without_light_ctrl_state` asserts the spec behaviour.
3. Success: http-api.md defines `code: 0` as success; the library also accepts
   `code: 200`. The emulator only ever sends 0, which both accept.
4. File list: http-api.md's `/gcodeList` is the 10 most recent files. The
   library's `get_file_list` means the full `M661` listing over TCP and only
   falls back to `/gcodeList` for HTTP-only clients, so the two differ on a
   printer holding more than ten files.
5. `pid`: http-api.md shows an integer. The library's model is `int`, so a hex
   string such as the 5M's `"0023"` is read as decimal 23 (not 35) and the
   library falls back to guessing the model from the user-set name. Not
   exercised here: the 5M Pro profile sends the integer 36.
6. The library's own docs (client-protocol notes) list `/command`, `/info` and
   `/upload` and a `msg`/`data` reply. Its code uses the real paths
   (`/control`, `/detail`, `/uploadGcode`) and `code`/`message`/`detail`, which
   is what is tested.
7. `/printGcode` is marked legacy in http-api.md; the library still uses it to
   start a stored file, with the firmware >= 3.1.3 body (`flowCalibration`,
   `useMatlStation`, `gcodeToolCnt`, `materialMappings`) chosen from the
   `firmwareVersion` it read in `/detail`. It is used here to start the print
   that job control then pauses, resumes and cancels.
8. `firmwareVersion`: http-api.md's example is `"v3.1.3"`; the library parses
   the version with `int()` per dotted part, so a leading "v" would make it pick
   the pre-3.1.3 `/printGcode` body. The emulator sends `"3.2.7"`.
9. `estimatedRightLen` / `estimatedRightWeight`: http-api.md gives only units.
   The library treats them as the whole job's estimate and multiplies by
   `printProgress` for the amount used so far; the emulator serves the whole
   job's estimate, so the two agree.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from flashforge import FlashForgeClient
from flashforge.api.constants.commands import Commands
from flashforge.client import FiveMClientConnectionOptions
from flashforge.models.machine_info import MachineState
import pytest

from flashforge_emulator import Clock, Emulator

SERIAL = "SNFFEMU00001"
CHECK_CODE = "12345678"
HEATING_SECONDS = 20.0
PRINT_SECONDS = 600.0
PAUSING_SECONDS = 2.0  # min(2 s, heating_seconds / 4) in the emulator
BENCHY = "3DBenchy_PLA.gcode"  # seeded on the 5M family: 220 / 60 degC, 240 layers


@asynccontextmanager
async def _emulator(
    model: str = "5m-pro", name: str | None = None
) -> AsyncIterator[Emulator]:
    """Run an emulator whose clock only moves when the test advances it."""
    # A frozen clock makes a /detail read by the library and one taken from
    # emu.detail() describe the same instant, so they can be compared exactly.
    async with Emulator(
        model=model,
        serial=SERIAL,
        check_code=CHECK_CODE,
        host="127.0.0.1",
        port=0,
        camera_port=0,
        heating_seconds=HEATING_SECONDS,
        print_seconds=PRINT_SECONDS,
        name=name,
        clock=Clock(lambda: 0.0),
    ) as emu:
        yield emu


@asynccontextmanager
async def _client(
    emu: Emulator, check_code: str | None = None
) -> AsyncIterator[FlashForgeClient]:
    """Build the library's client for the emulator and always close its session."""
    client = FlashForgeClient(
        emu.host,
        emu.serial,
        emu.check_code if check_code is None else check_code,
        FiveMClientConnectionOptions(http_port=emu.port, http_only=True),
    )
    try:
        yield client
    finally:
        await client.dispose()


@pytest.fixture
async def emu(socket_enabled: None) -> AsyncIterator[Emulator]:
    """A 5M Pro emulator on a loopback port."""
    async with _emulator(name="Workshop Pro") as emulator:
        yield emulator


async def test_status_idle(emu: Emulator) -> None:
    """Connect, identify the printer and read an idle status from /detail."""
    async with _client(emu) as client:
        assert await client.initialize()
        detail = emu.detail()

        # Identity cached by verify_connection from /detail.
        assert detail["name"] == "Workshop Pro"
        assert client.printer_name == "Workshop Pro"
        assert client.is_pro  # pid 36
        assert not client.is_ad5x
        assert not client.is_creator5
        assert client.firmware_version == detail["firmwareVersion"]
        assert client.mac_address == detail["macAddr"]
        assert client.flash_cloud_code == detail["flashRegisterCode"]
        assert client.polar_cloud_code == detail["polarRegisterCode"]
        assert client.camera_stream_url == detail["cameraStreamUrl"]
        assert client.camera_stream_url.endswith("/?action=stream")

        info = await client.info.get()
        assert info is not None
        assert info.status == "ready"
        assert info.machine_state is MachineState.READY
        assert info.name == "Workshop Pro"
        assert info.pid == 36
        assert info.model == "Adventurer 5M Pro"
        assert info.ip_address == "127.0.0.1"
        assert info.extruder.current == detail["rightTemp"]
        assert info.extruder.set == detail["rightTargetTemp"] == 0
        assert info.print_bed.current == detail["platTemp"]
        assert info.print_bed.set == detail["platTargetTemp"] == 0
        assert info.chamber is not None
        assert info.chamber.current == detail["chamberTemp"]
        assert info.has_chamber_sensor
        assert info.tool_temps[0].current == detail["rightTemp"]
        assert info.nozzle_count == 1
        assert info.lights_on is (detail["lightStatus"] == "open")
        assert info.door_open is (detail["doorStatus"] == "open")
        assert info.print_file_name == ""
        assert info.print_progress == 0
        # Raw value only: the library formats it as minutes, http-api.md says seconds.
        assert info.cumulative_print_time == detail["cumulativePrintTime"]
        assert info.cumulative_filament == detail["cumulativeFilament"]
        assert info.free_disk_space == f"{detail['remainingDiskSpace']:.2f}"

    assert emu.request_counts["/detail"] == 2


async def test_status_follows_a_print(emu: Emulator) -> None:
    """Temperatures, state and progress the library parses track the emulator."""
    async with _client(emu) as client:
        assert await client.initialize()
        assert await client.job_control.print_local_file(
            BENCHY, leveling_before_print=False
        )
        assert emu.printer.status == "heating"

        emu.advance(HEATING_SECONDS / 2)
        info = await client.info.get()
        detail = emu.detail()
        assert info is not None
        assert info.machine_state is MachineState.HEATING
        assert detail["rightTargetTemp"] == 220
        assert detail["platTargetTemp"] == 60
        assert 25 < detail["rightTemp"] < 220  # mid-ramp, not a constant
        assert info.extruder.current == detail["rightTemp"]
        assert info.extruder.set == detail["rightTargetTemp"]
        assert info.print_bed.current == detail["platTemp"]
        assert info.print_bed.set == detail["platTargetTemp"]
        assert info.print_file_name == BENCHY
        assert (
            info.completion_time is None
        )  # the library only projects it while printing

        emu.advance(HEATING_SECONDS / 2 + PRINT_SECONDS / 4)
        info = await client.info.get()
        detail = emu.detail()
        assert info is not None
        assert info.machine_state is MachineState.PRINTING
        assert info.status == "printing"
        assert info.extruder.current == detail["rightTemp"] == 220
        assert info.print_bed.current == detail["platTemp"] == 60
        assert detail["printProgress"] == pytest.approx(0.25)
        assert info.print_progress == detail["printProgress"]
        assert info.print_progress_int == 25
        assert info.current_print_layer == detail["printLayer"] == 60
        assert info.total_print_layers == detail["targetPrintLayer"] == 240
        assert info.print_duration == detail["printDuration"] == PRINT_SECONDS / 4
        assert info.estimated_time == detail["estimatedTime"] == PRINT_SECONDS * 3 / 4
        assert info.filament_type == detail["rightFilamentType"] == "PLA"
        # estimatedRightLen is millimetres (http-api.md); the library converts to metres.
        assert info.est_length == pytest.approx(
            detail["estimatedRightLen"] / 1000 * detail["printProgress"]
        )
        assert info.completion_time is not None


async def test_wrong_check_code_is_refused(emu: Emulator) -> None:
    """The printer answers code 3 and changes nothing for a bad check code."""
    async with _client(emu, check_code="00000000") as client:
        assert not await client.initialize()
        raw = await client.info.get_detail_raw()
        assert raw is not None
        assert raw["code"] == 3
        assert raw["message"] == "Unauthorized"
        assert "detail" not in raw
        assert not await client.send_product_command()
        assert not await client.control.send_control_command(
            Commands.LIGHT_CONTROL_CMD, {"status": "close"}
        )
    assert emu.printer.light_on
    assert emu.commands == []


async def test_light_on_off(emu: Emulator) -> None:
    """The library's LED switch turns the emulated light off and on."""
    async with _client(emu) as client:
        assert await client.initialize()
        assert await client.send_product_command()
        assert client.product_info is not None
        assert client.product_info.lightCtrlState == 1
        assert client.led_control
        assert emu.printer.light_on  # the 5M Pro's factory light starts on

        assert await client.control.set_led_off()
        assert not emu.printer.light_on
        assert emu.commands[-1] == ("lightControl_cmd", {"status": "close"})
        assert emu.detail()["lightStatus"] == "close"
        info = await client.info.get()
        assert info is not None
        assert not info.lights_on

        assert await client.control.set_led_on()
        assert emu.printer.light_on
        assert emu.commands[-1] == ("lightControl_cmd", {"status": "open"})
        assert emu.detail()["lightStatus"] == "open"
        info = await client.info.get()
        assert info is not None
        assert info.lights_on

    assert [cmd for cmd, _ in emu.commands] == ["lightControl_cmd", "lightControl_cmd"]


async def test_light_works_without_light_ctrl_state(socket_enabled: None) -> None:
    """Per http-api.md lightControl_cmd works even when lightCtrlState is 0.

    The AD5X has no factory light and reports lightCtrlState 0. The library
    then refuses to send the command at all (difference 2 in the module
    docstring); once told to, the emulator switches the light as the spec says.
    """
    async with _emulator("ad5x") as emu, _client(emu) as client:
        assert await client.initialize()
        assert client.is_ad5x
        assert await client.send_product_command()
        assert client.product_info is not None
        assert client.product_info.lightCtrlState == 0
        assert not emu.printer.light_on

        assert not await client.control.set_led_on()  # the library's own gate
        assert emu.commands == []

        client.set_feature_overrides(led_control=True)
        assert await client.control.set_led_on()
        assert emu.printer.light_on
        assert emu.commands == [("lightControl_cmd", {"status": "open"})]
        info = await client.info.get()
        assert info is not None
        assert info.lights_on


async def test_job_control(emu: Emulator) -> None:
    """Pause, resume and cancel a running print through the library."""
    async with _client(emu) as client:
        assert await client.initialize()
        assert await client.job_control.print_local_file(
            BENCHY, leveling_before_print=False
        )
        emu.advance(HEATING_SECONDS + PRINT_SECONDS / 10)
        assert emu.printer.status == "printing"

        assert await client.job_control.pause_print_job()
        assert emu.printer.status == "pausing"
        assert await client.info.get_machine_state() is MachineState.PAUSING
        emu.advance(PAUSING_SECONDS)
        assert emu.printer.status == "paused"
        assert await client.info.get_machine_state() is MachineState.PAUSED
        progress = emu.printer.progress
        emu.advance(PRINT_SECONDS / 10)
        assert emu.printer.progress == progress  # a paused print does not advance
        info = await client.info.get()
        assert info is not None
        assert info.print_progress == emu.detail()["printProgress"]
        assert info.completion_time is None

        assert await client.job_control.resume_print_job()
        assert emu.printer.status == "printing"
        assert await client.info.get_machine_state() is MachineState.PRINTING
        emu.advance(PRINT_SECONDS / 10)
        assert emu.printer.progress > progress

        assert await client.job_control.cancel_print_job()
        assert emu.printer.status == "cancel"
        info = await client.info.get()
        assert info is not None
        assert info.machine_state is MachineState.CANCELLED
        assert info.status == "cancel"
        assert info.extruder.set == 0  # heaters switched off
        assert info.print_bed.set == 0

        # Nothing to pause any more: the printer answers a non-zero code.
        assert not await client.job_control.pause_print_job()
        assert emu.printer.status == "cancel"

    assert emu.commands == [
        ("jobCtl_cmd", {"jobID": "", "action": "pause"}),
        ("jobCtl_cmd", {"jobID": "", "action": "continue"}),
        ("jobCtl_cmd", {"jobID": "", "action": "cancel"}),
        ("jobCtl_cmd", {"jobID": "", "action": "pause"}),
    ]
    assert emu.request_counts["/printGcode"] == 1


def _recent_names(emu: Emulator) -> list[str]:
    """Return the emulator's files, most recently used first, at most ten."""
    ordered = sorted(emu.files.values(), key=lambda f: f.order, reverse=True)
    return [f.name for f in ordered[:10]]


async def test_file_list(emu: Emulator) -> None:
    """/gcodeList as the library reads it: the recent files, newest first."""
    async with _client(emu) as client:
        assert await client.initialize()
        expected = _recent_names(emu)
        assert len(expected) == 3

        entries = await client.files.get_recent_file_list()
        assert [e.gcode_file_name for e in entries] == expected
        # The 5M family answers with bare names, so no per-file metadata.
        assert all(e.gcode_tool_datas is None for e in entries)
        assert await client.files.get_file_list() == expected  # HTTP fallback

        # Printing a file makes it the most recent one.
        oldest = expected[-1]
        assert await client.job_control.print_local_file(
            oldest, leveling_before_print=False
        )
        entries = await client.files.get_recent_file_list()
        names = [e.gcode_file_name for e in entries]
        assert names == _recent_names(emu)
        assert names[0] == oldest
        assert sorted(names) == sorted(expected)

    assert emu.request_counts["/gcodeList"] == 3


async def test_file_list_with_details(socket_enabled: None) -> None:
    """The AD5X's gcodeListDetail parses into the library's per-file entries."""
    async with _emulator("ad5x") as emu, _client(emu) as client:
        assert await client.initialize()
        entries = await client.files.get_recent_file_list()
        assert [e.gcode_file_name for e in entries] == _recent_names(emu)
        for entry in entries:
            meta = emu.files[entry.gcode_file_name].meta
            assert entry.printing_time == meta.printing_time_s
            assert entry.gcode_tool_cnt == len(meta.tools)
            assert entry.total_filament_weight == pytest.approx(meta.total_weight_g)
            assert entry.gcode_tool_datas is not None
            assert [
                (t.tool_id, t.material_name, t.material_color)
                for t in entry.gcode_tool_datas
            ] == [(t.tool_id, t.material, t.color) for t in meta.tools]
        assert any(
            entry.gcode_tool_cnt == 2 for entry in entries
        )  # the two-colour keychain
