"""Find printers on the network and offer them to the user."""

from datetime import datetime
import os

from homeassistant.config_entries import SOURCE_INTEGRATION_DISCOVERY
from homeassistant.const import CONF_HOST, CONF_NAME, CONF_PORT
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import discovery_flow
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.start import async_at_started

from .api.discovery import DEFAULT_TARGETS, DiscoveredPrinter, discover_printers
from .const import (
    CONF_SERIAL_NUMBER,
    DISCOVERY_INTERVAL,
    DISCOVERY_TIMEOUT,
    DOMAIN,
    LOGGER,
)

# "host:port,host:port" to send discovery datagrams to instead of the local
# network's multicast group and broadcast address; empty turns scanning off.
# Tests and the development instance point it at the emulator on loopback.
TARGETS_ENVIRONMENT_VARIABLE = "FLASHFORGE_DISCOVERY_TARGETS"


def discovery_targets() -> tuple[tuple[str, int], ...]:
    """Return where discovery datagrams go."""
    if (configured := os.environ.get(TARGETS_ENVIRONMENT_VARIABLE)) is None:
        return DEFAULT_TARGETS
    targets = []
    for target in filter(None, (part.strip() for part in configured.split(","))):
        host, _, port = target.rpartition(":")
        targets.append((host, int(port)))
    return tuple(targets)


async def async_discover(hass: HomeAssistant) -> list[DiscoveredPrinter]:
    """Return the printers that answer discovery; none when it cannot run."""
    if not (targets := discovery_targets()):
        return []
    try:
        return await discover_printers(
            listen_seconds=DISCOVERY_TIMEOUT, targets=targets
        )
    except OSError as err:
        LOGGER.debug("Printer discovery failed: %s", err)
        return []


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
            CONF_SERIAL_NUMBER: printer.serial_number,
        },
    )
