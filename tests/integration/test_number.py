"""Tests for the number platform."""

from collections.abc import Callable
from unittest.mock import patch

from homeassistant.components.number import (
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.flashforge.const import DOMAIN
from flashforge_emulator import Emulator, PrinterState

from ..conftest import EmulatorFactory
from .conftest import entry_for, setup_platform

PRINT_SPEED = "number.adventurer_5m_pro_print_speed"
Z_OFFSET = "number.adventurer_5m_pro_z_offset"
NOZZLE = "number.adventurer_5m_pro_nozzle_target_temperature"
BED = "number.adventurer_5m_pro_bed_target_temperature"


async def set_value(hass: HomeAssistant, entity_id: str, value: float) -> None:
    """Set a number and wait for it to finish."""
    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: entity_id, ATTR_VALUE: value},
        blocking=True,
    )


def registered_keys(
    entity_registry: er.EntityRegistry, emulator: Emulator, entry_id: str
) -> set[str]:
    """Return the keys of the entities set up for a printer."""
    return {
        entry.unique_id.removeprefix(f"{emulator.serial}_")
        for entry in er.async_entries_for_config_entry(entity_registry, entry_id)
    }


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("model", ["5m-pro", "creator5"])
async def test_numbers(
    hass: HomeAssistant,
    quick_emulator: EmulatorFactory,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    model: str,
) -> None:
    """Speed, z offset and the heaters the printer lets a client set."""
    async with quick_emulator(model) as emulator:
        entry_id = (await setup_platform(hass, emulator, Platform.NUMBER)).entry_id
        await snapshot_platform(hass, entity_registry, snapshot, entry_id)
        assert await hass.config_entries.async_unload(entry_id)


@pytest.mark.parametrize("model", ["5m-pro", "5m", "ad5x"])
async def test_no_chamber_heater(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    entity_registry: er.EntityRegistry,
    model: str,
) -> None:
    """Printers without a chamber heater get no chamber target."""
    async with emulator_factory(model, command_seconds=0) as emulator:
        entry_id = (await setup_platform(hass, emulator, Platform.NUMBER)).entry_id
        assert registered_keys(entity_registry, emulator, entry_id) == {
            "print_speed",
            "z_offset",
            "nozzle_target_temperature",
            "bed_target_temperature",
        }
        assert await hass.config_entries.async_unload(entry_id)


@pytest.mark.parametrize(
    ("entity_id", "value", "command", "args", "read", "state"),
    [
        (
            PRINT_SPEED,
            120,
            "printerCtl_cmd",
            {"speed": 120},
            lambda printer: printer.speed,
            "120.0",
        ),
        (
            Z_OFFSET,
            -0.125,
            "printerCtl_cmd",
            {"zAxisCompensation": -0.125},
            lambda printer: printer.z_offset,
            "-0.125",
        ),
        (
            NOZZLE,
            210,
            "temperatureCtl_cmd",
            {"rightNozzle": 210},
            lambda printer: printer.nozzle_target,
            "210.0",
        ),
        (
            BED,
            60,
            "temperatureCtl_cmd",
            {"platform": 60},
            lambda printer: printer.bed_target,
            "60.0",
        ),
    ],
)
async def test_set_value(
    hass: HomeAssistant,
    emulator: Emulator,
    *,
    entity_id: str,
    value: float,
    command: str,
    args: dict[str, float],
    read: Callable[[PrinterState], float],
    state: str,
) -> None:
    """Each setting is sent alone and shows at once."""
    await setup_platform(hass, emulator, Platform.NUMBER)

    await set_value(hass, entity_id, value)

    assert emulator.commands[-1] == (command, args)
    assert read(emulator.printer) == value
    assert hass.states.get(entity_id).state == state


@pytest.mark.parametrize(
    ("entity_id", "field", "read"),
    [
        (NOZZLE, "rightNozzle", lambda printer: printer.nozzle_target),
        (BED, "platform", lambda printer: printer.bed_target),
    ],
)
async def test_turn_heater_off(
    hass: HomeAssistant,
    emulator: Emulator,
    entity_id: str,
    field: str,
    read: Callable[[PrinterState], float],
) -> None:
    """A target of 0 turns the heater off, sent as the firmware's -100."""
    await setup_platform(hass, emulator, Platform.NUMBER)
    await set_value(hass, entity_id, 100)
    assert read(emulator.printer) == 100

    await set_value(hass, entity_id, 0)

    assert emulator.commands[-1] == ("temperatureCtl_cmd", {field: -100})
    assert read(emulator.printer) == 0
    assert hass.states.get(entity_id).state == "0.0"


async def test_creator5_chamber(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    """The Creator 5 heats its chamber; its tools are not one nozzle target."""
    async with emulator_factory("creator5", command_seconds=0) as emulator:
        entry_id = (await setup_platform(hass, emulator, Platform.NUMBER)).entry_id
        assert "nozzle_target_temperature" not in registered_keys(
            entity_registry, emulator, entry_id
        )
        entity_id = "number.creator_5_chamber_target_temperature"

        await set_value(hass, entity_id, 45)

        assert emulator.commands[-1] == ("temperatureCtl_cmd", {"chamber": 45})
        assert emulator.printer.chamber_target == 45
        assert hass.states.get(entity_id).state == "45.0"
        assert await hass.config_entries.async_unload(entry_id)


@pytest.mark.parametrize(
    ("tool", "value", "sent", "target"),
    [
        (2, 215, [-200, 215, -200, -200], 215),
        (4, 0, [-200, -200, -200, -100], 0),
    ],
    ids=["heat tool 2", "tool 4 off"],
)
async def test_creator5_tool_targets(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    entity_registry: er.EntityRegistry,
    *,
    tool: int,
    value: float,
    sent: list[int],
    target: float,
) -> None:
    """Each Creator 5 tool has its target, sent in the per-tool array the firmware reads."""
    async with emulator_factory("creator5", command_seconds=0) as emulator:
        emulator.printer.heaters.nozzles[3].set_target(200, 0, 0)
        entry_id = (await setup_platform(hass, emulator, Platform.NUMBER)).entry_id
        keys = registered_keys(entity_registry, emulator, entry_id)
        entity_id = f"number.creator_5_tool_{tool}_target_temperature"

        await set_value(hass, entity_id, value)

        assert {f"tool_{i}_target_temperature" for i in range(1, 5)} <= keys
        assert emulator.commands[-1] == ("temperatureCtl_cmd", {"nozzles": sent})
        assert emulator.printer.heaters.nozzles[tool - 1].target == target
        assert hass.states.get(entity_id).state == f"{target:.1f}"
        assert await hass.config_entries.async_unload(entry_id)


async def test_single_nozzle_printers_have_no_tool_targets(
    hass: HomeAssistant, emulator: Emulator, entity_registry: er.EntityRegistry
) -> None:
    """A printer with one nozzle target has no per-tool ones."""
    entry_id = (await setup_platform(hass, emulator, Platform.NUMBER)).entry_id

    assert not any(
        key.startswith("tool_")
        for key in registered_keys(entity_registry, emulator, entry_id)
    )


async def test_tool_target_sensors_give_way_to_numbers(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    """The read-only tool target sensors of earlier versions go; the numbers come."""
    async with emulator_factory("creator5", command_seconds=0) as emulator:
        entry = entry_for(emulator)
        entry.add_to_hass(hass)
        for tool in range(1, 5):
            entity_registry.async_get_or_create(
                Platform.SENSOR,
                DOMAIN,
                f"{emulator.serial}_tool_{tool}_target_temperature",
                config_entry=entry,
            )

        with patch(
            "custom_components.flashforge.PLATFORMS",
            [Platform.SENSOR, Platform.NUMBER],
        ):
            assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()

        targets = {
            (reg.domain, reg.unique_id.removeprefix(f"{emulator.serial}_"))
            for reg in er.async_entries_for_config_entry(
                entity_registry, entry.entry_id
            )
            if reg.unique_id.endswith("_target_temperature")
            and "tool_" in reg.unique_id
        }
        assert targets == {
            (Platform.NUMBER, f"tool_{tool}_target_temperature") for tool in range(1, 5)
        }
        assert await hass.config_entries.async_unload(entry.entry_id)
