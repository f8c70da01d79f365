"""Tests for the config entry diagnostics."""

import json

from aiohttp import web
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.flashforge.const import (
    CONF_CHECK_CODE,
    CONF_SERIAL_NUMBER,
    DOMAIN,
)
from flashforge_emulator import Emulator

from ..hostile_peers import servers


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


@pytest.mark.parametrize("key", ["deepValue", "name", "matlStationInfo"])
async def test_diagnostics_of_a_deeply_nested_answer(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    socket_enabled: None,
    key: str,
) -> None:
    """A 5,000-deep value in /detail is cut short in diagnostics, which still work."""
    deep = b"[" * 5000 + b"]" * 5000
    answers = {
        "/detail": b'{"code": 0, "detail": {"pid": 36, "status": "ready", "'
        + key.encode()
        + b'": '
        + deep
        + b"}}",
        "/product": b'{"code": 0, "product": {"lightCtrlState": 1}}',
    }

    async def printer(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=answers[request.path], content_type="application/json")

    async with servers() as serve:
        entry = MockConfigEntry(
            domain=DOMAIN,
            title="Nested",
            unique_id="SNNESTED01",
            data={
                CONF_HOST: "127.0.0.1",
                CONF_PORT: await serve(printer),
                CONF_SERIAL_NUMBER: "SNNESTED01",
                CONF_CHECK_CODE: "nested-check-code",
            },
        )
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()

        diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
        assert await hass.config_entries.async_unload(entry.entry_id)

    value = diagnostics["detail"][key]
    depth = 0
    while isinstance(value, list) and value:
        value, depth = value[0], depth + 1
    assert depth < 10
    assert diagnostics["detail"]["pid"] == 36
