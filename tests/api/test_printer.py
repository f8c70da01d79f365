"""Tests for the printer object: what takes more than one request, against the emulator."""

from collections.abc import AsyncIterator, Awaitable, Callable
import dataclasses
import socket

import pytest

from custom_components.flashforge.api import (
    FlashForgeConnectionError,
    FlashForgeNotSupportedError,
    FlashForgePrinter,
    MachineStatus,
    PrinterProblem,
)
from flashforge_emulator import Clock, Emulator
from flashforge_emulator.profiles import get_profile

from ..conftest import EmulatorFactory


@pytest.fixture
async def printer(emulator: Emulator) -> AsyncIterator[FlashForgePrinter]:
    """Return the printer object for the 5M Pro emulator."""
    async with FlashForgePrinter(
        emulator.host,
        emulator.serial,
        emulator.check_code,
        port=emulator.port,
        request_timeout=2.0,
    ) as printer:
        yield printer


def test_repr_names_the_printer_without_its_check_code(
    printer: FlashForgePrinter, emulator: Emulator
) -> None:
    """The printer's repr says where it is, never how to authenticate."""
    assert emulator.serial in repr(printer)
    assert emulator.check_code not in repr(printer)


@pytest.mark.parametrize("read_first", [True, False], ids=["read", "never read"])
@pytest.mark.parametrize(
    ("change", "internal", "external"),
    [
        ({"internal": True}, True, True),
        ({"internal": False}, False, True),
        ({"external": False}, False, False),
    ],
)
async def test_filtration_keeps_the_other_fan(
    printer: FlashForgePrinter,
    emulator: Emulator,
    read_first: bool,
    change: dict[str, bool],
    internal: bool,
    external: bool,
) -> None:
    """Setting one fan sends the other as the printer reported it, reading it if needed."""
    emulator.printer.external_fan_on = True
    if read_first:
        await printer.detail()

    await printer.set_filtration(**change)

    assert (emulator.printer.internal_fan_on, emulator.printer.external_fan_on) == (
        internal,
        external,
    )


@pytest.mark.parametrize(
    ("change", "enabled", "minutes"),
    [
        ({"enabled": True}, True, 45),
        ({"minutes": 10}, False, 10),
        ({"enabled": True, "minutes": 5}, True, 5),
    ],
)
async def test_auto_shutdown_keeps_what_is_not_given(
    printer: FlashForgePrinter,
    emulator: Emulator,
    change: dict[str, int | bool],
    enabled: bool,
    minutes: int,
) -> None:
    """Changing the switch keeps the delay set on the printer, and the other way round."""
    emulator.printer.auto_shutdown_minutes = 45
    await printer.detail()

    await printer.set_auto_shutdown(**change)  # type: ignore[arg-type]

    assert (emulator.printer.auto_shutdown, emulator.printer.auto_shutdown_minutes) == (
        enabled,
        minutes,
    )


async def test_detail_is_kept_for_later_commands(
    printer: FlashForgePrinter, emulator: Emulator
) -> None:
    """The state last read is the one commands merge with."""
    assert printer.last_detail is None
    detail = await printer.detail()
    assert printer.last_detail is detail
    assert detail.name == emulator.detail()["name"]


def tcp_printer(emulator: Emulator, *, http: bool = False) -> FlashForgePrinter:
    """Return the printer object for an emulator's TCP API; with HTTP if asked."""
    return FlashForgePrinter(
        emulator.host,
        emulator.serial,
        emulator.check_code if http else None,
        port=emulator.port,
        tcp_port=emulator.tcp_port,
        camera_port=emulator.camera_port or 8080,
        request_timeout=2.0,
    )


