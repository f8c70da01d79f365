"""Drive the third-party TCP clients (Adventurer 3, 4 and 5M) against the emulator.

Nobody on this project wrote them (PyPI `flashforge-python-api`, import name
`flashforge`, `flashforge.tcp.FlashForgeA3Client` / `FlashForgeA4Client`), so
if they can identify the printer, read its state and temperatures, switch its
light, start a print and follow its progress, the emulator answers the way
their author expected a real printer to, not merely the way our client does.

How the clients are pointed at the emulator
-------------------------------------------
Both take `FlashForgeTcpClientOptions(port=...)`, so the ephemeral loopback
port is passed through that constructor option; nothing is patched. Both
start a keep-alive task (`M27` every 5 s) on connecting; `dispose()` stops it
and logs out with `M602`, so every test disposes its client.

Where the library and the reference documents differ (the emulator follows the documents)
------------------------------------------------------------------------------------------
1. M23 on the Adventurer 4: the A4 YAML says `M23` selects and `M24` starts;
   the library's `start_job` sends only `M23 0:/user/<name>` (the 5M's way).
   The test selects with `start_job` and starts with `resume_job` (`M24`).
2. M105 on the Adventurer 4: the emulator sends legacy-api.md's older form
   `T0:220 /220 B:60/60`; the library splits on spaces, so it reads the nozzle's
   current temperature but loses its target (reads 0). The bed is unaffected.
3. M119 on the Adventurer 3: the A3 YAML's words are IDLE / PRINTING / PAUSED.
   The library knows IDLE (as ready) but not PRINTING, which it reports as
   its `DEFAULT` state; the current file and the progress still tell a print.
4. M105 on the Adventurer 3: the A3 YAML shows the nozzle target only while
   printing (`ok T0:25/0` while idle even with a target set).
5. M146 on the Adventurer 3: the A3 reads only `0` as off; the library maps
   its white/off colour commands to `M146 1` / `M146 0` itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace

from flashforge import FlashForgeClient
from flashforge.client import FiveMClientConnectionOptions
from flashforge.tcp import (
    FlashForgeA3Client,
    FlashForgeA4Client,
    FlashForgeTcpClient,
    FlashForgeTcpClientOptions,
)
from flashforge.tcp.parsers.endstop_status import MachineStatus
import pytest

from flashforge_emulator import Clock, Emulator, Status
from tests.conftest import EmulatorFactory

CUBE = "Calibration_Cube.gcode"  # seeded on both: 220 / 60 degC, 100 layers
HEATING_SECONDS = 10.0
PRINT_SECONDS = 100.0


@asynccontextmanager
async def _printer(factory: EmulatorFactory, model: str) -> AsyncIterator[Emulator]:
    """Run a legacy printer whose clock only moves when the test advances it."""
    async with factory(
        model,
        name="Garage",
        serial="SNLEGACY01",
        clock=Clock.manual(),
        heating_seconds=HEATING_SECONDS,
        print_seconds=PRINT_SECONDS,
    ) as emu:
        yield emu


@asynccontextmanager
async def _client[C: FlashForgeTcpClient](
    emu: Emulator, client_class: Callable[[str, FlashForgeTcpClientOptions], C]
) -> AsyncIterator[C]:
    """Build the library's client for the emulator and always dispose of it."""
    client = client_class(emu.host, FlashForgeTcpClientOptions(port=emu.tcp_port))
    try:
        yield client
    finally:
        await client.dispose()


async def test_adventurer3_info_status_and_temperatures(
    emulator_factory: EmulatorFactory,
) -> None:
    async with _printer(emulator_factory, "adventurer3") as emu:
        async with _client(emu, FlashForgeA3Client) as client:
            assert await client.init_control()
            assert emu.tcp_control_held
            await read_adventurer3(emu, client)
        assert not emu.tcp_control_held  # dispose() logged out


