"""Tests for the binary sensor platform."""

from homeassistant.const import STATE_OFF, STATE_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import snapshot_platform
from syrupy.assertion import SnapshotAssertion

from flashforge_emulator import Emulator

from ..conftest import EmulatorFactory
from .conftest import setup_platform


@pytest.mark.parametrize("model", ["5m-pro", "5m", "ad5x"])
async def test_binary_sensors(
    hass: HomeAssistant,
    quick_emulator: EmulatorFactory,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    model: str,
) -> None:
    """Enclosed printers have a door; every printer reports printing and errors."""
    async with quick_emulator(model) as emulator:
        entry_id = (
            await setup_platform(hass, emulator, Platform.BINARY_SENSOR)
        ).entry_id
        await snapshot_platform(hass, entity_registry, snapshot, entry_id)
        assert await hass.config_entries.async_unload(entry_id)


async def test_states_follow_the_printer(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """Door, printing and error change with the printer."""
    entry_id = (await setup_platform(hass, emulator, Platform.BINARY_SENSOR)).entry_id
    coordinator = hass.config_entries.async_get_entry(entry_id).runtime_data
    states = {
        key: f"binary_sensor.adventurer_5m_pro_{key}"
        for key in ("door", "printing", "error")
    }
    assert {key: hass.states.get(entity).state for key, entity in states.items()} == {
        "door": STATE_OFF,
        "printing": STATE_OFF,
        "error": STATE_OFF,
    }

    emulator.printer.door_open = True
    benchy = emulator.files["3DBenchy_PLA.gcode"]
    emulator.printer.start_print(benchy.name, benchy.meta)
    await coordinator.async_refresh()
    assert hass.states.get(states["door"]).state == STATE_ON
    assert hass.states.get(states["printing"]).state == STATE_ON

    emulator.printer.set_error("E0011")
    await coordinator.async_refresh()
    assert hass.states.get(states["error"]).state == STATE_ON
    assert hass.states.get(states["printing"]).state == STATE_OFF
