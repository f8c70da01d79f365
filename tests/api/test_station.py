"""Tests for the material station: its checks, and its commands against the emulator."""

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
import contextlib

import pytest

from custom_components.flashforge.api import (
    MATERIALS,
    PALETTE,
    FlashForgeNotSupportedError,
    FlashForgePrinter,
    FlashForgeStationError,
    PrinterProblem,
    StationAction,
    StationProblem,
    material_name,
    palette_color,
)
from flashforge_emulator import Emulator, ReceivedCommand, Status
from tests.conftest import EmulatorFactory

type Command = Callable[[FlashForgePrinter], Awaitable[None]]


@contextlib.asynccontextmanager
async def station_printer(
    emulator_factory: EmulatorFactory, model: str = "ad5x"
) -> AsyncIterator[tuple[Emulator, FlashForgePrinter]]:
    """Run an emulator and the printer object talking to it over HTTP."""
    async with (
        emulator_factory(model) as emulator,
        FlashForgePrinter(
            emulator.host,
            emulator.serial,
            emulator.check_code,
            port=emulator.port,
            request_timeout=2.0,
        ) as printer,
    ):
        yield emulator, printer


@pytest.mark.parametrize(
    ("given", "name"),
    [("PLA", "PLA"), ("petg-cf", "PETG-CF"), (" silk ", "SILK")],
)
def test_material_name_spells_materials_as_the_printer_does(
    given: str, name: str
) -> None:
    """A material the station offers is taken in any case, spelt the printer's way."""
    assert material_name(given) == name


@pytest.mark.parametrize("material", ["PA-CF", "", "wood"])
def test_material_name_refuses_what_the_screen_does_not_offer(material: str) -> None:
    """A material outside the screen's list is refused, listing the ones offered."""
    with pytest.raises(FlashForgeStationError) as err:
        material_name(material)
    assert err.value.problem is StationProblem.UNKNOWN_MATERIAL
    assert err.value.placeholders["materials"] == ", ".join(MATERIALS)


@pytest.mark.parametrize(
    ("color", "expected"),
    [
        ("#FEF043", "#FEF043"),
        ("fef043", "#FEF043"),
        ([255, 0, 0], "#F72224"),
        ((0, 0, 0), "#161616"),
        ("#FFFFFE", "#FFFFFF"),
    ],
)
def test_palette_color_picks_the_nearest_of_the_screen(
    color: str | Sequence[int], expected: str
) -> None:
    """Any colour becomes the nearest of the 24 the printer's screen knows."""
    assert palette_color(color) == expected
    assert expected in PALETTE


@pytest.mark.parametrize(
    "color", ["red", "#12345", "#1234567", [1, 2], [0, 0, 256], [True, 0, 0]]
)
def test_palette_color_refuses_what_is_no_colour(color: str | list[int]) -> None:
    """Text that is no #RRGGBB, or values outside 0-255, are refused."""
    with pytest.raises(FlashForgeStationError) as err:
        palette_color(color)
    assert err.value.problem is StationProblem.INVALID_COLOR
    assert err.value.invalid_input


@pytest.mark.parametrize(
    ("command", "sent", "args"),
    [
        (
            lambda printer: printer.station.set_slot(2, "petg", (255, 0, 0)),
            "msConfig_cmd",
            {"slot": 2, "mt": "PETG", "rgb": "#F72224"},
        ),
        # Without a colour the slot keeps the one it reports.
        (
            lambda printer: printer.station.set_slot(2, "TPU"),
            "msConfig_cmd",
            {"slot": 2, "mt": "TPU", "rgb": "#161616"},
        ),
        # A slot reporting no colour becomes white.
        (
            lambda printer: printer.station.set_slot(4, "ABS"),
            "msConfig_cmd",
            {"slot": 4, "mt": "ABS", "rgb": "#FFFFFF"},
        ),
        (
            lambda printer: printer.station.set_independent("SILK", "#A03CF7"),
            "ipdMsConfig_cmd",
            {"mt": "SILK", "rgb": "#A03CF7"},
        ),
        (
            lambda printer: printer.station.load(3),
            "ms_cmd",
            {"action": 0, "slot": 3},
        ),
        (
            lambda printer: printer.station.independent(StationAction.UNLOAD),
            "ipdMs_cmd",
            {"action": 1},
        ),
    ],
    ids=[
        "slot",
        "slot keeps colour",
        "slot without colour",
        "independent",
        "load",
        "independent unload",
    ],
)
async def test_ad5x_takes_station_commands(
    emulator_factory: EmulatorFactory,
    command: Command,
    sent: str,
    args: dict[str, object],
) -> None:
    """Each station command reaches the AD5X as the references spell it."""
    async with station_printer(emulator_factory) as (emulator, printer):
        await command(printer)

        assert emulator.commands == [ReceivedCommand(sent, args)]


