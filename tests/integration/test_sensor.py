"""Tests for the sensor platform."""

from dataclasses import replace
from datetime import timedelta

from homeassistant.const import STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.flashforge.api import FlashForgePrinter
from flashforge_emulator import Clock, Emulator, get_profile

from ..conftest import EmulatorFactory
from .conftest import setup_platform

PROFILES = {
    "5m_pro": "5m-pro",
    "5m": "5m",
    "ad5x": "ad5x",
    "creator5": "creator5",
    "5m_pro_no_chamber": replace(get_profile("5m-pro"), chamber_sensor=False),
}


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("profile", PROFILES)
async def test_sensors(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    profile: str,
) -> None:
    """Each profile gets the sensors its hardware has, with idle values."""
    async with emulator_factory(
        PROFILES[profile], clock=Clock.manual(), command_seconds=0
    ) as emulator:
        entry_id = (await setup_platform(hass, emulator, Platform.SENSOR)).entry_id
        await snapshot_platform(hass, entity_registry, snapshot, entry_id)
        assert await hass.config_entries.async_unload(entry_id)


async def entity_id(hass: HomeAssistant, emulator: Emulator, key: str) -> str:
    """Return the entity id of a sensor by its key."""
    found = er.async_get(hass).async_get_entity_id(
        "sensor", "flashforge", f"{emulator.serial}_{key}"
    )
    assert found is not None
    return found


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_sensors_while_printing(
    hass: HomeAssistant, emulator_factory: EmulatorFactory
) -> None:
    """Job sensors follow the print; the end time stays put while the estimate holds."""
    clock = Clock.manual()
    async with emulator_factory(
        "5m-pro", clock=clock, command_seconds=0, heating_seconds=10, print_seconds=600
    ) as emulator:
        entry_id = (await setup_platform(hass, emulator, Platform.SENSOR)).entry_id
        coordinator = hass.config_entries.async_get_entry(entry_id).runtime_data
        async with FlashForgePrinter(
            emulator.host, emulator.serial, emulator.check_code, port=emulator.port
        ) as client:
            await client.print_file("3DBenchy_PLA.gcode")
        emulator.advance(10 + 300)
        await coordinator.async_refresh()

        def state(key: str) -> str:
            return hass.states.get(hass_entity_ids[key]).state

        hass_entity_ids = {
            key: await entity_id(hass, emulator, key)
            for key in (
                "status",
                "progress",
                "file_name",
                "time_remaining",
                "print_end_time",
                "filament_length",
                "nozzle_temperature",
            )
        }
        assert state("status") == "printing"
        assert float(state("progress")) == pytest.approx(50, abs=1)
        assert state("file_name") == "3DBenchy_PLA.gcode"
        assert float(state("time_remaining")) == pytest.approx(5, abs=0.5)  # minutes
        assert float(state("filament_length")) > 0
        end = dt_util.parse_datetime(state("print_end_time"))
        assert end is not None
        assert abs(end - dt_util.utcnow() - timedelta(minutes=5)) < timedelta(seconds=3)

        # Thirty seconds on, the estimate moved with the clock: the end stays.
        emulator.advance(30)
        await coordinator.async_refresh()
        assert dt_util.parse_datetime(state("print_end_time")) == end

        emulator.advance(600)
        await coordinator.async_refresh()
        assert state("status") == "completed"
        assert state("time_remaining") == STATE_UNKNOWN
        assert state("print_end_time") == STATE_UNKNOWN
        assert await hass.config_entries.async_unload(entry_id)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_material_slots(
    hass: HomeAssistant, emulator_factory: EmulatorFactory
) -> None:
    """Each AD5X slot shows its material, or empty, with colour and load state."""
    async with emulator_factory(
        "ad5x", clock=Clock.manual(), command_seconds=0
    ) as emulator:
        await setup_platform(hass, emulator, Platform.SENSOR)
        loaded = hass.states.get(await entity_id(hass, emulator, "slot_1"))
        empty = hass.states.get(await entity_id(hass, emulator, "slot_4"))

        assert (
            loaded.state,
            loaded.attributes["color"],
            loaded.attributes["loaded"],
        ) == (
            "PLA",
            "#FFFFFF",
            True,
        )
        assert (empty.state, empty.attributes["loaded"]) == ("empty", False)
