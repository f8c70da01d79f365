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
from flashforge_emulator import Emulator, Status

from ..conftest import EmulatorFactory
from .conftest import put_printer_in, setup_platform

PAUSE = "button.adventurer_5m_pro_pause_print"
RESUME = "button.adventurer_5m_pro_resume_print"
CANCEL = "button.adventurer_5m_pro_cancel_print"
CLEAR_PLATFORM = "button.adventurer_5m_pro_clear_platform"


@pytest.fixture
async def emulator(quick_emulator: EmulatorFactory) -> AsyncIterator[Emulator]:
    """Return a 5M Pro whose clock stands still, so a print stays where put.

    Without heating time a print starts printing, and a pause is paused, at once.
    """
    async with quick_emulator("5m-pro", heating_seconds=0) as emu:
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


AD5X_HOME = "button.ad5x_home_axes"
AD5X_CLEAR_ERROR = "button.ad5x_clear_error"


@pytest.fixture
async def ad5x(quick_emulator: EmulatorFactory) -> AsyncIterator[Emulator]:
    """Return an AD5X without its TCP API: it homes and clears errors over HTTP."""
    async with quick_emulator("ad5x", tcp_port=None) as emu:
        yield emu


async def test_clear_error(hass: HomeAssistant, ad5x: Emulator) -> None:
    """The AD5X clears the error it reports; the button then has nothing to clear."""
    ad5x.printer.set_error("E0109")
    await setup_platform(hass, ad5x, Platform.BUTTON)
    assert hass.states.get(AD5X_CLEAR_ERROR).state == STATE_UNKNOWN

    await press(hass, AD5X_CLEAR_ERROR)

    assert emulator_commands(ad5x, "errorCodeCtrl_cmd") == [
        {"action": "clearErrorCode", "errorCode": "E0109"}
    ]
    assert ad5x.printer.status == Status.READY
    assert hass.states.get(AD5X_CLEAR_ERROR).state == STATE_UNAVAILABLE


async def test_clear_error_cleared_on_screen(
    hass: HomeAssistant, ad5x: Emulator
) -> None:
    """An error cleared on the screen since the last poll is not cleared again."""
    ad5x.printer.set_error("E0109")
    await setup_platform(hass, ad5x, Platform.BUTTON)
    ad5x.printer.clear_error()

    with pytest.raises(HomeAssistantError) as raised:
        await press(hass, AD5X_CLEAR_ERROR)

    assert raised.value.translation_key == "no_error_to_clear"
    assert emulator_commands(ad5x, "errorCodeCtrl_cmd") == []
    assert hass.states.get(AD5X_CLEAR_ERROR).state == STATE_UNAVAILABLE


async def test_clear_error_only_on_the_ad5x(
    hass: HomeAssistant, emulator: Emulator, entity_registry: er.EntityRegistry
) -> None:
    """Other printers have no command to clear an error: no button."""
    emulator.printer.set_error("E0011")
    entry = await setup_platform(hass, emulator, Platform.BUTTON)

    keys = {
        reg.unique_id.removeprefix(f"{emulator.serial}_")
        for reg in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    }
    assert "clear_error" not in keys


@pytest.mark.parametrize(
    ("status", "available"),
    [
        (Status.READY, True),
        (Status.PRINTING, False),
        (Status.PAUSED, False),
        (Status.CALIBRATE_DOING, False),
    ],
)
async def test_home_available_when_idle(
    hass: HomeAssistant, ad5x: Emulator, status: Status, available: bool
) -> None:
    """Homing waits for the printer to be idle: no job, no calibration."""
    ad5x.printer.status = status
    await setup_platform(hass, ad5x, Platform.BUTTON)

    state = hass.states.get(AD5X_HOME).state
    assert (state != STATE_UNAVAILABLE) is available


async def test_home_refused_once_busy(hass: HomeAssistant, ad5x: Emulator) -> None:
    """A calibration started on the screen since the last poll refuses homing, unsent."""
    await setup_platform(hass, ad5x, Platform.BUTTON)
    ad5x.printer.status = Status.CALIBRATE_DOING

    with pytest.raises(HomeAssistantError) as raised:
        await press(hass, AD5X_HOME)

    assert raised.value.translation_key == "control_while_working"
    assert raised.value.translation_placeholders == {"status": "calibrate_doing"}
    assert emulator_commands(ad5x, "homingCtrl_cmd") == []


def emulator_commands(emulator: Emulator, cmd: str) -> list[dict[str, object]]:
    """Return the arguments of each /control command of a kind received."""
    return [command.args for command in emulator.commands if command.cmd == cmd]
