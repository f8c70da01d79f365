"""Tests for the button platform."""

from collections.abc import AsyncIterator

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.const import (
    ATTR_ENTITY_ID,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.flashforge.api import MachineStatus
from flashforge_emulator import Clock, Emulator, Status

from ..conftest import EmulatorFactory
from .conftest import setup_platform

PAUSE = "button.adventurer_5m_pro_pause_print"
RESUME = "button.adventurer_5m_pro_resume_print"
CANCEL = "button.adventurer_5m_pro_cancel_print"
CLEAR_PLATFORM = "button.adventurer_5m_pro_clear_platform"


@pytest.fixture
async def emulator(emulator_factory: EmulatorFactory) -> AsyncIterator[Emulator]:
    """Return a 5M Pro whose clock stands still, so a print stays where put.

    Without heating time a print starts printing, and a pause is paused, at once.
    """
    async with emulator_factory(
        "5m-pro", clock=Clock.manual(), command_seconds=0, heating_seconds=0
    ) as emu:
        yield emu


async def press(hass: HomeAssistant, entity_id: str) -> None:
    """Press a button and wait for the command to finish."""
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


def put_printer_in(emulator: Emulator, status: Status) -> None:
    """Drive the printer into a state, as a print from its screen would."""
    printer = emulator.printer
    if status == Status.READY:
        return
    benchy = emulator.files["3DBenchy_PLA.gcode"]
    assert printer.start_print(benchy.name, benchy.meta).ok
    action = {Status.PAUSED: "pause", Status.CANCEL: "cancel"}.get(status)
    if action is not None:
        assert printer.apply_command("jobCtl_cmd", {"action": action}).ok
    assert printer.status == status


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_buttons(
    hass: HomeAssistant,
    emulator: Emulator,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Every printer has the four job buttons."""
    entry = await setup_platform(hass, emulator, Platform.BUTTON)
    await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)


@pytest.mark.parametrize(
    ("entity_id", "before", "command", "after"),
    [
        (PAUSE, Status.PRINTING, ("jobCtl_cmd", "pause"), Status.PAUSED),
        (RESUME, Status.PAUSED, ("jobCtl_cmd", "continue"), Status.PRINTING),
        (CANCEL, Status.PRINTING, ("jobCtl_cmd", "cancel"), Status.CANCEL),
        (CANCEL, Status.PAUSED, ("jobCtl_cmd", "cancel"), Status.CANCEL),
        (
            CLEAR_PLATFORM,
            Status.CANCEL,
            ("stateCtrl_cmd", "setClearPlatform"),
            Status.READY,
        ),
    ],
)
async def test_press(
    hass: HomeAssistant,
    emulator: Emulator,
    *,
    entity_id: str,
    before: Status,
    command: tuple[str, str],
    after: Status,
) -> None:
    """Each button's command changes the printer, and the change shows at once."""
    put_printer_in(emulator, before)
    entry = await setup_platform(hass, emulator, Platform.BUTTON)

    await press(hass, entity_id)

    cmd, args = emulator.commands[-1]
    assert (cmd, args["action"]) == command
    assert emulator.printer.status == after
    assert entry.runtime_data.data.status == MachineStatus(after.value)
    assert hass.states.get(entity_id).state not in (STATE_UNKNOWN, STATE_UNAVAILABLE)


@pytest.mark.parametrize(
    ("entity_id", "status", "message"),
    [
        (PAUSE, Status.READY, "Cannot pause: printer is ready, not printing"),
        (RESUME, Status.PRINTING, "Cannot continue: printer is printing, not paused"),
        (
            CANCEL,
            Status.READY,
            "Cannot cancel: printer is ready, no print in progress",
        ),
        (CLEAR_PLATFORM, Status.PRINTING, "Cannot clear platform: printer is printing"),
    ],
)
async def test_refused(
    hass: HomeAssistant,
    emulator: Emulator,
    entity_id: str,
    status: Status,
    message: str,
) -> None:
    """A press that does not fit the printer's state shows the printer's reason."""
    put_printer_in(emulator, status)
    await setup_platform(hass, emulator, Platform.BUTTON)

    with pytest.raises(HomeAssistantError) as raised:
        await press(hass, entity_id)

    assert raised.value.translation_key == "command_refused"
    assert raised.value.translation_placeholders == {"message": message}
    assert str(raised.value) == f"The printer refused the command: {message}"
    assert emulator.printer.status == status
