"""Tests of dev/bootstrap.py: its printer arguments, and the dashboard it saves."""

from collections.abc import AsyncIterator, Iterator
import contextlib
from typing import Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest

from custom_components.flashforge.const import DOMAIN
from custom_components.flashforge.discovery import TARGETS_ENVIRONMENT_VARIABLE
from dev.bootstrap import PrinterSpec, build_dashboard, parse_args
from flashforge_emulator import Emulator

from ..conftest import EmulatorFactory
from ..integration.conftest import closed_port


def cards(tree: Any) -> Iterator[dict[str, Any]]:
    """Yield every card and entities row of a dashboard, nested ones too."""
    if isinstance(tree, dict):
        if "type" in tree or "entity" in tree:
            yield tree
        for value in tree.values():
            yield from cards(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from cards(value)


def printer_argument(emulator: Emulator) -> list[str]:
    """Return bootstrap's argument for an emulated printer, as scripts/develop writes it."""
    if not emulator.profile.has_http:
        # Nothing serves the HTTP port typed in: only the TCP API answers.
        return ["--tcp-printer", f"{emulator.host}:{emulator.tcp_port}:{closed_port()}"]
    # A model without the TCP API is asked on a port nothing serves.
    tcp_port = closed_port() if emulator.tcp_port is None else emulator.tcp_port
    spec = f"{emulator.host}:{emulator.port}:{emulator.serial}:{emulator.check_code}"
    return ["--printer", f"{spec}:{tcp_port}"]


async def add_through_flow(hass: HomeAssistant, printer: PrinterSpec) -> dict[str, Any]:
    """Type the printer into the config flow's user step, as bootstrap does."""
    flow = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], printer.form()
    )
    return dict(result)


async def registry_dump(
    hass: HomeAssistant,
    emulators: contextlib.AsyncExitStack,
    emulator_factory: EmulatorFactory,
    names: list[str],
    model: str = "5m-pro",
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Add printers as bootstrap does; return devices and entities as the websocket lists them."""
    argv = []
    for number, name in enumerate(names, 1):
        emulator = await emulators.enter_async_context(
            emulator_factory(model, name=name, serial=f"SNFFEMU{number:05d}")
        )
        argv += printer_argument(emulator)
    for printer in parse_args(argv).printers:
        result = await add_through_flow(hass, printer)
        assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    devices = [
        {
            "id": device.id,
            "name": device.name,
            "name_by_user": device.name_by_user,
            "identifiers": [list(i) for i in device.identifiers],
            "via_device_id": device.via_device_id,
        }
        for device in dr.async_get(hass).devices
    ]
    entities = [entry.as_partial_dict for entry in er.async_get(hass).entities.values()]
    return devices, entities


@pytest.fixture
async def emulators() -> AsyncIterator[contextlib.AsyncExitStack]:
    """Keep the printers a test starts running until it ends."""
    async with contextlib.AsyncExitStack() as stack:
        yield stack


@pytest.fixture(autouse=True)
def no_network_discovery(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep discovery off the real network."""
    monkeypatch.setenv(TARGETS_ENVIRONMENT_VARIABLE, "")


@pytest.mark.parametrize("names", [["Adventurer 5M Pro"], ["Left", "Right"]])
async def test_cards_are_named_by_what_they_show(
    hass: HomeAssistant,
    emulators: contextlib.AsyncExitStack,
    emulator_factory: EmulatorFactory,
    names: list[str],
) -> None:
    """No card repeats the printer's name; each printer has one heading."""
    devices, entities = await registry_dump(hass, emulators, emulator_factory, names)

    dashboard = build_dashboard(devices, entities)

    named = [card for card in cards(dashboard) if card.get("type") != "heading"]
    assert named
    for card in named:
        if "entity" in card:
            assert card.get("name") or card.get("show_name") is False, card
        for name in names:
            assert name not in str(card.get("name", "")), card
    headings = [card["heading"] for card in cards(dashboard) if "heading" in card]
    assert sorted(set(headings) & set(names)) == sorted(names)


async def test_print_tiles_show_the_job(
    hass: HomeAssistant,
    emulators: contextlib.AsyncExitStack,
    emulator_factory: EmulatorFactory,
) -> None:
    """Status, progress, time remaining, start and end time, file and layer have tiles."""
    devices, entities = await registry_dump(
        hass, emulators, emulator_factory, ["Printer"]
    )
    keys = {e["entity_id"]: e["translation_key"] for e in entities}

    dashboard = build_dashboard(devices, entities)

    tiles = {
        keys[card["entity"]]: card["name"]
        for card in cards(dashboard)
        if card.get("type") == "tile"
    }
    assert tiles == {
        "status": "Status",
        "progress": "Print progress",
        "time_remaining": "Time remaining",
        "print_start_time": "Print start time",
        "print_end_time": "Print end time",
        "file_name": "Current file",
        "current_layer": "Current layer",
        "total_layers": "Total layers",
        "light": "Light",
    }
    shown = {card["entity"] for card in cards(dashboard) if "entity" in card}
    assert shown <= set(keys)
    logbooks = [card for card in cards(dashboard) if card.get("type") == "logbook"]
    assert [keys[e] for card in logbooks for e in card["target"]["entity_id"]] == [
        "print"
    ]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        # The form bootstrap has always taken, and the TCP port after it.
        (
            ["--printer", "127.0.0.1:8898:SNFFEMU00001:12345678"],
            PrinterSpec("127.0.0.1", 8898, 8899, "SNFFEMU00001", "12345678"),
        ),
        (
            ["--printer", "127.0.0.1:8898:SNFFEMU00001:12345678:9899"],
            PrinterSpec("127.0.0.1", 8898, 9899, "SNFFEMU00001", "12345678"),
        ),
        # A printer with only the TCP API: its address, as a user adds it.
        (["--tcp-printer", "192.168.1.40"], PrinterSpec("192.168.1.40")),
        (["--tcp-printer", "127.0.0.1:9901"], PrinterSpec("127.0.0.1", 8898, 9901)),
        (
            ["--tcp-printer", "127.0.0.1:9901:8904"],
            PrinterSpec("127.0.0.1", 8904, 9901),
        ),
    ],
)
def test_printer_arguments(argv: list[str], expected: PrinterSpec) -> None:
    """Each argument becomes the printer as the user would type it."""
    assert parse_args(argv).printers == [expected]


