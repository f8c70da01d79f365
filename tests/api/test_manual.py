"""Tests for the manual commands (extrude, calibrate, clear an error, tool targets) against the emulator."""

from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
from typing import Any

import pytest

from custom_components.flashforge.api import (
    ControlProblem,
    FlashForgeControlError,
    FlashForgeNotSupportedError,
    FlashForgePrinter,
    PrinterProblem,
)
from flashforge_emulator import Clock, Emulator, Status

from ..conftest import EmulatorFactory

type Command = Callable[[FlashForgePrinter], Awaitable[None]]

HOME: Command = lambda printer: printer.home()  # noqa: E731
MOVE: Command = lambda printer: printer.move(x=1, feed_rate=600)  # noqa: E731
EXTRUDE: Command = lambda printer: printer.extrude(5)  # noqa: E731
CALIBRATE: Command = lambda printer: printer.calibrate(  # noqa: E731
    leveling=True, vibration_compensation=False
)
CLEAR_ERROR: Command = lambda printer: printer.clear_error()  # noqa: E731
# The TCP commands that only read or hold the session.
SESSION_CODES = {"~M601", "~M602", "~M115", "~M119", "~M105", "~M27"}


@contextlib.asynccontextmanager
async def connected(
    emulator_factory: EmulatorFactory, model: str, *, http: bool = True, tcp: bool
) -> AsyncIterator[tuple[Emulator, FlashForgePrinter]]:
    """Start a printer of a model and its printer object, read once as a poll would."""
    async with (
        emulator_factory(model, clock=Clock.manual(), command_seconds=0) as emulator,
        FlashForgePrinter(
            emulator.host,
            emulator.serial,
            emulator.check_code if http else None,
            port=emulator.port,
            tcp_port=emulator.tcp_port if tcp else None,
            request_timeout=2.0,
        ) as printer,
    ):
        await printer.detail()
        yield emulator, printer


def controls(emulator: Emulator) -> list[tuple[str, dict[str, Any]]]:
    """Return the /control commands the printer received."""
    return [(command.cmd, command.args) for command in emulator.commands]


def gcode(emulator: Emulator) -> list[str]:
    """Return the TCP commands received that are neither session nor read."""
    return [
        line
        for line in emulator.tcp_commands
        if line.split(" ", 1)[0] not in SESSION_CODES
    ]


@pytest.mark.parametrize("with_tcp", [True, False], ids=["with tcp", "http only"])
async def test_ad5x_extrudes_over_http(
    emulator_factory: EmulatorFactory, with_tcp: bool
) -> None:
    """The AD5X extrudes and retracts with its own HTTP command, TCP or not."""
    async with connected(emulator_factory, "ad5x", tcp=with_tcp) as (emulator, printer):
        await printer.extrude(12.5)
        await printer.extrude(-3)

        assert controls(emulator) == [
            ("extrudeCtrl_cmd", {"axis": "e", "delta": 12.5}),
            ("extrudeCtrl_cmd", {"axis": "e", "delta": -3}),
        ]
        assert gcode(emulator) == []


@pytest.mark.parametrize(
    ("model", "http"),
    [("5m-pro", True), ("adventurer4", False), ("adventurer3", False)],
)
async def test_extrudes_over_tcp(
    emulator_factory: EmulatorFactory, model: str, http: bool
) -> None:
    """Elsewhere the filament moves relatively over TCP, and positioning is absolute again."""
    async with connected(emulator_factory, model, http=http, tcp=True) as (
        emulator,
        printer,
    ):
        await printer.extrude(-2.5, feed_rate=120)

        assert gcode(emulator) == ["~G91", "~G1 E-2.5 F120", "~G90"]
        assert controls(emulator) == []


@pytest.mark.parametrize("model", ["5m-pro", "ad5x", "creator5"])
@pytest.mark.parametrize(
    ("leveling", "vibration", "sent"),
    [(True, True, ("open", "open")), (False, True, ("close", "open"))],
    ids=["both", "vibration only"],
)
async def test_calibrates_over_http(
    emulator_factory: EmulatorFactory,
    model: str,
    leveling: bool,
    vibration: bool,
    sent: tuple[str, str],
) -> None:
    """Every HTTP printer calibrates on command, with what was chosen."""
    async with connected(emulator_factory, model, tcp=False) as (emulator, printer):
        emulator.printer.leveling_detection = not leveling

        await printer.calibrate(leveling=leveling, vibration_compensation=vibration)

        assert controls(emulator) == [
            (
                "calibration_cmd",
                {"levelingDetection": sent[0], "vibrationCompensation": sent[1]},
            )
        ]
        assert emulator.printer.leveling_detection is leveling
        assert emulator.printer.vibration_compensation is vibration


async def test_calibrate_needs_a_choice(emulator_factory: EmulatorFactory) -> None:
    """Calibrating nothing is a caller's mistake, caught before anything is sent."""
    async with connected(emulator_factory, "5m-pro", tcp=False) as (emulator, printer):
        with pytest.raises(ValueError, match="Choose"):
            await printer.calibrate(leveling=False, vibration_compensation=False)

        assert controls(emulator) == []


async def test_ad5x_clears_its_error(emulator_factory: EmulatorFactory) -> None:
    """The AD5X clears the error it reports, named by its code."""
    async with connected(emulator_factory, "ad5x", tcp=False) as (emulator, printer):
        emulator.printer.set_error("E0109")

        await printer.clear_error()
        detail = await printer.detail()

        assert controls(emulator) == [
            ("errorCodeCtrl_cmd", {"action": "clearErrorCode", "errorCode": "E0109"})
        ]
        assert detail.error_code is None
        assert emulator.printer.status is Status.READY


