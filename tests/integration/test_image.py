"""Tests for the job preview image."""

from collections.abc import AsyncIterator, Iterator
import contextlib
from unittest.mock import patch

from homeassistant.components.image import ImageEntity, async_get_image
from homeassistant.components.image.const import DATA_COMPONENT, DOMAIN as IMAGE_DOMAIN
from homeassistant.const import STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.flashforge.api import FlashForgePrinter
from custom_components.flashforge.const import DOMAIN
from flashforge_emulator import Emulator, FaultKind, server as emulator_server

from ..conftest import EmulatorFactory
from ..images import same_picture_as_png
from .conftest import entry_for


@pytest.fixture(autouse=True)
def image_only() -> Iterator[None]:
    """Load only the image platform."""
    with patch("custom_components.flashforge.PLATFORMS", [Platform.IMAGE]):
        yield


@contextlib.asynccontextmanager
async def printer(
    hass: HomeAssistant, emulator_factory: EmulatorFactory, model: str
) -> AsyncIterator[tuple[Emulator, MockConfigEntry]]:
    """Run an emulator and set the integration up for it."""
    async with emulator_factory(model, command_seconds=0) as emu:
        entry = entry_for(emu)
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        yield emu, entry
        assert await hass.config_entries.async_unload(entry.entry_id)


def thumbnail_id(hass: HomeAssistant, emulator: Emulator) -> str:
    """Return the entity id of the printer's thumbnail."""
    entity_id = er.async_get(hass).async_get_entity_id(
        IMAGE_DOMAIN, DOMAIN, f"{emulator.serial}_thumbnail"
    )
    assert entity_id is not None
    return entity_id


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state."""
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


def thumbnail_entity(hass: HomeAssistant, entity_id: str) -> ImageEntity:
    """Return the thumbnail entity object."""
    entity = hass.data[DATA_COMPONENT].get_entity(entity_id)
    assert isinstance(entity, ImageEntity)
    return entity


def client_for(emulator: Emulator) -> FlashForgePrinter:
    """Return a client of its own for driving the emulated printer."""
    return FlashForgePrinter(
        emulator.host, emulator.serial, emulator.check_code, port=emulator.port
    )


async def start_print(
    emulator: Emulator, entry: MockConfigEntry, file_name: str
) -> None:
    """Start printing a file and let the integration see it."""
    async with client_for(emulator) as client:
        await client.print_file(file_name, leveling_before_print=False)
    await entry.runtime_data.async_refresh()


async def end_print(emulator: Emulator, entry: MockConfigEntry) -> None:
    """Cancel the job and clear the platform, so no job is loaded."""
    async with client_for(emulator) as client:
        await client.cancel_print()
        await client.clear_platform()
    await entry.runtime_data.async_refresh()


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("model", ["5m-pro", "ad5x"])
async def test_snapshot(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    emulator_factory: EmulatorFactory,
    snapshot: SnapshotAssertion,
    model: str,
) -> None:
    """Every printer has a thumbnail, without an image while idle."""
    async with printer(hass, emulator_factory, model) as (_, entry):
        await snapshot_platform(
            hass,
            entity_registry,
            snapshot.with_defaults(exclude=props("access_token", "entity_picture")),
            entry.entry_id,
        )


async def test_thumbnail_of_the_job(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    emulator_factory: EmulatorFactory,
) -> None:
    """The job's preview is fetched once per file, replaced and cleared with the job."""
    async with printer(hass, emulator_factory, "5m-pro") as (emu, entry):
        entity_id = thumbnail_id(hass, emu)
        first, second = list(emu.files)[:2]
        assert state_of(hass, entity_id) == STATE_UNKNOWN
        with pytest.raises(HomeAssistantError):
            await async_get_image(hass, entity_id)

        await start_print(emu, entry, first)
        first_updated = state_of(hass, entity_id)
        assert first_updated != STATE_UNKNOWN
        for _ in range(3):
            image = await async_get_image(hass, entity_id)
            assert image.content_type == "image/png"
            assert image.content == emu.files[first].thumbnail
        client = await hass_client()
        response = await client.get(f"/api/image_proxy/{entity_id}")
        assert response.status == 200
        assert response.content_type == "image/png"
        assert await response.read() == emu.files[first].thumbnail
        assert emu.request_counts["/gcodeThumb"] == 1

        # Polls without a new file change nothing.
        await entry.runtime_data.async_refresh()
        assert state_of(hass, entity_id) == first_updated

        await end_print(emu, entry)
        assert state_of(hass, entity_id) == STATE_UNKNOWN
        assert await thumbnail_entity(hass, entity_id).async_image() is None

        await start_print(emu, entry, second)
        assert state_of(hass, entity_id) not in {STATE_UNKNOWN, first_updated}
        image = await async_get_image(hass, entity_id)
        assert image.content == emu.files[second].thumbnail
        assert image.content != emu.files[first].thumbnail
        assert emu.request_counts["/gcodeThumb"] == 2


