"""Tests for the light platform."""

from homeassistant.components.light import DOMAIN as LIGHT_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import snapshot_platform
from syrupy.assertion import SnapshotAssertion

from flashforge_emulator import Emulator

from ..conftest import EmulatorFactory
from .conftest import setup_platform

ENTITY_ID = "light.adventurer_5m_pro_light"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_light(
    hass: HomeAssistant,
    quick_emulator: EmulatorFactory,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Every printer has a light, switched on and off only."""
    async with quick_emulator("5m-pro") as emulator:
        entry_id = (await setup_platform(hass, emulator, Platform.LIGHT)).entry_id
        await snapshot_platform(hass, entity_registry, snapshot, entry_id)
        assert await hass.config_entries.async_unload(entry_id)


@pytest.mark.parametrize(
    ("service", "was_on", "status", "state"),
    [
        (SERVICE_TURN_ON, False, "open", STATE_ON),
        (SERVICE_TURN_OFF, True, "close", STATE_OFF),
    ],
)
async def test_turn_on_and_off(
    hass: HomeAssistant,
    emulator: Emulator,
    *,
    service: str,
    was_on: bool,
    status: str,
    state: str,
) -> None:
    """The light follows the command at once, without waiting for a poll."""
    emulator.printer.light_on = was_on
    await setup_platform(hass, emulator, Platform.LIGHT)

    await hass.services.async_call(
        LIGHT_DOMAIN, service, {ATTR_ENTITY_ID: ENTITY_ID}, blocking=True
    )

    assert emulator.commands[-1] == ("lightControl_cmd", {"status": status})
    assert emulator.printer.light_on is (state == STATE_ON)
    assert hass.states.get(ENTITY_ID).state == state


async def test_light_the_printer_says_it_cannot_control(
    hass: HomeAssistant, emulator_factory: EmulatorFactory
) -> None:
    """An AD5X reports no light control, yet fitted LEDs obey the command."""
    async with emulator_factory("ad5x", command_seconds=0) as emulator:
        entry_id = (await setup_platform(hass, emulator, Platform.LIGHT)).entry_id
        entity_id = "light.ad5x_light"
        assert hass.states.get(entity_id).state == STATE_OFF

        await hass.services.async_call(
            LIGHT_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: entity_id}, blocking=True
        )

        assert emulator.printer.light_on
        assert hass.states.get(entity_id).state == STATE_ON
        assert await hass.config_entries.async_unload(entry_id)
