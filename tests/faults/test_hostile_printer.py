"""A printer that redirects or floods, as Home Assistant meets it.

The client tests show what the library does; these show what the user sees:
the entry retries with a clear reason, no reauthentication is asked for, and
nothing reaches the place a redirect points to.
"""

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.flashforge.const import (
    CONF_CHECK_CODE,
    CONF_SERIAL_NUMBER,
    DOMAIN,
)

from ..hostile_peers import FLOOD_BYTES, Flood, Handler, Recorder, redirect, servers

SERIAL = "SNHOSTILE02"


@pytest.mark.parametrize("kind", ["redirect", "announced", "chunked"])
async def test_a_hostile_printer_leaves_the_entry_retrying(
    hass: HomeAssistant,
    socket_enabled: None,
    caplog: pytest.LogCaptureFixture,
    kind: str,
) -> None:
    """A redirect or a flood is an invalid answer: a retry, never a reauth."""
    elsewhere = Recorder()
    flood = Flood(announced=kind == "announced", content_type="application/json")
    async with servers() as serve:
        handler: Handler = flood.handle
        if kind == "redirect":
            handler = redirect(307, await serve(elsewhere.handle))
        entry = MockConfigEntry(
            domain=DOMAIN,
            title="Hostile",
            unique_id=SERIAL,
            data={
                CONF_HOST: "127.0.0.1",
                CONF_PORT: await serve(handler),
                CONF_SERIAL_NUMBER: SERIAL,
                CONF_CHECK_CODE: "hostile-printer-code",
            },
        )
        entry.add_to_hass(hass)
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()

        assert entry.state is ConfigEntryState.SETUP_RETRY
        assert entry.reason is not None
        assert "not followed" in entry.reason or "bigger than" in entry.reason
        assert not list(entry.async_get_active_flows(hass, {SOURCE_REAUTH}))
        assert await hass.config_entries.async_unload(entry.entry_id)

    assert elsewhere.received == []
    assert flood.sent < FLOOD_BYTES
    assert "hostile-printer-code" not in caplog.text
