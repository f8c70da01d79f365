"""Deterministic cases the fuzzers found; each names the bug it shows."""

from collections.abc import AsyncIterator
import json
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.flashforge.const import (
    CONF_CHECK_CODE,
    CONF_SERIAL_NUMBER,
    DOMAIN,
)

from .peer import RawPeer, raw_peer

SERIAL = "SNFUZZREGR01"
PRODUCT = {"lightCtrlState": 1}


@pytest.fixture
async def peer(socket_enabled: None) -> AsyncIterator[RawPeer]:
    """Return a raw peer on loopback."""
    async with raw_peer() as running:
        yield running


async def set_up(
    hass: HomeAssistant, peer: RawPeer, detail: dict[str, Any]
) -> MockConfigEntry:
    """Set an entry up against the peer serving the detail."""
    peer.bodies = {
        "/detail": json.dumps({"code": 0, "detail": detail}).encode(),
        "/product": json.dumps({"code": 0, "product": PRODUCT}).encode(),
    }
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Fuzzed printer",
        unique_id=SERIAL,
        data={
            CONF_HOST: "127.0.0.1",
            CONF_PORT: peer.port,
            CONF_SERIAL_NUMBER: SERIAL,
            CONF_CHECK_CODE: "fuzzcheck42",
        },
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    return entry


def sensor_state(hass: HomeAssistant, key: str) -> str | None:
    """Return the state of one of the printer's sensors."""
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{SERIAL}_{key}"
    )
    assert entity_id is not None
    state = hass.states.get(entity_id)
    return None if state is None else state.state


def flashforge_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return error lines about the integration's entities."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.ERROR
        and record.name != "homeassistant.components.camera.img_util"
    ]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_long_printer_string_is_not_an_error(
    hass: HomeAssistant, peer: RawPeer, caplog: pytest.LogCaptureFixture
) -> None:
    """A very long string from the printer is shown cut short or unknown, quietly."""
    await set_up(hass, peer, {"pid": 36, "status": "ready", "ipAddr": "1" * 300})

    assert flashforge_errors(caplog) == []


async def test_huge_progress_gives_a_state(
    hass: HomeAssistant, peer: RawPeer, caplog: pytest.LogCaptureFixture
) -> None:
    """An absurd progress ratio leaves the sensor unknown, not stateless."""
    await set_up(hass, peer, {"pid": 36, "status": "printing", "printProgress": 1e308})

    assert sensor_state(hass, "progress") == STATE_UNKNOWN
    assert flashforge_errors(caplog) == []


async def test_huge_time_remaining_gives_a_state(
    hass: HomeAssistant, peer: RawPeer, caplog: pytest.LogCaptureFixture
) -> None:
    """A time remaining past the calendar's end leaves the end time unknown."""
    # Under 2**63 seconds, so it is a number; beyond what a datetime holds.
    await set_up(hass, peer, {"pid": 36, "status": "paused", "estimatedTime": 1e18})

    assert sensor_state(hass, "print_end_time") == STATE_UNKNOWN
    assert flashforge_errors(caplog) == []


async def test_huge_layer_count_gives_a_state(
    hass: HomeAssistant, peer: RawPeer, caplog: pytest.LogCaptureFixture
) -> None:
    """A whole number beyond 64 bits (here -1e308) is unknown, not 309 digits."""
    await set_up(
        hass, peer, {"pid": 36, "status": "printing", "targetPrintLayer": -1e308}
    )

    assert sensor_state(hass, "total_layers") == STATE_UNKNOWN
    assert flashforge_errors(caplog) == []


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize(
    ("field", "key"),
    [
        ("printLayer", "current_layer"),
        ("targetPrintLayer", "total_layers"),
        ("printDuration", "print_duration"),
        ("estimatedTime", "time_remaining"),
        ("estimatedRightLen", "filament_length"),
        ("estimatedRightWeight", "filament_weight"),
        ("remainingDiskSpace", "free_disk_space"),
        ("cumulativeFilament", "lifetime_filament"),
        ("cumulativePrintTime", "lifetime_print_time"),
    ],
)
async def test_negative_count_is_unknown(
    hass: HomeAssistant,
    peer: RawPeer,
    caplog: pytest.LogCaptureFixture,
    field: str,
    key: str,
) -> None:
    """A negative count, size or duration shows as unknown, not as a value."""
    await set_up(hass, peer, {"pid": 36, "status": "printing", field: -1})

    assert sensor_state(hass, key) == STATE_UNKNOWN
    assert flashforge_errors(caplog) == []
