"""Tests for the config entry diagnostics."""

import json

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from flashforge_emulator import Emulator


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    emulator: Emulator,
    snapshot: SnapshotAssertion,
) -> None:
    """Diagnostics hold the printer's answers, with secrets and addresses redacted."""
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )

    assert diagnostics == snapshot(
        exclude=props(
            "port",
            "last_update_success_time",
            # Values that move with the emulator's clock.
            "platTemp",
            "rightTemp",
            "chamberTemp",
            "leftTemp",
        )
    )
    text = json.dumps(diagnostics)
    for secret in (emulator.check_code, emulator.serial, emulator.detail()["macAddr"]):
        assert secret not in text
