"""Tests for the set_slot action: a slot of the AD5X's material station, against the emulator."""

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.service import async_get_all_descriptions
import probatio
import pytest

from custom_components.flashforge.const import DOMAIN
from flashforge_emulator import Emulator, ReceivedCommand, Status

from ..conftest import EmulatorFactory
from .conftest import add_printer

pytestmark = pytest.mark.usefixtures("no_platforms")


async def set_slot(
    hass: HomeAssistant, device_id: str | list[str], **data: Any
) -> None:
    """Call set_slot and wait for it."""
    await hass.services.async_call(
        DOMAIN, "set_slot", {"device_id": device_id, **data}, blocking=True
    )


async def test_described(hass: HomeAssistant, ad5x: Emulator) -> None:
    """The action is registered with its fields."""
    await add_printer(hass, ad5x)
    descriptions = (await async_get_all_descriptions(hass))[DOMAIN]

    assert set(descriptions["set_slot"]["fields"]) == {
        "device_id",
        "slot",
        "material",
        "color",
    }


@pytest.mark.parametrize(
    ("data", "sent"),
    [
        (
            {"slot": 1, "material": "PETG", "color": [250, 90, 110]},
            ReceivedCommand(
                "msConfig_cmd", {"slot": 1, "mt": "PETG", "rgb": "#F95D73"}
            ),
        ),
        (
            {"slot": 3, "material": "silk", "color": "#a03cf7"},
            ReceivedCommand(
                "msConfig_cmd", {"slot": 3, "mt": "SILK", "rgb": "#A03CF7"}
            ),
        ),
        (
            {"slot": 0, "material": "TPU", "color": [0, 0, 0]},
            ReceivedCommand("ipdMsConfig_cmd", {"mt": "TPU", "rgb": "#161616"}),
        ),
    ],
    ids=["picker colour", "hex colour", "independent feed"],
)
async def test_set_slot(
    hass: HomeAssistant, ad5x: Emulator, data: dict[str, Any], sent: ReceivedCommand
) -> None:
    """The slot gets the material, and the palette's colour nearest the one given."""
    device_id = await add_printer(hass, ad5x)

    await set_slot(hass, device_id, **data)

    assert ad5x.commands == [sent]


@pytest.mark.parametrize(
    ("data", "status", "key", "placeholders"),
    [
        (
            {"slot": 1, "material": "wood", "color": "#FFFFFF"},
            None,
            "unknown_material",
            {
                "material": "wood",
                "materials": "PLA, PLA-CF, ABS, PETG, PETG-CF, TPU, SILK",
            },
        ),
        (
            {"slot": 1, "material": "PLA", "color": "#FFF"},
            None,
            "invalid_color",
            {"color": "#FFF"},
        ),
        (
            {"slot": 1, "material": "PLA", "color": [256, 0, 0]},
            None,
            "invalid_color",
            {"color": "[256, 0, 0]"},
        ),
        (
            {"slot": 5, "material": "PLA", "color": "#FFFFFF"},
            None,
            "station_slot_not_found",
            {"slot": "5", "name": "AD5X"},
        ),
        (
            {"slot": 1, "material": "PLA", "color": "#FFFFFF"},
            Status.PRINTING,
            "station_while_printing",
            {"status": "printing", "name": "AD5X"},
        ),
        (
            {"slot": 0, "material": "PLA", "color": "#FFFFFF"},
            Status.PAUSED,
            "station_while_printing",
            {"status": "paused", "name": "AD5X"},
        ),
    ],
    ids=[
        "material",
        "short hex",
        "out of range",
        "no such slot",
        "printing",
        "paused independent",
    ],
)
async def test_refused(
    hass: HomeAssistant,
    ad5x: Emulator,
    data: dict[str, Any],
    status: Status | None,
    key: str,
    placeholders: dict[str, str],
) -> None:
    """What cannot be set is refused in words, and nothing reaches the printer."""
    device_id = await add_printer(hass, ad5x)
    if status is not None:
        ad5x.printer.status = status

    with pytest.raises(HomeAssistantError) as raised:
        await set_slot(hass, device_id, **data)

    assert raised.value.translation_key == key
    assert raised.value.translation_placeholders == placeholders
    assert isinstance(raised.value, ServiceValidationError) is (status is None)
    assert ad5x.commands == []


@pytest.mark.parametrize("color", [[1, 2, 3, 4, 5], ["a", "b", "c"], {"r": 1}])
async def test_schema(hass: HomeAssistant, ad5x: Emulator, color: Any) -> None:
    """A colour neither text nor a short list of whole numbers fails the schema."""
    device_id = await add_printer(hass, ad5x)

    with pytest.raises(probatio.Invalid):
        await set_slot(hass, device_id, slot=1, material="PLA", color=color)


@pytest.mark.parametrize("model", ["5m", "creator5"])
async def test_refused_without_the_station(
    hass: HomeAssistant,
    ad5x: Emulator,
    quick_emulator: EmulatorFactory,
    model: str,
) -> None:
    """A printer without the AD5X's station refuses; targeted with an AD5X, neither is set."""
    async with quick_emulator(model) as other:
        devices = [await add_printer(hass, ad5x), await add_printer(hass, other)]

        with pytest.raises(ServiceValidationError) as raised:
            await set_slot(hass, devices, slot=1, material="PLA", color="#FFFFFF")

        assert raised.value.translation_key == "not_supported_by_printer"
        assert raised.value.translation_placeholders == {
            "feature": "material_station",
            "name": other.detail()["name"],
        }
        assert ad5x.commands == other.commands == []
