"""Tests for commands the printer does not carry out, on every platform that sends one.

Busy leaves the entity as it was; a printer that cannot be reached makes it
unavailable. Either way the user gets a translated error and the printer's
state is untouched: it carried out nothing.
"""

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_UNAVAILABLE,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest

from flashforge_emulator import Emulator, FaultKind, Status

from .conftest import busy, offline, put_printer_in, setup_platform


@dataclass(frozen=True, kw_only=True)
class Control:
    """An action on one entity, and the printer's state in which it can act."""

    platform: Platform
    entity_id: str
    service: str
    data: dict[str, Any] = field(default_factory=dict)
    status: Status = Status.READY


CONTROLS = {
    "light on": Control(
        platform=Platform.LIGHT,
        entity_id="light.adventurer_5m_pro_light",
        service=SERVICE_TURN_ON,
    ),
    "light off": Control(
        platform=Platform.LIGHT,
        entity_id="light.adventurer_5m_pro_light",
        service=SERVICE_TURN_OFF,
    ),
    **{
        f"camera {service}": Control(
            platform=Platform.CAMERA,
            entity_id="camera.adventurer_5m_pro_camera",
            service=service,
        )
        for service in (SERVICE_TURN_ON, SERVICE_TURN_OFF)
    },
    **{
        f"{key} {service}": Control(
            platform=Platform.SWITCH,
            entity_id=f"switch.adventurer_5m_pro_{key}",
            service=service,
        )
        for key in (
            "internal_filtration",
            "external_filtration",
            "auto_shutdown",
        )
        for service in (SERVICE_TURN_ON, SERVICE_TURN_OFF)
    },
    **{
        f"{key} {service}": Control(
            platform=Platform.FAN,
            entity_id=f"fan.adventurer_5m_pro_{key}",
            service=service,
            data=data,
        )
        for key in ("cooling_fan", "chamber_fan")
        for service, data in (
            ("set_percentage", {"percentage": 40}),
            (SERVICE_TURN_ON, {}),
            (SERVICE_TURN_OFF, {}),
        )
    },
    **{
        key: Control(
            platform=Platform.NUMBER,
            entity_id=f"number.adventurer_5m_pro_{key}",
            service="set_value",
            data={"value": value},
        )
        for key, value in (
            ("print_speed", 120),
            ("z_offset", 0.1),
            ("nozzle_target_temperature", 200),
            ("bed_target_temperature", 60),
        )
    },
    **{
        key: Control(
            platform=Platform.BUTTON,
            entity_id=f"button.adventurer_5m_pro_{key}",
            service="press",
            status=status,
        )
        for key, status in (
            ("pause_print", Status.PRINTING),
            ("resume_print", Status.PAUSED),
            ("cancel_print", Status.PRINTING),
            ("clear_platform", Status.CANCEL),
        )
    },
}


@pytest.mark.parametrize("control", CONTROLS.values(), ids=CONTROLS.keys())
@pytest.mark.parametrize(
    ("fail", "error", "unavailable"),
    [(busy, "printer_busy", False), (offline, "command_cannot_connect", True)],
    ids=["busy", "offline"],
)
async def test_command_errors(
    hass: HomeAssistant,
    emulator: Emulator,
    *,
    control: Control,
    fail: Callable[[Emulator], Awaitable[None]],
    error: str,
    unavailable: bool,
) -> None:
    """A command the printer does not carry out raises a translated error."""
    put_printer_in(emulator, control.status)
    await setup_platform(hass, emulator, control.platform)
    shown = hass.states.get(control.entity_id)
    carried_out = list(emulator.commands)
    await fail(emulator)

    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            control.platform,
            control.service,
            {ATTR_ENTITY_ID: control.entity_id, **control.data},
            blocking=True,
        )

    assert raised.value.translation_key == error
    assert emulator.commands == carried_out
    state = hass.states.get(control.entity_id)
    if unavailable:
        assert state.state == STATE_UNAVAILABLE
    else:
        # A button's state is when it was last pressed, refused or not.
        if control.platform is not Platform.BUTTON:
            assert state.state == shown.state
        assert state.attributes == shown.attributes


async def connection_dropped(emulator: Emulator) -> None:
    """Make the printer close the connection on the next command, unanswered."""
    emulator.add_fault(FaultKind.DROP, path="/control", count=1)


async def check_code_changed(emulator: Emulator) -> None:
    """Change the check code on the printer, as turning LAN-only mode off and on does."""
    emulator.set_check_code("87654321")


@pytest.mark.parametrize(
    ("fail", "error", "reauth_started"),
    [
        (connection_dropped, "command_cannot_connect", 0),
        (check_code_changed, "invalid_auth", 1),
    ],
    ids=["connection dropped", "check code changed"],
)
async def test_failed_command_asks_the_printer_once(
    hass: HomeAssistant,
    emulator: Emulator,
    *,
    fail: Callable[[Emulator], Awaitable[None]],
    error: str,
    reauth_started: int,
) -> None:
    """A command that got no answer, or was refused the check code, is not followed by a read.

    The read would only wait or be refused again: the user waits once, and
    reauthentication starts once.
    """
    control = CONTROLS["light on"]
    await setup_platform(hass, emulator, control.platform)
    before = emulator.request_counts.copy()
    await fail(emulator)

    with patch.object(
        ConfigEntry,
        "async_start_reauth",
        autospec=True,
        side_effect=ConfigEntry.async_start_reauth,
    ) as start_reauth:
        with pytest.raises(HomeAssistantError) as raised:
            await hass.services.async_call(
                control.platform,
                control.service,
                {ATTR_ENTITY_ID: control.entity_id},
                blocking=True,
            )
        await hass.async_block_till_done(wait_background_tasks=True)

    assert raised.value.translation_key == error
    assert emulator.request_counts - before == Counter({"/control": 1})
    assert start_reauth.call_count == reauth_started
    assert hass.states.get(control.entity_id).state == STATE_UNAVAILABLE
