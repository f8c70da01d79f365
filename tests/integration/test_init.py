"""Tests for setting up, unloading and removing a printer."""

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.entity_platform import async_get_platforms
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.flashforge import PLATFORMS
from custom_components.flashforge.const import DOMAIN
from flashforge_emulator import Emulator, FaultKind, Profile, get_profile

from .conftest import entry_for


async def test_setup_and_unload(
    hass: HomeAssistant, init_integration: MockConfigEntry, emulator: Emulator
) -> None:
    """The entry loads, keeps its coordinator in runtime_data, and unloads."""
    entry = init_integration
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.data.name == emulator.detail()["name"]

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.NOT_LOADED


@pytest.mark.parametrize(
    ("model", "expected"),
    [("5m-pro", "Adventurer 5M Pro"), ("ad5x", "AD5X"), ("creator5", "Creator 5")],
)
async def test_device(
    hass: HomeAssistant,
    device_registry: dr.DeviceRegistry,
    emulator_factory: Callable[..., Emulator],
    model: str,
    expected: str,
) -> None:
    """One device per printer, identified by serial, with MAC, model and firmware."""
    async with emulator_factory(model) as emulator:
        entry = entry_for(emulator)
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        detail = emulator.detail()

        device = device_registry.async_get_device_by_identifier(
            (DOMAIN, emulator.serial), entry.entry_id
        )
        assert device is not None
        assert device.manufacturer == "FlashForge"
        assert device.model == expected
        assert device.serial_number == emulator.serial
        assert device.sw_version == detail["firmwareVersion"]
        assert device.name == entry.title
        assert device.connections == {
            (dr.CONNECTION_NETWORK_MAC, dr.format_mac(detail["macAddr"]))
        }
        assert await hass.config_entries.async_unload(entry.entry_id)


FIVE_M = get_profile("5m")


@pytest.mark.parametrize(
    ("profile_changes", "name", "expected"),
    [
        ({"firmware_version": "3.3.0"}, None, {"sw_version": "3.3.0"}),
        (
            {"pid": FIVE_M.pid, "pid_wire": FIVE_M.pid_wire},
            None,
            {"model": "Adventurer 5M"},
        ),
        ({}, "Workshop", {"name": "Workshop"}),
    ],
    ids=["firmware", "model", "name"],
)
async def test_device_follows_the_printer(
    hass: HomeAssistant,
    device_registry: dr.DeviceRegistry,
    init_integration: MockConfigEntry,
    emulator: Emulator,
    profile_changes: dict[str, Any],
    name: str | None,
    expected: dict[str, str],
) -> None:
    """A new firmware, model or name the printer reports reaches its device once."""
    coordinator = init_integration.runtime_data
    updates = async_capture_events(hass, dr.EVENT_DEVICE_REGISTRY_UPDATED)
    printer = emulator.printer
    printer.light_on = not printer.light_on
    await coordinator.async_refresh()
    assert updates == []

    printer.profile = replace(printer.profile, **profile_changes)
    if name is not None:
        printer.name = name
    await coordinator.async_refresh()
    await coordinator.async_refresh()

    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, emulator.serial), init_integration.entry_id
    )
    assert device is not None
    assert {field: getattr(device, field) for field in expected} == expected
    assert [set(update.data["changes"]) for update in updates] == [set(expected)]


