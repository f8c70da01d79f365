"""A real Home Assistant instance for the benchmarks, outside the test harness.

The pytest plugin runs the event loop in debug mode and patches Home
Assistant in ways that inflate times; here the instance is built the way
``homeassistant.bootstrap`` builds one, on Home Assistant's own event loop
(``homeassistant.runner.create_event_loop``), with only the core integration
and FlashForge loaded.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
import contextlib
import os
from pathlib import Path
import tempfile
import time
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, cast

import aiohttp
from homeassistant import bootstrap, loader, runner
from homeassistant.config_entries import ConfigEntries, ConfigEntry, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.helpers import (
    aiohttp_client,
    device_registry as dr,
    entity_registry as er,
)
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.setup import async_setup_component

from .fleet import PrinterAddress

if TYPE_CHECKING:
    from custom_components.flashforge.coordinator import FlashForgeCoordinator

# Spelled out rather than imported: importing the integration here would
# take its import time out of the setup benchmark's first entry.
DOMAIN = "flashforge"
CONF_SERIAL_NUMBER = "serial_number"
CONF_CHECK_CODE = "check_code"

# Discovery must never leave loopback: with no targets it does not scan.
os.environ["FLASHFORGE_DISCOVERY_TARGETS"] = ""


def run_on_ha_loop[T](main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine on a fresh Home Assistant event loop (no debug mode)."""
    return asyncio.run(main(), loop_factory=runner.create_event_loop)


def _resolve_without_zeroconf(hass: HomeAssistant) -> None:
    """Give the shared client session a plain resolver.

    Home Assistant's own resolver opens a zeroconf instance (multicast on
    every network adapter); the benchmarks must stay on loopback, and aiohttp
    never resolves an IP address anyway, so the figures are the same.
    """
    hass.data[aiohttp_client.DATA_RESOLVER] = cast(
        "aiohttp_client.HassAsyncDNSResolver", aiohttp.ThreadedResolver()
    )


@contextlib.asynccontextmanager
async def home_assistant(
    allowed_dirs: tuple[Path, ...] = (),
) -> AsyncIterator[HomeAssistant]:
    """Yield a started Home Assistant with a temporary config directory."""
    with tempfile.TemporaryDirectory(prefix="flashforge-bench-ha-") as config_dir:
        hass = HomeAssistant(config_dir)
        loader.async_setup(hass)
        hass.config.skip_pip = True
        _resolve_without_zeroconf(hass)
        hass.config_entries = ConfigEntries(hass, {})
        await loader.async_get_custom_components(hass)
        if not await bootstrap.async_load_base_functionality(hass):
            raise RuntimeError("Home Assistant's registries did not load")
        await async_process_ha_core_config(
            hass,
            {
                "time_zone": "UTC",
                "allowlist_external_dirs": [str(path) for path in allowed_dirs],
            },
        )
        if not await async_setup_component(hass, "homeassistant", {}):
            raise RuntimeError("Home Assistant's core integration did not set up")
        await hass.async_start()
        try:
            yield hass
        finally:
            await hass.async_stop()


def make_entry(printer: PrinterAddress) -> ConfigEntry:
    """Return a FlashForge config entry for an emulated printer."""
    return ConfigEntry(
        version=1,
        minor_version=2,
        domain=DOMAIN,
        title=printer.name,
        data={
            CONF_HOST: printer.host,
            CONF_PORT: printer.port,
            CONF_SERIAL_NUMBER: printer.serial,
            CONF_CHECK_CODE: printer.check_code,
        },
        options={},
        source="user",
        unique_id=printer.serial,
        discovery_keys=MappingProxyType({}),
        subentries_data=None,
    )


async def add_printer(hass: HomeAssistant, printer: PrinterAddress) -> ConfigEntry:
    """Add and set up a config entry for the printer; fail if it does not load."""
    entry = make_entry(printer)
    await hass.config_entries.async_add(entry)
    if entry.state is not ConfigEntryState.LOADED:
        raise RuntimeError(f"{printer.serial} did not set up: {entry.state}")
    return entry


def coordinator_of(entry: ConfigEntry) -> FlashForgeCoordinator:
    """Return the entry's coordinator."""
    coordinator: FlashForgeCoordinator = entry.runtime_data
    return coordinator


def device_id_of(hass: HomeAssistant, entry: ConfigEntry) -> str:
    """Return the device id of the entry's printer."""
    serial = entry.data[CONF_SERIAL_NUMBER]
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, serial), entry.entry_id
    )
    if device is None:
        raise RuntimeError(f"no device for {serial}")
    return device.id


def entity_id_of(
    hass: HomeAssistant, entry: ConfigEntry, platform: str, key: str
) -> str:
    """Return the entity id of one of the entry's entities, by platform and key."""
    unique_id = f"{entry.data[CONF_SERIAL_NUMBER]}_{key}"
    entity_id = er.async_get(hass).async_get_entity_id(platform, DOMAIN, unique_id)
    if entity_id is None:
        raise RuntimeError(f"no {platform} entity with unique id {unique_id}")
    return entity_id


async def time_until_state(
    hass: HomeAssistant,
    entity_id: str,
    accept: Callable[[str], bool],
    action: Callable[[], Awaitable[object]],
    within: float = 30.0,
) -> float:
    """Run the action, return the seconds until the entity's state is accepted."""
    loop = asyncio.get_running_loop()
    reached: asyncio.Future[float] = loop.create_future()

    @callback
    def on_change(event: Event[EventStateChangedData]) -> None:
        new_state = event.data["new_state"]
        if new_state is not None and accept(new_state.state) and not reached.done():
            reached.set_result(time.perf_counter())

    unsubscribe = async_track_state_change_event(hass, entity_id, on_change)
    try:
        start = time.perf_counter()
        await action()
        return await asyncio.wait_for(reached, within) - start
    finally:
        unsubscribe()


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state."""
    state = hass.states.get(entity_id)
    if state is None:
        raise RuntimeError(f"{entity_id} has no state")
    return state.state
