"""Tests for the select platform: the material of each slot of the AD5X's station."""

from collections.abc import AsyncIterator

from homeassistant.components.select import (
    ATTR_OPTION,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.flashforge.api import MATERIALS
from flashforge_emulator import Clock, Emulator, ReceivedCommand, Status

from ..conftest import EmulatorFactory
from .conftest import setup_platform

SLOT_2 = "select.ad5x_slot_2_material"


@pytest.fixture
async def ad5x(emulator_factory: EmulatorFactory) -> AsyncIterator[Emulator]:
    """Return an AD5X whose clock stands still."""
    async with emulator_factory("ad5x", clock=Clock.manual(), command_seconds=0) as emu:
        yield emu


async def select(hass: HomeAssistant, entity_id: str, option: str) -> None:
    """Pick an option and wait for the command to finish."""
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: entity_id, ATTR_OPTION: option},
        blocking=True,
    )


async def test_selects(
    hass: HomeAssistant,
    ad5x: Emulator,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The AD5X has a select of the material for each of its four slots."""
    entry = await setup_platform(hass, ad5x, Platform.SELECT)

    await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)
    state = hass.states.get(SLOT_2)
    assert state is not None
    assert state.attributes["options"] == list(MATERIALS)


@pytest.mark.parametrize("model", ["5m-pro", "creator5"])
async def test_no_selects_without_the_station(
    hass: HomeAssistant, emulator_factory: EmulatorFactory, model: str
) -> None:
    """Printers without the AD5X's station have no select: the Creator 5's slots too."""
    async with emulator_factory(model, command_seconds=0) as emulator:
        await setup_platform(hass, emulator, Platform.SELECT)

        assert hass.states.async_entity_ids(SELECT_DOMAIN) == []


async def test_select_sets_the_material_and_keeps_the_colour(
    hass: HomeAssistant, ad5x: Emulator
) -> None:
    """Picking a material sets it with the slot's colour; the state follows."""
    await setup_platform(hass, ad5x, Platform.SELECT)

    await select(hass, SLOT_2, "PETG-CF")

    assert ad5x.commands == [
        ReceivedCommand("msConfig_cmd", {"slot": 2, "mt": "PETG-CF", "rgb": "#161616"})
    ]
    assert hass.states.get(SLOT_2).state == "PETG-CF"


async def test_material_the_screen_does_not_offer_is_unknown(
    hass: HomeAssistant, ad5x: Emulator
) -> None:
    """A slot holding a material outside the offered ones shows no option."""
    ad5x.printer.slots[1].material = "PA-CF"
    await setup_platform(hass, ad5x, Platform.SELECT)

    assert hass.states.get(SLOT_2).state == STATE_UNKNOWN


async def test_refused_while_printing(hass: HomeAssistant, ad5x: Emulator) -> None:
    """A pick while the printer prints is refused, and nothing is sent."""
    await setup_platform(hass, ad5x, Platform.SELECT)
    ad5x.printer.status = Status.PRINTING

    with pytest.raises(HomeAssistantError) as raised:
        await select(hass, SLOT_2, "ABS")

    assert not isinstance(raised.value, ServiceValidationError)
    assert raised.value.translation_key == "station_while_printing"
    assert raised.value.translation_placeholders == {"status": "printing"}
    assert ad5x.commands == []
