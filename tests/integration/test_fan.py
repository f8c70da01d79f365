"""Tests for the fan platform."""

from typing import Any

from homeassistant.components.fan import (
    ATTR_PERCENTAGE,
    DOMAIN as FAN_DOMAIN,
    SERVICE_SET_PERCENTAGE,
)
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

COOLING_FAN = "fan.adventurer_5m_pro_cooling_fan"
CHAMBER_FAN = "fan.adventurer_5m_pro_chamber_fan"
# Entity id, the emulator's attribute and the printerCtl_cmd field of each fan.
FANS = [
    (COOLING_FAN, "cooling_fan", "coolingFan"),
    (CHAMBER_FAN, "chamber_fan", "chamberFan"),
]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_fans(
    hass: HomeAssistant,
    quick_emulator: EmulatorFactory,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The cooling and chamber fans are set in percent."""
    async with quick_emulator("5m-pro") as emulator:
        emulator.printer.chamber_fan = 40
        entry_id = (await setup_platform(hass, emulator, Platform.FAN)).entry_id
        await snapshot_platform(hass, entity_registry, snapshot, entry_id)
        assert await hass.config_entries.async_unload(entry_id)


@pytest.mark.parametrize(("entity_id", "attribute", "field"), FANS)
@pytest.mark.parametrize(
    ("service", "data", "before", "after"),
    [
        (SERVICE_SET_PERCENTAGE, {ATTR_PERCENTAGE: 40}, 0, 40),
        (SERVICE_SET_PERCENTAGE, {ATTR_PERCENTAGE: 0}, 60, 0),
        (SERVICE_TURN_ON, {}, 0, 100),
        (SERVICE_TURN_ON, {ATTR_PERCENTAGE: 60}, 0, 60),
        (SERVICE_TURN_OFF, {}, 60, 0),
    ],
)
async def test_set_speed(
    hass: HomeAssistant,
    emulator: Emulator,
    *,
    entity_id: str,
    attribute: str,
    field: str,
    service: str,
    data: dict[str, Any],
    before: int,
    after: int,
) -> None:
    """Each fan's speed is sent alone and shows at once."""
    setattr(emulator.printer, attribute, before)
    await setup_platform(hass, emulator, Platform.FAN)
    other = COOLING_FAN if entity_id == CHAMBER_FAN else CHAMBER_FAN
    other_before = hass.states.get(other)

    await hass.services.async_call(
        FAN_DOMAIN, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )

    assert emulator.commands[-1] == ("printerCtl_cmd", {field: after})
    assert getattr(emulator.printer, attribute) == after
    state = hass.states.get(entity_id)
    assert state.state == (STATE_ON if after else STATE_OFF)
    assert state.attributes[ATTR_PERCENTAGE] == after
    assert hass.states.get(other).as_dict() == other_before.as_dict()