async def test_set_slot_shows_in_the_detail(emulator_factory: EmulatorFactory) -> None:
    """The slot reports the material and colour set, at the next read."""
    async with station_printer(emulator_factory) as (_, printer):
        await printer.station.set_slot(1, "PETG-CF", "#0C6283")

        station = (await printer.detail()).material_station
        assert station is not None
        slot = station.slots[0]
        assert (slot.material_name, slot.material_color) == ("PETG-CF", "#0C6283")


async def test_unload_draws_back_the_loaded_slot(
    emulator_factory: EmulatorFactory,
) -> None:
    """Unloading sends the slot feeding the nozzle; then none is loaded."""
    async with station_printer(emulator_factory) as (emulator, printer):
        await printer.station.load(2)
        await printer.station.unload()

        assert emulator.commands[-1] == ReceivedCommand(
            "ms_cmd", {"action": 1, "slot": 2}
        )
        station = (await printer.detail()).material_station
        assert station is not None
        assert station.current_slot == 0


@pytest.mark.parametrize(
    ("command", "status", "problem"),
    [
        (lambda printer: printer.station.load(4), None, StationProblem.SLOT_EMPTY),
        (lambda printer: printer.station.load(5), None, StationProblem.SLOT_NOT_FOUND),
        (
            lambda printer: printer.station.set_slot(0, "PLA"),
            None,
            StationProblem.SLOT_NOT_FOUND,
        ),
        (lambda printer: printer.station.unload(), None, StationProblem.NOTHING_LOADED),
        (
            lambda printer: printer.station.set_slot(1, "PLA"),
            Status.PRINTING,
            StationProblem.BUSY,
        ),
        (lambda printer: printer.station.load(1), Status.PAUSED, StationProblem.BUSY),
        (
            lambda printer: printer.station.independent(StationAction.LOAD),
            Status.BUSY,
            StationProblem.BUSY,
        ),
        (
            lambda printer: printer.station.set_slot(1, "wood"),
            Status.PRINTING,
            StationProblem.UNKNOWN_MATERIAL,
        ),
    ],
    ids=[
        "empty slot",
        "no such slot",
        "slot 0",
        "nothing loaded",
        "printing",
        "paused",
        "busy",
        "input before state",
    ],
)
async def test_ad5x_refuses_before_sending(
    emulator_factory: EmulatorFactory,
    command: Command,
    status: Status | None,
    problem: StationProblem,
) -> None:
    """A command that cannot act is refused, and nothing reaches the printer."""
    async with station_printer(emulator_factory) as (emulator, printer):
        if status is not None:
            emulator.printer.status = status

        with pytest.raises(FlashForgeStationError) as err:
            await command(printer)

        assert err.value.problem is problem
        assert err.value.invalid_input is (problem is not StationProblem.BUSY)
        assert emulator.commands == []


@pytest.mark.parametrize("model", ["5m", "creator5"])
@pytest.mark.parametrize(
    "command",
    [
        lambda printer: printer.station.set_slot(1, "PLA", "#FFFFFF"),
        lambda printer: printer.station.load(1),
        lambda printer: printer.station.unload(),
        lambda printer: printer.station.set_independent("PLA", "#FFFFFF"),
    ],
    ids=["set slot", "load", "unload", "independent"],
)
async def test_printers_without_a_station_refuse(
    emulator_factory: EmulatorFactory, model: str, command: Command
) -> None:
    """A printer without the AD5X's station refuses, the Creator 5's slots included."""
    async with station_printer(emulator_factory, model) as (emulator, printer):
        with pytest.raises(FlashForgeNotSupportedError) as err:
            await command(printer)

        assert err.value.problem is PrinterProblem.NOT_SUPPORTED
        assert emulator.commands == []


async def test_tcp_only_printer_refuses_at_once() -> None:
    """A printer without the HTTP API refuses before reading anything."""
    printer = FlashForgePrinter("192.0.2.1", "SN", None, tcp_port=1)

    with pytest.raises(FlashForgeNotSupportedError):
        await printer.station.load(1)