async def test_unreachable_printer_retries_setup(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """A printer that does not answer at start-up is retried, then set up."""
    await emulator.go_offline()
    config_entry.add_to_hass(hass)

    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY

    await emulator.come_back()
    await hass.config_entries.async_reload(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.LOADED


@pytest.mark.parametrize("fault", [FaultKind.HTML_ERROR, FaultKind.INVALID_JSON])
async def test_unreadable_answer_retries_setup(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: Emulator,
    fault: FaultKind,
) -> None:
    """Something that is not the printer's JSON is retried, not an error."""
    emulator.add_fault(fault, path="/product")
    config_entry.add_to_hass(hass)

    await hass.config_entries.async_setup(config_entry.entry_id)

    assert config_entry.state is ConfigEntryState.SETUP_RETRY


async def test_wrong_check_code_starts_reauth(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """A check code the printer rejects at start-up asks the user for a new one."""
    emulator.set_check_code("99999999")
    config_entry.add_to_hass(hass)

    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert flows[0]["context"]["entry_id"] == config_entry.entry_id


async def test_migration_drops_the_polling_options(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """An entry from before 1.2 loses its interval options and polls at the defaults."""
    current = entry_for(emulator)
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=current.title,
        unique_id=current.unique_id,
        data=current.data,
        options={"fast_interval": 2, "slow_interval": 600},
        version=1,
        minor_version=1,
    )
    entry.add_to_hass(hass)

    assert await hass.config_entries.async_setup(entry.entry_id)

    assert entry.state is ConfigEntryState.LOADED
    assert (entry.version, entry.minor_version) == (1, 2)
    assert entry.options == {}
    assert entry.data == current.data
    assert entry.runtime_data.update_interval == timedelta(seconds=30)
    assert await hass.config_entries.async_unload(entry.entry_id)


def forwarded_platforms(hass: HomeAssistant, entry: MockConfigEntry) -> set[str]:
    """Return the platforms the entry is set up on, with or without entities."""
    return {
        platform.domain
        for platform in async_get_platforms(hass, DOMAIN)
        if platform.config_entry is entry
    }


EVERY_PLATFORM = {str(platform) for platform in PLATFORMS}


@pytest.mark.parametrize(
    ("profile", "streaming", "expected"),
    [
        # Enclosed models have a camera built in, also while its stream is off.
        ("5m-pro", False, EVERY_PLATFORM),
        # On the others a stream running at setup shows a fitted camera.
        (replace(FIVE_M, has_camera=True), True, EVERY_PLATFORM),
        ("5m", False, EVERY_PLATFORM - {Platform.CAMERA}),
        ("ad5x", False, EVERY_PLATFORM - {Platform.CAMERA}),
    ],
    ids=["enclosed_stream_off", "fitted", "5m_none", "ad5x_none"],
)
async def test_only_the_platforms_the_printer_has(
    hass: HomeAssistant,
    emulator_factory: Callable[..., Emulator],
    profile: str | Profile,
    streaming: bool,
    expected: set[str],
) -> None:
    """A printer without a camera does not load the camera platform, nor unloads it."""
    async with emulator_factory(profile, command_seconds=0) as emulator:
        emulator.printer.stream_on = streaming
        entry = entry_for(emulator)
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()

        assert forwarded_platforms(hass, entry) == expected

        assert await hass.config_entries.async_unload(entry.entry_id)
        assert forwarded_platforms(hass, entry) == set()


async def test_printer_without_camera_unloads_beside_one_with(
    hass: HomeAssistant,
    emulator_factory: Callable[..., Emulator],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Unloading a printer without a camera leaves the other's camera and warns of nothing."""
    async with (
        emulator_factory("5m-pro", command_seconds=0) as pro,
        emulator_factory("5m", command_seconds=0) as plain,
    ):
        pro_entry, plain_entry = entry_for(pro), entry_for(plain)
        for entry in (pro_entry, plain_entry):
            entry.add_to_hass(hass)
            assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()

        assert await hass.config_entries.async_unload(plain_entry.entry_id)

        assert plain_entry.state is ConfigEntryState.NOT_LOADED
        assert Platform.CAMERA in forwarded_platforms(hass, pro_entry)
        assert "Ignored unload request" not in caplog.text
        assert await hass.config_entries.async_unload(pro_entry.entry_id)


async def test_camera_fitted_later_appears_on_reload(
    hass: HomeAssistant, emulator_factory: Callable[..., Emulator]
) -> None:
    """A stream started after setup shows the fitted camera once the entry reloads."""
    async with emulator_factory(
        replace(FIVE_M, has_camera=True), command_seconds=0
    ) as emulator:
        emulator.printer.stream_on = False
        entry = entry_for(emulator)
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        assert Platform.CAMERA not in forwarded_platforms(hass, entry)

        emulator.printer.stream_on = True
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()

        assert Platform.CAMERA in forwarded_platforms(hass, entry)
        assert hass.states.async_entity_ids(Platform.CAMERA)
        assert await hass.config_entries.async_unload(entry.entry_id)
