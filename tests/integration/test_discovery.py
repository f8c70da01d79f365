"""Tests for the background discovery scan."""

from collections.abc import Callable
from datetime import timedelta

from homeassistant.config_entries import SOURCE_INTEGRATION_DISCOVERY, ConfigEntryState
from homeassistant.const import CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.flashforge import discovery
from custom_components.flashforge.const import DOMAIN
from flashforge_emulator import Emulator

from .conftest import entry_for


@pytest.fixture(autouse=True)
def fast_scans(monkeypatch: pytest.MonkeyPatch) -> None:
    """Listen for replies briefly; loopback answers at once."""
    monkeypatch.setattr(discovery, "DISCOVERY_TIMEOUT", 0.2)


def discovery_flows(hass: HomeAssistant) -> list[str]:
    """Return the serial numbers of the discovery flows in progress."""
    return [
        flow["context"]["unique_id"]
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_INTEGRATION_DISCOVERY
    ]


async def test_scans_at_start_and_every_15_minutes(
    hass: HomeAssistant,
    emulator_factory: Callable[..., Emulator],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Printers that answer are offered; one that appears later is found later."""
    async with (
        emulator_factory(
            serial="SNFIRST0001", discovery_port=0, command_seconds=0
        ) as first,
        emulator_factory(
            serial="SNLATER0001", discovery_port=0, command_seconds=0
        ) as later,
    ):
        monkeypatch.setenv(
            discovery.TARGETS_ENVIRONMENT_VARIABLE, f"127.0.0.1:{first.discovery_port}"
        )
        assert await async_setup_component(hass, DOMAIN, {})
        await hass.async_block_till_done(wait_background_tasks=True)
        assert discovery_flows(hass) == ["SNFIRST0001"]

        monkeypatch.setenv(
            discovery.TARGETS_ENVIRONMENT_VARIABLE,
            f"127.0.0.1:{first.discovery_port},127.0.0.1:{later.discovery_port}",
        )
        # Real time keeps running for the scan's own wait; only timers jump.
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=15))
        await hass.async_block_till_done(wait_background_tasks=True)

        assert sorted(discovery_flows(hass)) == ["SNFIRST0001", "SNLATER0001"]


async def test_scan_moves_a_configured_printer_to_its_new_port(
    hass: HomeAssistant,
    emulator_factory: Callable[..., Emulator],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A printer found where its entry does not point is followed there."""
    async with emulator_factory(discovery_port=0, command_seconds=0) as emulator:
        entry = entry_for(emulator)
        entry.add_to_hass(hass)
        hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_PORT: 9})
        await hass.config_entries.async_setup(entry.entry_id)
        assert entry.state is ConfigEntryState.SETUP_RETRY

        monkeypatch.setenv(
            discovery.TARGETS_ENVIRONMENT_VARIABLE,
            f"127.0.0.1:{emulator.discovery_port}",
        )
        # Real time keeps running for the scan's own wait; only timers jump.
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=15))
        await hass.async_block_till_done(wait_background_tasks=True)

        assert entry.data[CONF_PORT] == emulator.port
        assert entry.state is ConfigEntryState.LOADED
        assert discovery_flows(hass) == []
        assert await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.usefixtures("socket_enabled")
async def test_unreachable_target_is_quiet(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A target the datagram cannot go to costs a debug line, not an error."""
    monkeypatch.setenv(discovery.TARGETS_ENVIRONMENT_VARIABLE, "127.0.0.1:0")

    assert await discovery.async_discover(hass) == []


def test_targets_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The variable names targets; unset means the local network; empty means off."""
    monkeypatch.setenv(
        discovery.TARGETS_ENVIRONMENT_VARIABLE, "127.0.0.1:48899, 127.0.0.1:19000"
    )
    assert discovery.discovery_targets() == (("127.0.0.1", 48899), ("127.0.0.1", 19000))

    monkeypatch.setenv(discovery.TARGETS_ENVIRONMENT_VARIABLE, "")
    assert discovery.discovery_targets() == ()

    monkeypatch.delenv(discovery.TARGETS_ENVIRONMENT_VARIABLE)
    assert discovery.discovery_targets() == discovery.DEFAULT_TARGETS