async def read_adventurer3(emu: Emulator, client: FlashForgeA3Client) -> None:
    """Read the identity, state and temperatures as the library parses them."""
    info = await client.get_printer_info()
    assert info is not None
    assert info.machine_type == "FlashForge Adventurer III"
    assert info.machine_name == "Garage"
    assert info.firmware == "v1.3.7"
    assert info.serial_number == "SNLEGACY01"
    assert (info.build_volume.x, info.build_volume.y, info.build_volume.z) == (
        150,
        150,
        150,
    )
    assert info.mac_address == emu.core.mac_addr
    assert await client.gcode().is_adventurer_3()

    status = await client.get_endstop_status()
    assert status is not None
    assert status.machine_status == MachineStatus.READY
    assert status.led_enabled is False  # the A3 has no light of its own
    assert status.current_file is None

    assert await client.gcode().set_bed_temp(55)
    assert await client.gcode().set_extruder_temp(200)
    assert emu.printer.nozzle_target == 200
    temps = await client.get_temp_info()
    assert temps is not None
    bed, nozzle = temps.get_bed_temp(), temps.get_extruder_temp()
    assert bed is not None
    assert nozzle is not None
    assert bed.get_set() == 55
    assert nozzle.get_set() == 0  # shown only while printing, see 4.


async def test_adventurer3_light_files_and_a_print(
    emulator_factory: EmulatorFactory,
) -> None:
    async with (
        _printer(emulator_factory, "adventurer3") as emu,
        _client(emu, FlashForgeA3Client) as client,
    ):
        assert await client.init_control()
        assert await client.gcode().led_on()
        assert emu.printer.light_on
        assert "~M146 1" in emu.tcp_commands
        assert await client.gcode().led_off()
        assert not emu.printer.light_on

        files = await client.list_files()
        assert sorted(f.name for f in files) == sorted(emu.files)
        thumbnail = await client.get_thumbnail(CUBE)
        assert thumbnail is not None
        assert thumbnail.data == emu.files[CUBE].thumbnail

        assert await client.gcode().start_job(CUBE)  # M23 /data/..., then M24
        assert emu.printer.status == Status.HEATING
        emu.advance(HEATING_SECONDS + PRINT_SECONDS * 0.42)
        progress = await client.get_print_status()
        assert progress is not None
        assert progress.get_sd_percent() == 42
        status = await client.get_endstop_status()
        assert status is not None
        assert status.current_file == CUBE
        assert status.machine_status == MachineStatus.DEFAULT  # "PRINTING", see 3.
        temps = await client.get_temp_info()
        assert temps is not None
        nozzle = temps.get_extruder_temp()
        assert nozzle is not None
        assert (nozzle.get_current(), nozzle.get_set()) == (220, 220)

        assert await client.pause_print()
        emu.advance(5)
        assert emu.printer.status == Status.PAUSED
        assert await client.start_print()  # M24 resumes
        assert emu.printer.status == Status.PRINTING
        assert await client.home() is True  # refused while printing, silently
        assert await client.stop_print()
        assert emu.printer.status == Status.READY


