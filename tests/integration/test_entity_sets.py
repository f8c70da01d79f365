"""Snapshots of every platform's entities and states, per printer model."""

from dataclasses import replace

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import snapshot_platform
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.flashforge import PLATFORMS
from flashforge_emulator import Profile, get_profile

from ..conftest import EmulatorFactory
from .conftest import entry_for, setup_platform

PROFILES = {
    "5m_pro": "5m-pro",
    "5m": "5m",
    "ad5x": "ad5x",
    "5m_pro_no_chamber": replace(get_profile("5m-pro"), chamber_sensor=False),
}


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("profile", PROFILES)
async def test_entities(
    hass: HomeAssistant,
    quick_emulator: EmulatorFactory,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    profile: str,
    platform: Platform,
) -> None:
    """Each model gets the entities its hardware has, with its idle values."""
    async with quick_emulator(PROFILES[profile]) as emulator:
        entry = await setup_platform(hass, emulator, platform)
        if er.async_entries_for_config_entry(entity_registry, entry.entry_id):
            # Camera and image states carry a fresh access token each run.
            await snapshot_platform(
                hass,
                entity_registry,
                snapshot.with_defaults(exclude=props("access_token", "entity_picture")),
                entry.entry_id,
            )
        else:
            assert f"{profile}-{platform}-none" == snapshot
        assert await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize(
    ("profile", "streaming", "camera"),
    [
        # Enclosed models have a camera built in, also while its stream is off.
        ("5m-pro", False, True),
        # On the others a stream running at setup shows a fitted camera.
        (replace(get_profile("5m"), has_camera=True), True, True),
        ("5m", False, False),
    ],
    ids=["enclosed_stream_off", "fitted", "none"],
)
async def test_camera_is_one_entity(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    entity_registry: er.EntityRegistry,
    profile: str | Profile,
    streaming: bool,
    camera: bool,
) -> None:
    """The camera, which turns its stream on and off, is the only entity for it."""
    async with emulator_factory(profile, command_seconds=0) as emulator:
        emulator.printer.stream_on = streaming
        entry = entry_for(emulator)
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()

        keys = [
            (reg.domain, reg.unique_id.removeprefix(f"{emulator.serial}_"))
            for reg in er.async_entries_for_config_entry(
                entity_registry, entry.entry_id
            )
            if "camera" in reg.unique_id
        ]
        assert keys == ([("camera", "camera")] if camera else [])
        assert await hass.config_entries.async_unload(entry.entry_id)
