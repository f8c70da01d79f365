"""Find printers on the network and offer them to the user."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from ipaddress import IPv4Address
import os

from homeassistant.components import network
from homeassistant.components.network.models import Adapter
from homeassistant.config_entries import SOURCE_INTEGRATION_DISCOVERY, ConfigEntry
from homeassistant.const import CONF_HOST, CONF_NAME, CONF_PORT
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import discovery_flow
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
from homeassistant.helpers.start import async_at_started
import probatio

from .api.discovery import (
    ANY_ADDRESS,
    DiscoveredPrinter,
    DiscoveryQuery,
    discover_printers,
    local_network_queries,
)
from .const import (
    CONF_SERIAL_NUMBER,
    CONF_TCP_PORT,
    DISCOVERY_INTERVAL,
    DISCOVERY_TIMEOUT,
    DOMAIN,
    LOGGER,
)

# The discovery target override, the only way to aim discovery anywhere but
# the adapters the network integration enables: "host:port,host:port" targets
# (sent from any address), or empty to turn scanning off. The emulator demo
# (scripts/develop) and the tests point it at emulators on loopback.
TARGETS_ENVIRONMENT_VARIABLE = "FLASHFORGE_DISCOVERY_TARGETS"

# The field of the form that lists the printers found.
CONF_PRINTER = "printer"


def overridden_queries() -> tuple[DiscoveryQuery, ...] | None:
    """Return the queries the override names; None when it is not set."""
    if (configured := os.environ.get(TARGETS_ENVIRONMENT_VARIABLE)) is None:
        return None
    queries = []
    for target in filter(None, (part.strip() for part in configured.split(","))):
        host, _, port = target.rpartition(":")
        if not host or not port.isdecimal() or not 0 < int(port) < 65536:
            LOGGER.warning("Discovery target %r is not host:port; skipped", target)
            continue
        queries.append(DiscoveryQuery((host, int(port))))
    return tuple(queries)


def _multicast_sources(adapters: list[Adapter]) -> list[str]:
    """Return the local addresses to send the multicast query from."""
    if network.async_only_default_interface_enabled(adapters):
        # The default adapter's route is an unbound socket's, and an unbound
        # socket keeps working when that adapter's address changes.
        return [ANY_ADDRESS]
    addresses = dict.fromkeys(
        str(address)
        for address in network.async_get_enabled_source_ips_from_adapters(adapters)
        # No printer lives on loopback; the printers speak IPv4 only.
        if isinstance(address, IPv4Address) and not address.is_loopback
    )
    return list(addresses) or [ANY_ADDRESS]


async def async_discovery_queries(hass: HomeAssistant) -> tuple[DiscoveryQuery, ...]:
    """Return the queries for the adapters the network integration enables."""
    if (queries := overridden_queries()) is not None:
        return queries
    adapters = await network.async_get_adapters(hass)
    broadcasts = sorted(await network.async_get_ipv4_broadcast_addresses(hass))
    return local_network_queries(_multicast_sources(adapters), map(str, broadcasts))


async def async_discover(hass: HomeAssistant) -> list[DiscoveredPrinter]:
    """Return the printers that answer discovery; none when it cannot run."""
    if not (queries := await async_discovery_queries(hass)):
        return []
    try:
        return await discover_printers(
            listen_seconds=DISCOVERY_TIMEOUT, queries=queries
        )
    except OSError as err:
        LOGGER.debug("Printer discovery failed: %s", err)
        return []


async def async_discover_new(
    hass: HomeAssistant, entries: Iterable[ConfigEntry]
) -> dict[str, DiscoveredPrinter]:
    """Return the printers that answer discovery and have no entry, by key."""
    unique_ids = set[str | None]()
    addresses = set[tuple[str | None, int | None]]()
    for entry in entries:
        unique_ids.add(entry.unique_id)
        addresses.add((entry.data.get(CONF_HOST), entry.data.get(CONF_TCP_PORT)))
    return {
        printer.key: printer
        for printer in await async_discover(hass)
        # A legacy reply tells no serial number: its address tells it is known.
        if printer.serial_number not in unique_ids
        and not (printer.legacy and (printer.host, printer.tcp_port) in addresses)
    }


async def async_serials_at(hass: HomeAssistant, host: str) -> set[str]:
    """Return the serial numbers of the printers that answer discovery at host."""
    return {
        printer.serial_number
        for printer in await async_discover(hass)
        if printer.host == host and printer.serial_number is not None
    }


def pick_printer_schema(found: Mapping[str, DiscoveredPrinter]) -> probatio.Schema:
    """Return the form that lists the printers found, by name and address."""
    options = [
        SelectOptionDict(value=key, label=f"{printer.name or key} ({printer.host})")
        for key, printer in found.items()
    ]
    selector = SelectSelector(
        SelectSelectorConfig(options=options, mode=SelectSelectorMode.LIST)
    )
    return probatio.Schema({probatio.Required(CONF_PRINTER): selector})


@callback
def async_start_discovery(hass: HomeAssistant) -> None:
    """Scan once Home Assistant has started, then every few minutes."""

    async def scan(_now: datetime | HomeAssistant) -> None:
        for printer in await async_discover(hass):
            async_offer_printer(hass, printer)

    async_at_started(hass, scan)
    async_track_time_interval(
        hass,
        scan,
        DISCOVERY_INTERVAL,
        name="FlashForge discovery",
        cancel_on_shutdown=True,
    )


@callback
def async_offer_printer(hass: HomeAssistant, printer: DiscoveredPrinter) -> None:
    """Start a discovery flow; for a configured printer it updates the address."""
    discovery_flow.async_create_flow(
        hass,
        DOMAIN,
        context={"source": SOURCE_INTEGRATION_DISCOVERY},
        data={
            CONF_NAME: printer.name,
            CONF_HOST: printer.host,
            CONF_PORT: printer.port,
            CONF_TCP_PORT: printer.tcp_port,
            CONF_SERIAL_NUMBER: printer.serial_number,
        },
    )
