"""Tests for the actions that work a printer by hand: extrude and calibrate.

Against the emulator over loopback: the AD5X extrudes over HTTP, the
Adventurer 4 over TCP; every HTTP printer calibrates. (move is tested with
the TCP actions.)
"""

from collections.abc import AsyncIterator
from typing import Any

from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
    Unauthorized,
)
from homeassistant.helpers.service import async_get_all_descriptions
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockUser

from custom_components.flashforge.const import DOMAIN
from flashforge_emulator import Emulator, Status

from ..conftest import EmulatorFactory
from .conftest import add_printer, busy, call
from .test_tcp_services import sent

pytestmark = pytest.mark.usefixtures("no_platforms")


@pytest.fixture
async def ad5x(quick_emulator: EmulatorFactory) -> AsyncIterator[Emulator]:
    """Return an AD5X without its TCP API: it extrudes over HTTP."""
    async with quick_emulator("ad5x", tcp_port=None) as emu:
        yield emu


def controls(emulator: Emulator, cmd: str) -> list[dict[str, Any]]:
    """Return the arguments of each /control command of a kind received."""
    return [command.args for command in emulator.commands if command.cmd == cmd]


async def test_actions_are_described(hass: HomeAssistant, ad5x: Emulator) -> None:
    """Extrude and calibrate are registered with descriptions and their fields."""
    await add_printer(hass, ad5x)
    descriptions = (await async_get_all_descriptions(hass))[DOMAIN]

    assert set(descriptions["extrude"]["fields"]) == {
        "device_id",
        "distance",
        "feed_rate",
    }
    assert set(descriptions["calibrate"]["fields"]) == {
        "device_id",
        "leveling",
        "vibration_compensation",
    }


# extrude


async def test_extrude_over_http_and_tcp(
    hass: HomeAssistant, ad5x: Emulator, adventurer4: Emulator
) -> None:
    """The AD5X extrudes with its HTTP command, the Adventurer 4 with relative G-code."""
    ids = [await add_printer(hass, ad5x), await add_printer(hass, adventurer4)]

    await call(hass, "extrude", {"device_id": ids, "distance": 15, "feed_rate": 240})
    await call(hass, "extrude", {"device_id": ids[0], "distance": -4})

    assert controls(ad5x, "extrudeCtrl_cmd") == [
        {"axis": "e", "delta": 15},
        {"axis": "e", "delta": -4},
    ]
    assert sent(adventurer4) == ["~G91", "~G1 E15 F240", "~G90"]


@pytest.mark.parametrize(
    "data",
    [{"distance": 101}, {"distance": "nan"}, {"distance": 5, "feed_rate": 1201}, {}],
    ids=["too far", "nan", "too fast", "no distance"],
)
async def test_extrude_schema(
    hass: HomeAssistant, ad5x: Emulator, data: dict[str, Any]
) -> None:
    """Distances and feed rates out of bounds are refused by the schema; nothing is sent."""
    device_id = await add_printer(hass, ad5x)

    with pytest.raises(probatio.Invalid):
        await call(hass, "extrude", {"device_id": device_id, **data})

    assert ad5x.request_counts["/control"] == 0


@pytest.mark.parametrize(
    ("service", "data", "key"),
    [
        ("extrude", {"distance": 0}, "extrude_no_distance"),
        (
            "calibrate",
            {"leveling": False, "vibration_compensation": False},
            "calibrate_nothing",
        ),
    ],
    ids=["extrude no distance", "calibrate nothing"],
)
async def test_nothing_to_do(
    hass: HomeAssistant, ad5x: Emulator, service: str, data: dict[str, Any], key: str
) -> None:
    """Extruding no distance or calibrating nothing is refused, translated."""
    device_id = await add_printer(hass, ad5x)

    with pytest.raises(ServiceValidationError) as err:
        await call(hass, service, {"device_id": device_id, **data})

    assert err.value.translation_key == key
    assert ad5x.request_counts["/control"] == 0


async def test_extrude_refused_without_motion(
    hass: HomeAssistant, ad5x: Emulator, creator5: Emulator
) -> None:
    """The Creator 5 cannot extrude: refused, and the AD5X beside it gets nothing."""
    ids = [await add_printer(hass, ad5x), await add_printer(hass, creator5)]

    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "extrude", {"device_id": ids, "distance": 5})

    assert err.value.translation_key == "tcp_api_required"
    assert err.value.translation_placeholders == {"name": creator5.detail()["name"]}
    assert ad5x.request_counts["/control"] == 0
    assert creator5.request_counts["/control"] == 0


