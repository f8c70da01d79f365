"""The preview image of the printer's current job."""

import asyncio
from datetime import datetime
from http import HTTPStatus
from typing import override

import aiohttp
from aiohttp import hdrs
from homeassistant.components.image import (
    Image,
    ImageContentTypeError,
    ImageEntity,
    ImageEntityDescription,
    valid_image_content_type,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .api import (
    MAX_IMAGE_BYTES,
    FlashForgeError,
    FlashForgeNotFoundError,
    FlashForgeResponseError,
    read_body,
)
from .const import LOGGER
from .coordinator import FlashForgeConfigEntry, FlashForgeCoordinator
from .entity import FlashForgeEntity

PARALLEL_UPDATES = 0

FETCH_TIMEOUT = aiohttp.ClientTimeout(total=10)
# /gcodeThumb answers PNG; the magic number tells if a printer sends otherwise.
_MAGIC_TYPES = {
    b"\x89PNG": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"BM": "image/bmp",
    b"GIF8": "image/gif",
}

THUMBNAIL = ImageEntityDescription(key="thumbnail", translation_key="thumbnail")


def image_type(content: bytes) -> str:
    """Return the content type of image bytes, PNG when unrecognised."""
    for magic, content_type in _MAGIC_TYPES.items():
        if content.startswith(magic):
            return content_type
    return "image/png"


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
        self, coordinator: FlashForgeCoordinator, description: ImageEntityDescription
    ) -> None:
        """Start without an image; the first read fetches it."""
        super().__init__(coordinator, description)
        ImageEntity.__init__(self, coordinator.hass)
        self._file_name: str | None = None
        self._image: Image | None = None
        self._image_file: str | None = None
        self._reported_file: str | None = None
        # False once /gcodeThumb failed and the job's URL worked (AD5X).
        self._gcode_thumb = True
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
    def _shown_values(self) -> datetime | None:
        """Return when the image last changed, which is its state."""
        return self._attr_image_last_updated

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
        endpoint_missing = False
        if self._gcode_thumb:
            try:
                content = await self.coordinator.printer.thumbnail(file_name)
            except FlashForgeNotFoundError:
                # A file /gcodeThumb does not know: the job's URL may still serve it.
                pass
            except FlashForgeResponseError:
                # No /gcodeThumb at all (AD5X): the job's URL is the only source.
                endpoint_missing = True
            except FlashForgeError as err:
                self._report(file_name, str(err))
                return None
            else:
                return Image(image_type(content), content)
        if (url := self.coordinator.data.print_file_thumb_url) is None:
            self._report(file_name, "the printer offers no preview")
            return None
        try:
            image = await self._download(url)
        except (
            aiohttp.ClientError,
            TimeoutError,
            ImageContentTypeError,
            FlashForgeResponseError,
        ) as err:
            self._report(file_name, str(err) or type(err).__name__)
            return None
        if endpoint_missing:
            self._gcode_thumb = False
        return image

    async def _download(self, url: str) -> Image:
        """Fetch the job's preview from the URL the printer reports.

        The printer serves it itself: a redirect is not followed, and an
        image beyond the cap is refused before it fills memory.
        """
        session = async_get_clientsession(self.hass)
        async with session.get(
            url, timeout=FETCH_TIMEOUT, allow_redirects=False
        ) as response:
            response.raise_for_status()
            if response.status != HTTPStatus.OK:
                raise FlashForgeResponseError(f"HTTP {response.status}")
            content = await read_body(response, MAX_IMAGE_BYTES, "The preview")
            content_type = (
                response.content_type
                if hdrs.CONTENT_TYPE in response.headers
                else image_type(content)
            )
        return Image(valid_image_content_type(content_type), content)

    def _report(self, file_name: str, reason: str) -> None:
        """Log a failed fetch once per file."""
        if self._reported_file == file_name:
            LOGGER.debug("Preview of %s still unavailable: %s", file_name, reason)
            return
        self._reported_file = file_name
        LOGGER.warning("Cannot fetch the preview of %s: %s", file_name, reason)
