"""The printer's built-in camera, shared by every viewer over one connection."""

import asyncio
from collections.abc import Iterator
import contextlib
from dataclasses import dataclass
from typing import override

from aiohttp import hdrs, web
from homeassistant.components.camera import Camera, CameraEntityDescription
from homeassistant.components.camera.const import CameraEntityFeature
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import has_camera
from .api.mjpeg import STREAM_CONTENT_TYPE, encode_part
from .const import DOMAIN
from .coordinator import FlashForgeConfigEntry, FlashForgeCoordinator
from .entity import FlashForgeEntity, FlashForgeEntityDescription
from .helpers import flashforge_exception_handler

PARALLEL_UPDATES = 1

FIRST_FRAME_TIMEOUT = 10.0
WRITE_TIMEOUT = 10.0


@dataclass(frozen=True, kw_only=True)
class FlashForgeCameraEntityDescription(
    FlashForgeEntityDescription, CameraEntityDescription
):
    """Describe the printer's camera."""


CAMERA = FlashForgeCameraEntityDescription(
    key="camera", translation_key="camera", fields=("camera_stream_url",)
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FlashForgeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the camera of printers that have one."""
    coordinator = entry.runtime_data
    if has_camera(coordinator.data):
        async_add_entities([FlashForgeCamera(coordinator, CAMERA)])


class FlashForgeCamera(FlashForgeEntity, Camera):
    """The printer's camera, relayed so that many can watch at once."""

    entity_description: FlashForgeCameraEntityDescription

    def __init__(
        self,
        coordinator: FlashForgeCoordinator,
        description: FlashForgeCameraEntityDescription,
    ) -> None:
        """Prepare the relay; it connects once someone watches."""
        super().__init__(coordinator, description)
        Camera.__init__(self)
        if coordinator.printer.has_http:
            # Over TCP the camera streams all the time: nothing turns it off.
            self._attr_supported_features = CameraEntityFeature.ON_OFF
        self._url = coordinator.data.camera_stream_url
        self._attr_is_on = self._url is not None
        self._viewers = 0
        hass = coordinator.hass
        entry = coordinator.config_entry
        self._relay = coordinator.printer.camera_relay(
            lambda: self._url,
            # An entry's background task is cancelled on unload and shutdown.
            lambda reader: entry.async_create_background_task(
                hass, reader, f"{entry.title} camera relay", eager_start=False
            ),
            name=entry.title,
        )

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Follow the stream being turned on, off or moved."""
        url = self.coordinator.data.camera_stream_url
        if url != self._url:
            self._url = url
            # Viewers of a stream that is gone or moved end now, not on a timeout.
            self._relay.stop()
        self._attr_is_on = url is not None
        super()._handle_coordinator_update()

    @override
    async def async_will_remove_from_hass(self) -> None:
        """Close the upstream and end the viewers' streams."""
        await self._relay.async_close()
        await super().async_will_remove_from_hass()

    @override
    async def async_camera_image(
        self, width: int | None = None, height: int | None = None
    ) -> bytes | None:
        """Return the latest frame of the stream."""
        if not self.is_on:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="camera_off"
            )
        if not self.available:
            return None
        return await self._relay.snapshot()

    @override
    async def handle_async_mjpeg_stream(
        self, request: web.Request
    ) -> web.StreamResponse | None:
        """Serve the stream to one viewer from the shared upstream."""
        if not self.is_on or not self.available:
            return None
        async with self._relay.subscribe() as viewer:
            try:
                async with asyncio.timeout(FIRST_FRAME_TIMEOUT):
                    frame = await viewer.next_frame()
            except TimeoutError:
                frame = None
            if frame is None:
                # Nothing sent yet, so the view can still answer an error.
                return None
            response = web.StreamResponse(
                headers={
                    hdrs.CONTENT_TYPE: STREAM_CONTENT_TYPE,
                    hdrs.CACHE_CONTROL: "no-store",
                }
            )
            try:
                await response.prepare(request)
                with self._serving():
                    while frame is not None:
                        async with asyncio.timeout(WRITE_TIMEOUT):
                            await response.write(encode_part(frame))
                        frame = await viewer.next_frame()
            except ConnectionResetError, TimeoutError:
                # The viewer went away or stopped reading.
                pass
        return response

    @contextlib.contextmanager
    def _serving(self) -> Iterator[None]:
        """Count a viewer being served: the state is streaming while any is."""
        self._viewers += 1
        if self._viewers == 1:
            self._attr_is_streaming = True
            self.async_write_ha_state()
        try:
            yield
        finally:
            self._viewers -= 1
            if self._viewers == 0:
                self._attr_is_streaming = False
                self.async_write_ha_state()

    @flashforge_exception_handler
    async def async_turn_on(self) -> None:
        """Turn the printer's camera stream on."""
        await self.coordinator.printer.set_camera_stream(True)

    @flashforge_exception_handler
    async def async_turn_off(self) -> None:
        """Turn the printer's camera stream off."""
        await self.coordinator.printer.set_camera_stream(False)
