"""Tests for the background discovery scan."""

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any
from unittest.mock import patch

from homeassistant.components.network.const import (
    ATTR_CONFIGURED_ADAPTERS,
    STORAGE_KEY,
    STORAGE_VERSION,
)
from homeassistant.config_entries import (
    SOURCE_INTEGRATION_DISCOVERY,
    ConfigEntryDisabler,
    ConfigEntryState,
)
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import ifaddr
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.flashforge import discovery
from custom_components.flashforge.api.discovery import (
    ANY_ADDRESS,
    BROADCAST_PORT,
    LEGACY_MULTICAST_PORT,
    MULTICAST_GROUP,
    MULTICAST_PORT,
    DiscoveryQuery,
)
from custom_components.flashforge.const import CONF_SERIAL_NUMBER, CONF_TCP_PORT, DOMAIN
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


async def test_scan_offers_legacy_printers_once(
    hass: HomeAssistant,
    emulator_factory: Callable[..., Emulator],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A legacy printer is offered, known by its M115; scans later add no flow."""
    async with (
        emulator_factory("adventurer4", serial="SNA4NEW01", discovery_port=0) as new,
        emulator_factory("adventurer3", serial="SNA3OLD01", discovery_port=0) as known,
    ):
        # Disabled, so that only discovery could talk to the printer.
        MockConfigEntry(
            domain=DOMAIN,
            disabled_by=ConfigEntryDisabler.USER,
            unique_id=known.serial,
            data={
                CONF_HOST: known.host,
                CONF_SERIAL_NUMBER: known.serial,
                CONF_TCP_PORT: known.tcp_port,
            },
        ).add_to_hass(hass)
        monkeypatch.setenv(
            discovery.TARGETS_ENVIRONMENT_VARIABLE,
            f"127.0.0.1:{new.discovery_port},127.0.0.1:{known.discovery_port}",
        )
        assert await async_setup_component(hass, DOMAIN, {})
        await hass.async_block_till_done(wait_background_tasks=True)
        assert discovery_flows(hass) == ["SNA4NEW01"]

        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=15))
        await hass.async_block_till_done(wait_background_tasks=True)

        assert discovery_flows(hass) == ["SNA4NEW01"]
        # The configured printer answered discovery, and was left alone.
        assert known.tcp_commands == []


@pytest.mark.usefixtures("socket_enabled")
async def test_unreachable_target_is_quiet(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A target the datagram cannot go to costs a debug line, not an error."""
    monkeypatch.setenv(discovery.TARGETS_ENVIRONMENT_VARIABLE, "127.0.0.1:0")

    assert await discovery.async_discover(hass) == []


# The machine's interfaces as the network integration reads them. The test
# plugin makes 10.10.10.10 the default route's source address.
SYSTEM_ADAPTERS = [
    ifaddr.Adapter("lo", "lo", [ifaddr.IP("127.0.0.1", 8, "lo")], index=1),
    ifaddr.Adapter("eth0", "eth0", [ifaddr.IP("10.10.10.10", 24, "eth0")], index=2),
    ifaddr.Adapter(
        "wlan0",
        "wlan0",
        [
            ifaddr.IP("192.168.7.20", 24, "wlan0"),
            ifaddr.IP(("fe80::20", 0, 3), 64, "wlan0"),
        ],
        index=3,
    ),
    ifaddr.Adapter("v6", "v6", [ifaddr.IP(("fd00::5", 0, 4), 64, "v6")], index=4),
]


def multicast_from(*sources: str) -> list[DiscoveryQuery]:
    """Return the multicast queries sent from each source address."""
    return [
        DiscoveryQuery((MULTICAST_GROUP, port), source)
        for source in sources
        for port in (MULTICAST_PORT, LEGACY_MULTICAST_PORT)
    ]


def broadcast_to(*addresses: str) -> list[DiscoveryQuery]:
    """Return the broadcast query sent to each address."""
    return [DiscoveryQuery((address, BROADCAST_PORT)) for address in addresses]


@pytest.fixture
def system_adapters() -> Iterator[None]:
    """Give the network integration this test's interfaces instead of the plugin's."""
    with patch(
        "homeassistant.components.network.util.ifaddr.get_adapters",
        return_value=SYSTEM_ADAPTERS,
    ):
        yield


@pytest.mark.usefixtures("system_adapters")
@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        pytest.param(
            [],
            [*multicast_from(ANY_ADDRESS), *broadcast_to("255.255.255.255")],
            id="default adapter only",
        ),
        pytest.param(
            ["eth0", "wlan0"],
            [
                *multicast_from("10.10.10.10", "192.168.7.20"),
                *broadcast_to("10.10.10.255", "192.168.7.255", "255.255.255.255"),
            ],
            id="each enabled adapter",
        ),
        pytest.param(
            ["lo", "wlan0", "v6"],
            [
                *multicast_from("192.168.7.20"),
                *broadcast_to("127.255.255.255", "192.168.7.255", "255.255.255.255"),
            ],
            id="not from loopback or IPv6",
        ),
        pytest.param(
            ["lo", "v6"],
            [
                *multicast_from(ANY_ADDRESS),
                *broadcast_to("127.255.255.255", "255.255.255.255"),
            ],
            id="no IPv4 interface left",
        ),
    ],
)
async def test_queries_follow_the_network_integration(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    configured: list[str],
    expected: list[DiscoveryQuery],
) -> None:
    """Multicast leaves by each enabled IPv4 adapter, broadcast to each subnet."""
    monkeypatch.delenv(discovery.TARGETS_ENVIRONMENT_VARIABLE)
    hass_storage[STORAGE_KEY] = {
        "version": STORAGE_VERSION,
        "key": STORAGE_KEY,
        "data": {ATTR_CONFIGURED_ADAPTERS: configured},
    }
    assert await async_setup_component(hass, "network", {})

    assert list(await discovery.async_discovery_queries(hass)) == expected


async def test_sets_up_the_network_integration(hass: HomeAssistant) -> None:
    """Discovery asks the network integration, so the manifest depends on it."""
    assert await async_setup_component(hass, DOMAIN, {})

    assert "network" in hass.config.components


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        pytest.param(
            "127.0.0.1:48899, 127.0.0.1:19000",
            [
                DiscoveryQuery(("127.0.0.1", 48899)),
                DiscoveryQuery(("127.0.0.1", 19000)),
            ],
            id="targets",
        ),
        pytest.param("", [], id="off"),
        pytest.param(
            "127.0.0.1:abc, :48899, 127.0.0.1, 127.0.0.1:70000, 127.0.0.1:5",
            [DiscoveryQuery(("127.0.0.1", 5))],
            id="malformed targets are skipped",
        ),
    ],
)
async def test_override_replaces_the_network_integration(
    hass: HomeAssistant,
    monkeypatch: pytest.MonkeyPatch,
    configured: str,
    expected: list[DiscoveryQuery],
) -> None:
    """The variable names targets sent from any address; empty means off."""
    monkeypatch.setenv(discovery.TARGETS_ENVIRONMENT_VARIABLE, configured)

    assert list(await discovery.async_discovery_queries(hass)) == expected