def free_port() -> int:
    """Return a loopback port that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.parametrize(
    ("model", "model_name", "camera", "colors"),
    [
        ("adventurer3", "Adventurer III", False, False),
        ("adventurer4", "Adventurer 4", True, True),
        ("5m", "Adventurer 5M", False, False),
    ],
)
async def test_tcp_only_printer_reads_its_state_over_tcp(
    emulator_factory: EmulatorFactory,
    model: str,
    model_name: str,
    camera: bool,
    colors: bool,
) -> None:
    """Without a check code the printer is read over TCP, and holds no control after."""
    async with (
        emulator_factory(model) as emulator,
        tcp_printer(emulator) as printer,
    ):
        detail = await printer.detail()
        product = await printer.product()

        assert (printer.has_http, printer.has_tcp) == (False, True)
        assert detail.status is MachineStatus.READY
        assert detail.name == emulator.printer.name
        assert detail.pid is None
        assert printer.model == model_name
        assert printer.light_colors is colors
        assert (detail.camera_stream_url is not None) is camera
        assert product.nozzle_temperature_control
        assert product.bed_temperature_control
        assert not product.chamber_temperature_control
        assert printer.reported_fields is not None
        assert not emulator.tcp_control_held
        assert emulator.request_counts["/detail"] == 0


@pytest.mark.parametrize(
    ("command", "sent"),
    [
        (lambda printer: printer.set_light(on=True, color=(255, 0, 0)), "~M146 r255"),
        (lambda printer: printer.set_light(on=False), "~M146"),
        (lambda printer: printer.set_temperatures(nozzle=200), "~M104"),
        (lambda printer: printer.set_temperatures(bed=60), "~M140"),
        (lambda printer: printer.home(), "~G28"),
        (lambda printer: printer.move(x=5, feed_rate=600), "~G1"),
        (lambda printer: printer.emergency_stop(), "~M112"),
        (lambda printer: printer.send_gcode(["M114"]), "~M114"),
    ],
    ids=[
        "light colour",
        "light off",
        "nozzle",
        "bed",
        "home",
        "move",
        "emergency stop",
        "gcode",
    ],
)
async def test_tcp_only_commands_reach_the_printer_over_tcp(
    emulator_factory: EmulatorFactory,
    command: Callable[[FlashForgePrinter], Awaitable[object]],
    sent: str,
) -> None:
    """Each command a TCP-only printer takes goes out on its TCP API, in one session."""
    async with (
        emulator_factory("adventurer4") as emulator,
        tcp_printer(emulator) as printer,
    ):
        await command(printer)

        assert any(line.startswith(sent) for line in emulator.tcp_commands)
        assert emulator.tcp_commands[-1] == "~M602"
        assert not emulator.tcp_control_held


async def test_tcp_only_printer_prints_a_listed_file_and_shows_its_preview(
    emulator_factory: EmulatorFactory,
) -> None:
    """A listed file prints, its preview comes over M662, and the job obeys."""
    async with (
        emulator_factory(
            "adventurer4", clock=Clock.manual(), command_seconds=0, print_seconds=600
        ) as emulator,
        tcp_printer(emulator) as printer,
    ):
        files = await printer.files()
        await printer.print_file(files[0].name)
        emulator.advance(1)
        detail = await printer.detail()
        preview = await printer.preview(detail.print_file_name or "", None)
        await printer.pause_print()
        emulator.advance(5)
        await printer.resume_print()
        await printer.cancel_print()

        assert len(files) == len(emulator.files)
        assert detail.status.printing
        jobs = [
            line for line in emulator.tcp_commands if line in {"~M24", "~M25", "~M26"}
        ]
        assert jobs[-3:] == ["~M25", "~M24", "~M26"]
        assert detail.print_file_name is not None
        assert files[0].name.endswith(detail.print_file_name)
        assert preview.content_type == "image/png"


@pytest.mark.parametrize(
    "command",
    [
        lambda printer: printer.clear_platform(),
        lambda printer: printer.set_camera_stream(True),
        lambda printer: printer.set_filtration(internal=True),
        lambda printer: printer.set_auto_shutdown(enabled=True),
        lambda printer: printer.set_printer_controls(speed=100),
        lambda printer: printer.set_temperatures(chamber=40),
    ],
    ids=["clear", "camera", "filtration", "shutdown", "controls", "chamber"],
)
async def test_tcp_only_printer_refuses_what_only_http_offers(
    emulator_factory: EmulatorFactory,
    command: Callable[[FlashForgePrinter], Awaitable[object]],
) -> None:
    """What the TCP API has no command for is refused before anything is sent."""
    async with (
        emulator_factory("adventurer4") as emulator,
        tcp_printer(emulator) as printer,
    ):
        with pytest.raises(FlashForgeNotSupportedError) as caught:
            await command(printer)

        assert caught.value.problem is PrinterProblem.NOT_SUPPORTED
        assert emulator.tcp_commands == []


@pytest.mark.parametrize(
    "command",
    [
        lambda printer: printer.home(),
        lambda printer: printer.move(z=1, feed_rate=600),
        lambda printer: printer.send_gcode(["M114"]),
        lambda printer: printer.emergency_stop(),
        lambda printer: printer.set_light(on=True, color=(0, 0, 255)),
    ],
    ids=["home", "move", "gcode", "emergency stop", "light colour"],
)
async def test_http_printer_without_tcp_refuses_the_tcp_extras(
    printer: FlashForgePrinter,
    emulator: Emulator,
    command: Callable[[FlashForgePrinter], Awaitable[object]],
) -> None:
    """An HTTP printer whose TCP API is not used refuses what only TCP offers."""
    with pytest.raises(FlashForgeNotSupportedError):
        await command(printer)

    assert printer.has_tcp is False
    assert emulator.tcp_commands == []


async def test_http_printer_with_tcp_lists_every_file_by_its_http_name(
    emulator_factory: EmulatorFactory,
) -> None:
    """The whole list comes over TCP, named so that HTTP prints any of them."""
    async with (
        emulator_factory("5m-pro", clock=Clock.manual(), command_seconds=0) as emulator,
        tcp_printer(emulator, http=True) as printer,
    ):
        files = await printer.files()
        thumbnail = await printer.thumbnail(files[-1].name)
        await printer.print_file(files[-1].name)
        emulator.advance(1)
        detail = await printer.detail()

        assert {file.name for file in files} == set(emulator.files)
        assert thumbnail.startswith(b"\x89PNG")
        assert detail.print_file_name == files[-1].name
        assert "~M661" in emulator.tcp_commands
        assert emulator.request_counts["/detail"] == 1


async def test_http_printer_finds_its_tcp_api(
    emulator_factory: EmulatorFactory,
) -> None:
    """A TCP API that answers is used from then on, without holding control."""
    async with (
        emulator_factory("5m-pro") as emulator,
        FlashForgePrinter(
            emulator.host, emulator.serial, emulator.check_code, port=emulator.port
        ) as printer,
    ):
        assert emulator.tcp_port is not None
        assert await printer.find_tcp(emulator.tcp_port)
        await printer.home()

        assert printer.tcp_port == emulator.tcp_port
        assert "~G28" in emulator.tcp_commands
        assert not emulator.tcp_control_held


@pytest.mark.parametrize("model", ["5m-pro", "creator5"])
async def test_http_printer_without_a_tcp_api_finds_none(
    emulator_factory: EmulatorFactory, model: str
) -> None:
    """A closed port, or a Creator 5 (which has no port 8899), gives no TCP extras."""
    async with (
        emulator_factory(model, tcp_port=None) as emulator,
        FlashForgePrinter(
            emulator.host, emulator.serial, emulator.check_code, port=emulator.port
        ) as printer,
    ):
        assert not await printer.find_tcp(free_port())

        assert not printer.has_tcp


@pytest.mark.parametrize(
    ("model", "firmware", "suggested"),
    [
        ("5m", "3.0.5", True),
        ("5m-pro", "v3.1.2", True),
        ("5m", "3.1.3", False),
        ("adventurer4", "1.2.1-3.22", False),
        ("adventurer3", "1.0.1", False),
    ],
)
async def test_firmware_update_suggested_only_where_it_brings_http(
    emulator_factory: EmulatorFactory, model: str, firmware: str, suggested: bool
) -> None:
    """A 5M before 3.1.3 would gain the HTTP API; other TCP printers never do."""
    profile = dataclasses.replace(get_profile(model), firmware_version=firmware)
    async with emulator_factory(profile) as emulator, tcp_printer(emulator) as printer:
        detail = await printer.detail()

        assert printer.firmware_update_suggested(detail) is suggested


async def test_tcp_only_printer_reads_who_it_is_again_after_a_reboot(
    emulator_factory: EmulatorFactory,
) -> None:
    """A printer that went away is asked M115 again: a firmware update reboots it."""
    async with (
        emulator_factory("adventurer4") as emulator,
        tcp_printer(emulator) as printer,
    ):
        await printer.detail()
        await printer.detail()
        await emulator.go_offline()
        with pytest.raises(FlashForgeConnectionError):
            await printer.detail()
        await emulator.come_back()
        detail = await printer.detail()

        assert emulator.tcp_commands.count("~M115") == 2
        assert detail.status is MachineStatus.READY


@pytest.mark.parametrize("with_tcp", [True, False], ids=["with tcp", "http only"])
async def test_ad5x_homes_and_moves_over_http(
    emulator_factory: EmulatorFactory, with_tcp: bool
) -> None:
    """The AD5X's own HTTP commands home and move it, TCP or not."""
    async with (
        emulator_factory("ad5x", clock=Clock.manual(), command_seconds=0) as emulator,
        FlashForgePrinter(
            emulator.host,
            emulator.serial,
            emulator.check_code,
            port=emulator.port,
            tcp_port=emulator.tcp_port if with_tcp else None,
        ) as printer,
    ):
        await printer.detail()
        await printer.move(x=5, z=-1, feed_rate=600)
        moved = list(emulator.printer.coordinate)
        await printer.home()

        assert printer.can_move
        assert moved == [5.0, 0.0, -1.0]
        assert emulator.printer.coordinate == [0.0, 0.0, 0.0]
        assert emulator.tcp_commands == []
