"""Fixtures for the Home Assistant tests: config entries on the emulator."""

from collections.abc import AsyncIterator, Iterator
import contextlib
import socket
from typing import Any
from unittest.mock import PropertyMock, patch

from homeassistant.const import CONF_HOST, CONF_PORT, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.flashforge import coordinator as coordinator_module
from custom_components.flashforge.api import FlashForgePrinter
from custom_components.flashforge.config_flow import FlashForgeConfigFlow
from custom_components.flashforge.const import (
    CONF_CAMERA_PORT,
    CONF_CHECK_CODE,
    CONF_SERIAL_NUMBER,
    CONF_TCP_PORT,
    DOMAIN,
)
from custom_components.flashforge.discovery import TARGETS_ENVIRONMENT_VARIABLE
from flashforge_emulator import Clock, Emulator, FaultKind, Status

from ..conftest import EmulatorFactory


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Create every entity enabled, also those disabled by default."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield


@pytest.fixture(autouse=True)
def no_network_discovery(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep discovery off the real network; tests that scan point it at loopback."""
    monkeypatch.setenv(TARGETS_ENVIRONMENT_VARIABLE, "")


@pytest.fixture(autouse=True)
def no_tcp_probe_of_port_8899(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep HTTP entries from finding whatever listens on this machine's port 8899.

    An entry without a TCP port looks for one at setup; port 0 refuses every
    connection. Tests that want it found point it at an emulator.
    """
    monkeypatch.setattr(coordinator_module, "DEFAULT_TCP_PORT", 0)


def closed_port() -> int:
    """Return a loopback TCP port that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def entry_for(
    emulator: Emulator,
    *,
    tcp_only: bool = False,
    extras: bool = False,
    **changes: Any,
) -> MockConfigEntry:
    """Return a config entry for an emulated printer, as the config flow makes it.

    A printer without the HTTP API, or told tcp_only (a 5M on old firmware),
    gets a TCP-only entry: no check code, no HTTP port. With extras, the entry
    also holds what setup would find or the demo writes: an HTTP printer's
    TCP port, a TCP printer's camera port.
    """
    data: dict[str, Any]
    if emulator.profile.has_http and not tcp_only:
        data = {
            CONF_HOST: emulator.host,
            CONF_PORT: emulator.port,
            CONF_SERIAL_NUMBER: emulator.serial,
            CONF_CHECK_CODE: emulator.check_code,
        }
        if extras and emulator.tcp_port is not None:
            data[CONF_TCP_PORT] = emulator.tcp_port
    else:
        data = {
            CONF_HOST: emulator.host,
            CONF_SERIAL_NUMBER: emulator.serial,
            CONF_TCP_PORT: emulator.tcp_port,
        }
        if extras and emulator.camera_port is not None:
            data[CONF_CAMERA_PORT] = emulator.camera_port
    return MockConfigEntry(
        domain=DOMAIN,
        version=FlashForgeConfigFlow.VERSION,
        minor_version=FlashForgeConfigFlow.MINOR_VERSION,
        title=emulator.detail()["name"],
        unique_id=emulator.serial,
        data=data | changes,
    )


@pytest.fixture
async def emulator(emulator_factory: EmulatorFactory) -> AsyncIterator[Emulator]:
    """Return a 5M Pro emulator that answers commands without delay.

    Tests here may freeze time, and a command's simulated duration would
    then never pass.
    """
    async with emulator_factory("5m-pro", command_seconds=0) as emu:
        yield emu


@pytest.fixture
def quick_emulator(emulator_factory: EmulatorFactory) -> EmulatorFactory:
    """Return a factory of emulators that answer at once, their clock moving only when told.

    `async with quick_emulator("ad5x", tcp_port=None) as emu:`; other options
    are the emulator's own and win over these.
    """

    def factory(
        model: str = "5m-pro", **options: Any
    ) -> contextlib.AbstractAsyncContextManager[Emulator]:
        return emulator_factory(
            model, **{"command_seconds": 0, "clock": Clock.manual()} | options
        )

    return factory


@pytest.fixture
async def ad5x(quick_emulator: EmulatorFactory) -> AsyncIterator[Emulator]:
    """Return an AD5X, on HTTP and TCP, with its material station."""
    async with quick_emulator("ad5x") as emu:
        yield emu


@pytest.fixture
async def creator5(quick_emulator: EmulatorFactory) -> AsyncIterator[Emulator]:
    """Return a Creator 5: HTTP only, four tools, a heated chamber."""
    async with quick_emulator("creator5") as emu:
        yield emu


@pytest.fixture
async def adventurer4(quick_emulator: EmulatorFactory) -> AsyncIterator[Emulator]:
    """Return an Adventurer 4, which speaks TCP only."""
    async with quick_emulator("adventurer4") as emu:
        yield emu


async def setup_platform(
    hass: HomeAssistant, emulator: Emulator, platform: Platform
) -> MockConfigEntry:
    """Set up an entry for the emulator with one platform only."""
    entry = entry_for(emulator)
    entry.add_to_hass(hass)
    with patch("custom_components.flashforge.PLATFORMS", [platform]):
        assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.fixture
def no_platforms() -> Iterator[None]:
    """Set up printers without entities: the actions need none."""
    with patch("custom_components.flashforge.PLATFORMS", []):
        yield


async def add_printer(hass: HomeAssistant, emulator: Emulator) -> str:
    """Set a printer up, with the ports setup would find, and return its device id."""
    entry = entry_for(emulator, extras=True)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    (device,) = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    return device.id


async def call(
    hass: HomeAssistant, service: str, data: dict[str, Any], **kwargs: Any
) -> Any:
    """Call a FlashForge action and wait for it."""
    return await hass.services.async_call(
        DOMAIN, service, data, blocking=True, **kwargs
    )


def put_printer_in(emulator: Emulator, status: Status) -> None:
    """Drive the printer into a job state, as a print from its screen would.

    READY leaves it as it is; PRINTING, PAUSED and CANCEL start a print first.
    The emulator's time moves on past heating and pausing.
    """
    if status == Status.READY:
        return
    benchy = emulator.files["3DBenchy_PLA.gcode"]
    assert emulator.printer.start_print(benchy.name, benchy.meta).ok
    emulator.advance(emulator.printer.heating_seconds)
    action = {Status.PAUSED: "pause", Status.CANCEL: "cancel"}.get(status)
    if action is not None:
        assert emulator.printer.apply_command("jobCtl_cmd", {"action": action}).ok
        emulator.advance(emulator.printer.pausing_seconds)
    assert emulator.printer.status == status


async def busy(emulator: Emulator) -> None:
    """Make the printer answer the next command with Busy."""
    emulator.add_fault(FaultKind.BUSY, path="/control", count=1)


async def offline(emulator: Emulator) -> None:
    """Take the printer off the network."""
    await emulator.go_offline()


@pytest.fixture
async def client(emulator: Emulator) -> AsyncIterator[FlashForgePrinter]:
    """Return a client of the emulator, as the user's app or touchscreen."""
    async with FlashForgePrinter(
        emulator.host, emulator.serial, emulator.check_code, port=emulator.port
    ) as client:
        yield client


@pytest.fixture
def config_entry(emulator: Emulator) -> MockConfigEntry:
    """Return the config entry of the 5M Pro emulator."""
    return entry_for(emulator)


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Set the integration up for the 5M Pro emulator."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry
