"""Tests for the switch platform."""

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
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

INTERNAL = "switch.adventurer_5m_pro_internal_filtration"
EXTERNAL = "switch.adventurer_5m_pro_external_filtration"
AUTO_SHUTDOWN = "switch.adventurer_5m_pro_auto_shutdown"


async def switch(hass: HomeAssistant, service: str, entity_id: str) -> None:
    """Call a switch service and wait for it to finish."""
    await hass.services.async_call(
        SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("model", ["5m-pro", "5m"])
async def test_switches(
    hass: HomeAssistant,
    quick_emulator: EmulatorFactory,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    model: str,
) -> None:
    """The 5M Pro has filtration; every printer has auto shutdown."""
    async with quick_emulator(model) as emulator:
        entry_id = (await setup_platform(hass, emulator, Platform.SWITCH)).entry_id
        await snapshot_platform(hass, entity_registry, snapshot, entry_id)
        assert await hass.config_entries.async_unload(entry_id)


@pytest.mark.parametrize("model", ["5m", "ad5x"])
async def test_no_filtration(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    entity_registry: er.EntityRegistry,
    model: str,
) -> None:
    """Printers without filtration fans get no switches for them."""
    async with emulator_factory(model, command_seconds=0) as emulator:
        entry_id = (await setup_platform(hass, emulator, Platform.SWITCH)).entry_id
        keys = {
            entry.unique_id.removeprefix(f"{emulator.serial}_")
            for entry in er.async_entries_for_config_entry(entity_registry, entry_id)
        }
        assert keys == {"auto_shutdown"}
        assert await hass.config_entries.async_unload(entry_id)


@pytest.mark.parametrize(
    ("entity_id", "service", "internal", "external", "args"),
    [
        (INTERNAL, SERVICE_TURN_ON, False, True, ("open", "open")),
        (INTERNAL, SERVICE_TURN_ON, False, False, ("open", "close")),
        (INTERNAL, SERVICE_TURN_OFF, True, True, ("close", "open")),
        (EXTERNAL, SERVICE_TURN_ON, True, False, ("open", "open")),
        (EXTERNAL, SERVICE_TURN_ON, False, False, ("close", "open")),
        (EXTERNAL, SERVICE_TURN_OFF, True, True, ("open", "close")),
    ],
)
async def test_filtration(
    hass: HomeAssistant,
    emulator: Emulator,
    *,
    entity_id: str,
    service: str,
    internal: bool,
    external: bool,
    args: tuple[str, str],
) -> None:
    """Switching one fan sends the other one's state, which stays as it was."""
    emulator.printer.internal_fan_on = internal
    emulator.printer.external_fan_on = external
    await setup_platform(hass, emulator, Platform.SWITCH)

    await switch(hass, service, entity_id)

    assert emulator.commands[-1] == (
        "circulateCtl_cmd",
        {"internal": args[0], "external": args[1]},
    )
    on = {INTERNAL: args[0] == "open", EXTERNAL: args[1] == "open"}
    assert emulator.printer.internal_fan_on is on[INTERNAL]
    assert emulator.printer.external_fan_on is on[EXTERNAL]
    for fan, fan_on in on.items():
        assert hass.states.get(fan).state == (STATE_ON if fan_on else STATE_OFF)


@pytest.mark.parametrize(
    ("service", "minutes", "sent_minutes", "state"),
    [
        (SERVICE_TURN_ON, 45, 45, STATE_ON),
        (SERVICE_TURN_ON, 0, 30, STATE_ON),
        (SERVICE_TURN_OFF, 45, 45, STATE_OFF),
    ],
)
async def test_auto_shutdown(
    hass: HomeAssistant,
    emulator: Emulator,
    *,
    service: str,
    minutes: int,
    sent_minutes: int,
    state: str,
) -> None:
    """Auto shutdown keeps the printer's delay, or the firmware's 30 minutes."""
    emulator.printer.auto_shutdown = service == SERVICE_TURN_OFF
    emulator.printer.auto_shutdown_minutes = minutes
    await setup_platform(hass, emulator, Platform.SWITCH)

    await switch(hass, service, AUTO_SHUTDOWN)

    assert emulator.commands[-1] == (
        "delayClose_cmd",
        {
            "automaticShutdown": "open" if state == STATE_ON else "close",
            "shutdownAfterTime": sent_minutes,
        },
    )
    assert emulator.printer.auto_shutdown is (state == STATE_ON)
    assert emulator.printer.auto_shutdown_minutes == sent_minutes
    assert hass.states.get(AUTO_SHUTDOWN).state == state