@pytest.mark.parametrize("admin", [True, False], ids=["administrator", "user"])
async def test_extrude_for_administrators_only(
    hass: HomeAssistant,
    hass_admin_user: MockUser,
    hass_read_only_user: MockUser,
    ad5x: Emulator,
    admin: bool,
) -> None:
    """Only an administrator may extrude."""
    device_id = await add_printer(hass, ad5x)
    user = hass_admin_user if admin else hass_read_only_user
    data = {"device_id": device_id, "distance": 5}

    if admin:
        await call(hass, "extrude", data, context=Context(user_id=user.id))
        assert controls(ad5x, "extrudeCtrl_cmd") == [{"axis": "e", "delta": 5}]
        return
    with pytest.raises(Unauthorized):
        await call(hass, "extrude", data, context=Context(user_id=user.id))
    assert ad5x.request_counts["/control"] == 0


# calibrate


@pytest.mark.parametrize("model", ["5m-pro", "ad5x", "creator5"])
@pytest.mark.parametrize(
    ("data", "args"),
    [
        ({}, {"levelingDetection": "open", "vibrationCompensation": "open"}),
        (
            {"vibration_compensation": False},
            {"levelingDetection": "open", "vibrationCompensation": "close"},
        ),
    ],
    ids=["both by default", "leveling only"],
)
async def test_calibrate(
    hass: HomeAssistant,
    quick_emulator: EmulatorFactory,
    model: str,
    data: dict[str, Any],
    args: dict[str, str],
) -> None:
    """Every HTTP printer calibrates what was chosen; any user may ask."""
    async with quick_emulator(model) as emulator:
        device_id = await add_printer(hass, emulator)

        await call(hass, "calibrate", {"device_id": device_id, **data})

        assert controls(emulator, "calibration_cmd") == [args]
        for entry in hass.config_entries.async_entries(DOMAIN):
            assert await hass.config_entries.async_unload(entry.entry_id)


async def test_calibrate_refused_over_tcp(
    hass: HomeAssistant, ad5x: Emulator, adventurer4: Emulator
) -> None:
    """A TCP-only printer has no calibration command: refused, and the AD5X gets nothing."""
    ids = [await add_printer(hass, ad5x), await add_printer(hass, adventurer4)]

    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "calibrate", {"device_id": ids})

    assert err.value.translation_key == "not_supported_by_printer"
    assert err.value.translation_placeholders == {
        "name": adventurer4.profile.default_name,
        "feature": "calibration",
    }
    assert ad5x.request_counts["/control"] == 0


@pytest.mark.parametrize(
    ("service", "data"),
    [("calibrate", {}), ("extrude", {"distance": 5}), ("move", {"x": 5})],
)
@pytest.mark.parametrize(
    ("status", "key"),
    [
        (Status.PRINTING, "control_while_printing"),
        (Status.PAUSED, "control_while_printing"),
        (Status.BUSY, "control_while_working"),
        (Status.CALIBRATE_DOING, "control_while_working"),
    ],
)
async def test_refused_while_the_printer_works(
    hass: HomeAssistant,
    ad5x: Emulator,
    adventurer4: Emulator,
    *,
    service: str,
    data: dict[str, Any],
    status: Status,
    key: str,
) -> None:
    """A printer at work refuses; nothing goes to it nor to an idle one beside it."""
    ids = [await add_printer(hass, adventurer4), await add_printer(hass, ad5x)]
    ad5x.printer.status = status
    if service == "calibrate":
        ids = ids[1:]

    with pytest.raises(HomeAssistantError) as err:
        await call(hass, service, {"device_id": ids, **data})

    assert err.value.translation_key == key
    assert err.value.translation_placeholders == {
        "name": ad5x.detail()["name"],
        "status": status.value,
    }
    assert ad5x.request_counts["/control"] == 0
    assert sent(adventurer4) == []


@pytest.mark.parametrize(
    ("service", "data"),
    [("calibrate", {}), ("extrude", {"distance": 5})],
)
async def test_printer_answers_busy(
    hass: HomeAssistant, ad5x: Emulator, service: str, data: dict[str, Any]
) -> None:
    """A printer that answers Busy to the command says so, translated."""
    device_id = await add_printer(hass, ad5x)
    await busy(ad5x)

    with pytest.raises(HomeAssistantError) as err:
        await call(hass, service, {"device_id": device_id, **data})

    assert err.value.translation_key == "printer_busy"
    assert ad5x.printer.status == Status.READY
