"""The preview image of the printer's current job."""

import asyncio
from dataclasses import dataclass
from typing import override

from homeassistant.components.image import Image, ImageEntity, ImageEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .api import FlashForgeError
from .const import LOGGER
from .coordinator import FlashForgeConfigEntry, FlashForgeCoordinator
from .entity import FlashForgeEntity, FlashForgeEntityDescription

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class FlashForgeImageEntityDescription(
    FlashForgeEntityDescription, ImageEntityDescription
):
    """Describe the job's preview image."""


THUMBNAIL = FlashForgeImageEntityDescription(
    key="thumbnail",
    translation_key="thumbnail",
    fields=("print_file_name", "print_file_thumb_url"),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FlashForgeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the job preview of the printer."""
    async_add_entities([FlashForgeThumbnail(entry.runtime_data, THUMBNAIL)])


class FlashForgeThumbnail(FlashForgeEntity, ImageEntity):
    """The preview of the file being printed, fetched once per file."""

    def __init__(
        self,
        coordinator: FlashForgeCoordinator,
        description: FlashForgeImageEntityDescription,
    ) -> None:
        """Start without an image; the first read fetches it."""
        super().__init__(coordinator, description)
        ImageEntity.__init__(self, coordinator.hass)
        self._file_name: str | None = None
        self._image: Image | None = None
        self._image_file: str | None = None
        self._reported_file: str | None = None
        self._fetch_lock = asyncio.Lock()
        self._follow_job()

    @callback
    def _follow_job(self) -> None:
        """Note a new job file: a new image, or none while no job is loaded."""
        file_name = self.coordinator.data.print_file_name
        if file_name == self._file_name:
            return
        self._file_name = file_name
        self._image = self._image_file = None
        self._attr_image_last_updated = None if file_name is None else dt_util.utcnow()

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Follow the job's file."""
        self._follow_job()
        super()._handle_coordinator_update()

    @override
    async def async_image(self) -> bytes | None:
        """Return the job's preview, fetching it on the first read per file."""
        async with self._fetch_lock:
            file_name = self._file_name
            if file_name is None:
                return None
            if self._image is None or self._image_file != file_name:
                if (image := await self._fetch(file_name)) is None:
                    return None
                if file_name != self._file_name:
                    # The job changed while fetching; this image is stale.
                    return None
                self._image, self._image_file = image, file_name
            self._attr_content_type = self._image.content_type
            return self._image.content

    async def _fetch(self, file_name: str) -> Image | None:
        """Fetch a file's preview; log a failure once per file and return None."""
        try:
            preview = await self.coordinator.printer.preview(
                file_name, self.coordinator.data.print_file_thumb_url
            )
        except FlashForgeError as err:
            self._report(file_name, str(err))
            return None
        return Image(preview.content_type, preview.content)

    def _report(self, file_name: str, reason: str) -> None:
        """Log a failed fetch once per file."""
        if self._reported_file == file_name:
            LOGGER.debug("Preview of %s still unavailable: %s", file_name, reason)
            return
        self._reported_file = file_name
        LOGGER.warning("Cannot fetch the preview of %s: %s", file_name, reason)
