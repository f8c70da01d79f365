"""Tests for the select platform: the material of each slot of the AD5X's station."""

from dataclasses import replace

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
from flashforge_emulator import Emulator, ReceivedCommand, Status, get_profile

from ..conftest import EmulatorFactory
from .conftest import entry_for, setup_platform

SLOT_2 = "select.ad5x_slot_2_material"


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


# The station's entities on each platform that follows it.
STATION_ENTITIES = {
    Platform.SELECT: {f"select.ad5x_slot_{slot}_material" for slot in range(1, 5)},
    Platform.BUTTON: {
        "button.ad5x_unload_filament",
        *(f"button.ad5x_load_slot_{slot}" for slot in range(1, 5)),
    },
}


@pytest.mark.parametrize("platform", STATION_ENTITIES)
async def test_a_station_brings_and_takes_its_entities(
    hass: HomeAssistant,
    quick_emulator: EmulatorFactory,
    entity_registry: er.EntityRegistry,
    platform: Platform,
) -> None:
    """A station that appears gets its selects and buttons at the next poll; gone, they go."""
    profile = replace(get_profile("ad5x"), has_material_feeder=False)
    async with quick_emulator(profile) as emulator:
        entry = await setup_platform(hass, emulator, platform)
        coordinator = entry.runtime_data
        assert not STATION_ENTITIES[platform] & set(hass.states.async_entity_ids())

        emulator.printer.profile = replace(profile, has_material_feeder=True)
        await coordinator.async_refresh()
        await hass.async_block_till_done()
        assert STATION_ENTITIES[platform] <= set(hass.states.async_entity_ids())

        emulator.printer.profile = profile
        await coordinator.async_refresh()
        await hass.async_block_till_done()
        assert not STATION_ENTITIES[platform] & set(hass.states.async_entity_ids())
        assert not any(
            entity_registry.async_get(entity_id)
            for entity_id in STATION_ENTITIES[platform]
        )


async def test_selects_of_a_station_gone_while_stopped_leave_at_setup(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    """Selects registered for a station the printer no longer has are removed."""
    profile = replace(get_profile("ad5x"), has_material_feeder=False)
    async with emulator_factory(profile, command_seconds=0) as emulator:
        entry = entry_for(emulator)
        entry.add_to_hass(hass)
        entity_registry.async_get_or_create(
            "select",
            "flashforge",
            f"{emulator.serial}_slot_1_material",
            config_entry=entry,
        )

        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()

        registered = er.async_entries_for_config_entry(entity_registry, entry.entry_id)
        assert [reg for reg in registered if reg.domain == "select"] == []