def test_printer_arguments_keep_their_order() -> None:
    """Printers are added in the order given, whichever option names them."""
    printers = parse_args(
        ["--tcp-printer", "a", "--printer", "b:1:S:C", "--tcp-printer", "c"]
    ).printers

    assert [printer.host for printer in printers] == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--printer", "127.0.0.1:8898:SNFFEMU00001"], "is not HOST:PORT:SERIAL"),
        (["--printer", "127.0.0.1:8898::12345678"], "is not HOST:PORT:SERIAL"),
        (["--printer", "127.0.0.1:http:SN:CODE"], "'http' in"),
        (["--printer", "127.0.0.1:8898:SN:CODE:70000"], "'70000' in"),
        (["--tcp-printer", "127.0.0.1:9901:8904:1"], "is not HOST[:TCP_PORT"),
        (["--tcp-printer", ""], "is not HOST[:TCP_PORT"),
        (["--tcp-printer", "127.0.0.1:0"], "'0' in"),
    ],
)
def test_printer_arguments_refuse_malformed_ones(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A malformed printer ends bootstrap at once, naming the value."""
    with pytest.raises(SystemExit):
        parse_args(argv)

    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("printer", "typed"),
    [
        (
            PrinterSpec("h", 8898, 9899, "SN", "CODE"),
            {
                "host": "h",
                "port": 8898,
                "tcp_port": 9899,
                "serial_number": "SN",
                "check_code": "CODE",
            },
        ),
        (PrinterSpec("h", 8904, 9901), {"host": "h", "port": 8904, "tcp_port": 9901}),
    ],
)
def test_form_holds_only_what_a_user_types(
    printer: PrinterSpec, typed: dict[str, Any]
) -> None:
    """A TCP-only printer is typed in without serial number or check code."""
    assert printer.form() == typed


@pytest.mark.parametrize(
    ("model", "api_keys"),
    [
        ("5m-pro", {"host", "port", "serial_number", "check_code", "tcp_port"}),
        ("creator5", {"host", "port", "serial_number", "check_code"}),
        ("adventurer3", {"host", "serial_number", "tcp_port"}),
        ("adventurer4", {"host", "serial_number", "tcp_port"}),
    ],
)
async def test_arguments_add_each_model_through_the_config_flow(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    model: str,
    api_keys: set[str],
) -> None:
    """What scripts/develop passes adds every model, the TCP-only ones by address."""
    async with emulator_factory(model) as emulator:
        (printer,) = parse_args(printer_argument(emulator)).printers

        result = await add_through_flow(hass, printer)
        assert result["type"] is FlowResultType.CREATE_ENTRY, result
        assert set(result["data"]) == api_keys
        assert result["result"].unique_id == emulator.serial
        if emulator.tcp_port is not None:
            assert result["data"]["tcp_port"] == emulator.tcp_port

        # Bootstrap runs again after a change: the printer is known.
        again = await add_through_flow(hass, printer)
        assert again["type"] is FlowResultType.ABORT
        assert again["reason"] == "already_configured"
        await hass.config_entries.async_unload(result["result"].entry_id)


@pytest.mark.parametrize("model", ["adventurer3", "adventurer4"])
async def test_dashboard_shows_legacy_printers(
    hass: HomeAssistant,
    emulators: contextlib.AsyncExitStack,
    emulator_factory: EmulatorFactory,
    model: str,
) -> None:
    """A TCP-only printer gets its status, temperatures, light and buttons."""
    devices, entities = await registry_dump(
        hass, emulators, emulator_factory, ["Legacy"], model
    )
    keys = {e["entity_id"]: e["translation_key"] for e in entities}

    dashboard = build_dashboard(devices, entities)

    shown = {
        keys[entity]
        for card in cards(dashboard)
        for entity in [card.get("entity"), *card.get("target", {}).get("entity_id", [])]
        if entity
    }
    assert {
        "status",
        "progress",
        "file_name",
        "nozzle_temperature",
        "bed_temperature",
        "nozzle_target_temperature",
        "bed_target_temperature",
        "light",
        "pause",
        "resume",
        "cancel",
        "home",
        "print",
        "thumbnail",
    } <= shown
    assert ("camera" in shown) is (model == "adventurer4")