async def test_ad5x_falls_back_to_the_job_url(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    emulator_factory: EmulatorFactory,
) -> None:
    """Without /gcodeThumb the preview comes from the job's URL; its BMP as a PNG."""
    async with printer(hass, emulator_factory, "ad5x") as (emu, entry):
        entity_id = thumbnail_id(hass, emu)
        first, second = list(emu.files)[:2]

        await start_print(emu, entry, first)
        for _ in range(3):
            image = await async_get_image(hass, entity_id)
            assert image.content_type == "image/png"
            assert same_picture_as_png(image.content, emu.files[first].thumbnail)
        assert emu.request_counts["/gcodeThumb"] == 1
        assert emu.request_counts["/getThum"] == 1
        # What a phone's notification loads: the entity picture's URL.
        client = await hass_client()
        picture = hass.states.get(entity_id).attributes["entity_picture"]
        response = await client.get(picture)
        assert response.status == 200
        assert response.content_type == "image/png"
        assert await response.read() == image.content

        # Once /gcodeThumb proved missing, the next file goes to the URL at once.
        await end_print(emu, entry)
        await start_print(emu, entry, second)
        image = await async_get_image(hass, entity_id)
        assert same_picture_as_png(image.content, emu.files[second].thumbnail)
        assert emu.request_counts["/gcodeThumb"] == 1
        assert emu.request_counts["/getThum"] == 2


async def test_an_unreadable_bmp_shows_no_picture(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A BMP the library cannot convert gives no image and a warning, no error."""
    monkeypatch.setattr(emulator_server, "png_to_bmp", lambda png: b"BM" + png)
    async with printer(hass, emulator_factory, "ad5x") as (emu, entry):
        entity_id = thumbnail_id(hass, emu)
        file_name = next(iter(emu.files))
        await start_print(emu, entry, file_name)

        assert await thumbnail_entity(hass, entity_id).async_image() is None
        assert f"Cannot fetch the preview of {file_name}: The BMP" in caplog.text


async def test_failed_fetch_logged_once(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failing fetch yields no image and one warning, and is retried later."""
    async with printer(hass, emulator_factory, "5m-pro") as (emu, entry):
        entity_id = thumbnail_id(hass, emu)
        entity = thumbnail_entity(hass, entity_id)
        file_name = next(iter(emu.files))
        await start_print(emu, entry, file_name)

        emu.add_fault(FaultKind.DROP, "/gcodeThumb")
        assert await entity.async_image() is None
        assert await entity.async_image() is None
        warnings = [
            record
            for record in caplog.records
            if record.name == "custom_components.flashforge"
            and record.levelname == "WARNING"
        ]
        assert [r.getMessage() for r in warnings] == [
            f"Cannot fetch the preview of {file_name}: "
            f"Cannot talk to the printer at {emu.host}:{emu.port}: "
            "ServerDisconnectedError"
        ]

        emu.clear_faults()
        assert await entity.async_image() == emu.files[file_name].thumbnail