async def test_clear_error_without_an_error(emulator_factory: EmulatorFactory) -> None:
    """With no error reported there is nothing to clear: refused, nothing sent."""
    async with connected(emulator_factory, "ad5x", tcp=False) as (emulator, printer):
        with pytest.raises(FlashForgeControlError) as caught:
            await printer.clear_error()

        assert caught.value.problem is ControlProblem.NO_ERROR
        assert caught.value.placeholders == {"status": "ready"}
        assert not caught.value.invalid_input
        assert controls(emulator) == []


@pytest.mark.parametrize("command", [HOME, MOVE, EXTRUDE, CALIBRATE])
@pytest.mark.parametrize(
    ("status", "problem"),
    [
        (Status.PRINTING, ControlProblem.JOB_RUNNING),
        (Status.PAUSED, ControlProblem.JOB_RUNNING),
        (Status.HEATING, ControlProblem.JOB_RUNNING),
        (Status.BUSY, ControlProblem.WORKING),
        (Status.CALIBRATE_DOING, ControlProblem.WORKING),
    ],
)
async def test_refused_while_the_printer_works(
    emulator_factory: EmulatorFactory,
    command: Command,
    status: Status,
    problem: ControlProblem,
) -> None:
    """A job, a homing or a calibration under way refuses every manual command unsent."""
    async with connected(emulator_factory, "ad5x", tcp=True) as (emulator, printer):
        emulator.printer.status = status

        with pytest.raises(FlashForgeControlError) as caught:
            await command(printer)

        assert caught.value.problem is problem
        assert caught.value.placeholders == {"status": status.value}
        assert controls(emulator) == []
        assert gcode(emulator) == []


@pytest.mark.parametrize(
    ("model", "http", "tcp", "command"),
    [
        ("5m-pro", True, False, EXTRUDE),
        ("creator5", True, False, EXTRUDE),
        ("adventurer4", False, True, CALIBRATE),
        ("5m-pro", True, True, CLEAR_ERROR),
        ("creator5", True, False, CLEAR_ERROR),
        ("adventurer4", False, True, CLEAR_ERROR),
    ],
    ids=[
        "extrude 5m http only",
        "extrude creator 5",
        "calibrate tcp only",
        "clear error 5m",
        "clear error creator 5",
        "clear error tcp only",
    ],
)
async def test_refused_where_the_printer_has_no_such_command(
    emulator_factory: EmulatorFactory,
    model: str,
    http: bool,
    tcp: bool,
    command: Command,
) -> None:
    """A printer without the command refuses it before anything is sent."""
    async with connected(emulator_factory, model, http=http, tcp=tcp) as (
        emulator,
        printer,
    ):
        emulator.printer.set_error("E0109")

        with pytest.raises(FlashForgeNotSupportedError) as caught:
            await command(printer)

        assert caught.value.problem is PrinterProblem.NOT_SUPPORTED
        assert controls(emulator) == []
        assert gcode(emulator) == []


@pytest.mark.parametrize(
    ("tools", "sent", "targets"),
    [
        ({1: 210}, [-200, 210, -200, -200], [0, 210, 0, 0]),
        ({0: 200, 3: 220}, [200, -200, -200, 220], [200, 0, 0, 220]),
    ],
    ids=["one tool", "two tools"],
)
async def test_creator5_sets_each_tool(
    emulator_factory: EmulatorFactory,
    tools: dict[int, int],
    sent: list[int],
    targets: list[float],
) -> None:
    """The Creator 5 takes its tools' targets as one array, the others unchanged."""
    async with connected(emulator_factory, "creator5", tcp=False) as (
        emulator,
        printer,
    ):
        await printer.set_temperatures(tools=tools)
        detail = await printer.detail()

        assert controls(emulator) == [("temperatureCtl_cmd", {"nozzles": sent})]
        assert list(detail.nozzle_target_temperatures) == targets


async def test_creator5_turns_a_tool_off(emulator_factory: EmulatorFactory) -> None:
    """A target of 0 turns the tool's heater off, as the firmware spells it."""
    async with connected(emulator_factory, "creator5", tcp=False) as (
        emulator,
        printer,
    ):
        await printer.set_temperatures(tools={2: 230})
        await printer.set_temperatures(tools={2: 0}, bed=60)
        detail = await printer.detail()

        assert controls(emulator)[-1] == (
            "temperatureCtl_cmd",
            {"platform": 60, "nozzles": [-200, -200, -100, -200]},
        )
        assert detail.nozzle_target_temperatures[2] == 0


@pytest.mark.parametrize(
    ("model", "http", "tools", "error"),
    [
        ("5m-pro", True, {0: 200}, FlashForgeNotSupportedError),
        ("adventurer4", False, {0: 200}, FlashForgeNotSupportedError),
        ("creator5", True, {4: 200}, ValueError),
    ],
    ids=["5m", "tcp only", "no such tool"],
)
async def test_tool_targets_refused(
    emulator_factory: EmulatorFactory,
    model: str,
    http: bool,
    tools: dict[int, int],
    error: type[Exception],
) -> None:
    """A printer without per-tool nozzles, or a tool it lacks, is refused unsent."""
    async with connected(emulator_factory, model, http=http, tcp=not http) as (
        emulator,
        printer,
    ):
        with pytest.raises(error):
            await printer.set_temperatures(tools=tools)

        assert controls(emulator) == []
        assert gcode(emulator) == []