async def test_adventurer4_info_status_light_and_a_print(
    emulator_factory: EmulatorFactory,
) -> None:
    async with (
        _printer(emulator_factory, "adventurer4") as emu,
        _client(emu, FlashForgeA4Client) as client,
    ):
        assert await client.init_control()  # M601 S1, then M115
        info = await client.get_printer_info()
        assert info is not None
        assert info.machine_type == "Flashforge Adventurer 4"
        assert info.machine_name == "Garage"
        assert info.serial_number == "SNLEGACY01"
        assert info.variant == "lite"
        assert (info.build_volume.x, info.build_volume.y, info.build_volume.z) == (
            220,
            200,
            250,
        )
        assert info.mac_address == emu.core.mac_addr

        status = await client.get_endstop_status()
        assert status is not None
        assert status.is_ready()
        assert status.led_enabled is True
        assert await client.led_off()
        assert not emu.printer.light_on
        assert await client.led_on()
        assert emu.printer.light_on
        assert emu.printer.light_color == (255, 255, 255)

        files = await client.list_files()
        assert sorted(f.name for f in files) == sorted(emu.files)
        thumbnail = await client.get_thumbnail(CUBE)
        assert thumbnail is not None
        assert thumbnail.get_image_bytes() == emu.files[CUBE].thumbnail

        assert await client.start_job(CUBE)  # M23 selects (see 1.)
        assert emu.printer.status == Status.READY
        assert await client.resume_job()  # M24 starts
        emu.advance(HEATING_SECONDS + PRINT_SECONDS * 0.3)
        progress = await client.get_print_status()
        assert progress is not None
        assert progress.get_print_percent() == 30
        assert progress.get_layer_progress() == "30/100"
        status = await client.get_endstop_status()
        assert status is not None
        assert status.is_printing()
        assert status.current_file == CUBE
        temps = await client.get_temp_info()
        assert temps is not None
        nozzle, bed = temps.get_extruder_temp(), temps.get_bed_temp()
        assert nozzle is not None
        assert bed is not None
        assert (nozzle.get_current(), nozzle.get_set()) == (220, 0)  # see 2.
        assert (bed.get_current(), bed.get_set()) == (60, 60)

        assert await client.pause_job()
        emu.advance(5)
        status = await client.get_endstop_status()
        assert status is not None
        assert status.is_paused()
        assert await client.stop_job()
        assert emu.printer.status == Status.READY


@pytest.mark.parametrize(
    ("model", "client_class"),
    [("adventurer3", FlashForgeA3Client), ("adventurer4", FlashForgeA4Client)],
)
async def test_control_held_by_another_program(
    emulator_factory: EmulatorFactory,
    model: str,
    client_class: Callable[[str, FlashForgeTcpClientOptions], FlashForgeTcpClient],
) -> None:
    async with (
        _printer(emulator_factory, model) as emu,
        _client(emu, client_class) as first,
        _client(emu, client_class) as second,
    ):
        assert isinstance(first, FlashForgeA3Client | FlashForgeA4Client)
        assert isinstance(second, FlashForgeA3Client | FlashForgeA4Client)
        assert await first.init_control()
        # The A3's "Error: have been connected" is taken for success by the
        # library (it assumes its own earlier login); the A4's "Control Failed."
        # is a refusal.
        assert await second.init_control() is (model == "adventurer3")


async def test_5m_pro_over_both_apis(emulator_factory: EmulatorFactory) -> None:
    """The library's 5M client: HTTP for /detail, TCP for M115, M661, M662, M105."""
    async with _printer(emulator_factory, "5m-pro") as emu:
        for number in range(11):  # more than /gcodeList's ten
            emu.core.store.add(replace(emu.files[CUBE], name=f"part_{number}.gcode"))
        client = FlashForgeClient(
            emu.host,
            emu.serial,
            emu.check_code,
            FiveMClientConnectionOptions(http_port=emu.port, tcp_port=emu.tcp_port),
        )
        try:
            assert await client.initialize()
            assert await client.init_control()
            assert emu.tcp_control_held
            info = await client.tcp_client.get_printer_info()
            assert info is not None
            assert info.type_name == "Flashforge Adventurer 5M Pro"
            assert info.serial_number == emu.serial
            files = await client.tcp_client.get_file_list_async()
            assert sorted(files) == sorted(emu.files)
            assert len(files) == 14
            thumbnail = await client.tcp_client.get_thumbnail(CUBE)
            assert thumbnail is not None
            assert thumbnail.get_image_bytes() == emu.files[CUBE].thumbnail
            temps = await client.get_temperatures()
            assert temps is not None
            nozzle = temps.get_extruder_temp()
            assert nozzle is not None
            assert nozzle.get_current() == 25
        finally:
            await client.dispose()
        assert not emu.tcp_control_held
