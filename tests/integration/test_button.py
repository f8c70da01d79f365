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
from .conftest import put_printer_in, setup_platform

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


# The job buttons that can act in each state of the printer.
ACTING = {
    Status.READY: set(),
    Status.PRINTING: {PAUSE, CANCEL},
    Status.PAUSED: {RESUME, CANCEL},
    Status.CANCEL: {CLEAR_PLATFORM},
}


def acting_buttons(hass: HomeAssistant) -> set[str]:
    """Return the job buttons that are available now."""
    return {
        entity_id
        for entity_id in (PAUSE, RESUME, CANCEL, CLEAR_PLATFORM)
        if hass.states.get(entity_id).state != STATE_UNAVAILABLE
    }


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
    """Each button's command changes the printer; which buttons can act follows at once."""
    put_printer_in(emulator, before)
    entry = await setup_platform(hass, emulator, Platform.BUTTON)

    await press(hass, entity_id)

    cmd, args = emulator.commands[-1]
    assert (cmd, args["action"]) == command
    assert emulator.printer.status == after
    assert entry.runtime_data.data.status == MachineStatus(after.value)
    assert acting_buttons(hass) == ACTING[after]


@pytest.mark.parametrize("status", ACTING)
async def test_available_when_they_can_act(
    hass: HomeAssistant, emulator: Emulator, status: Status
) -> None:
    """A job button is available only while the printer's state lets it act."""
    put_printer_in(emulator, status)
    await setup_platform(hass, emulator, Platform.BUTTON)

    assert acting_buttons(hass) == ACTING[status]
    for entity_id in ACTING[status]:
        assert hass.states.get(entity_id).state == STATE_UNKNOWN


async def test_unavailable_press_sends_nothing(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """Home Assistant skips a button that cannot act: the printer gets no command."""
    await setup_platform(hass, emulator, Platform.BUTTON)
    sent = list(emulator.commands)

    for entity_id in (PAUSE, RESUME, CANCEL, CLEAR_PLATFORM):
        await press(hass, entity_id)

    assert emulator.commands == sent
    assert emulator.printer.status == Status.READY


@pytest.mark.parametrize(
    ("entity_id", "polled", "now", "message"),
    [
        (
            PAUSE,
            Status.PRINTING,
            Status.PAUSED,
            "Cannot pause: printer is paused, not printing",
        ),
        (
            RESUME,
            Status.PAUSED,
            Status.PRINTING,
            "Cannot continue: printer is printing, not paused",
        ),
        (
            CANCEL,
            Status.PRINTING,
            Status.CANCEL,
            "Cannot cancel: printer is cancel, no print in progress",
        ),
        (
            CLEAR_PLATFORM,
            Status.CANCEL,
            Status.PRINTING,
            "Cannot clear platform: printer is printing",
        ),
    ],
)
async def test_refused(
    hass: HomeAssistant,
    emulator: Emulator,
    *,
    entity_id: str,
    polled: Status,
    now: Status,
    message: str,
) -> None:
    """A press after the state changed since the last poll shows the printer's reason."""
    put_printer_in(emulator, polled)
    await setup_platform(hass, emulator, Platform.BUTTON)
    # Changed on the printer's screen; Home Assistant has not polled since.
    change_on_screen(emulator, now)

    with pytest.raises(HomeAssistantError) as raised:
        await press(hass, entity_id)

    assert raised.value.translation_key == "command_refused"
    assert raised.value.translation_placeholders == {"message": message}
    assert str(raised.value) == f"The printer refused the command: {message}"
    assert emulator.printer.status == now


def change_on_screen(emulator: Emulator, status: Status) -> None:
    """Move the printer's job to a state, as its touch screen would."""
    printer = emulator.printer
    action = {Status.PAUSED: "pause", Status.CANCEL: "cancel"}.get(status)
    if action is not None:
        assert printer.apply_command("jobCtl_cmd", {"action": action}).ok
    elif printer.status == Status.PAUSED:
        assert printer.apply_command("jobCtl_cmd", {"action": "continue"}).ok
    else:
        assert printer.apply_command("stateCtrl_cmd", {"action": "setClearPlatform"}).ok
        put_printer_in(emulator, status)
    assert printer.status == status
