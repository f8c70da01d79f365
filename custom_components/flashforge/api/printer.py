"""One printer as its owner sees it: read it, command it, send it files.

This is what an application talks to. It picks the transport that serves each
request (today the HTTP API on port 8898), and does what takes more than one
request or knowledge of the printer's state, so that no caller has to.
"""

from collections.abc import Callable, Sequence
from pathlib import Path

import aiohttp

from .closing import AsyncClosing
from .const import DEFAULT_AUTO_SHUTDOWN_MINUTES, DEFAULT_REQUEST_TIMEOUT
from .errors import FlashForgeNotFoundError, FlashForgeResponseError
from .http import DEFAULT_PORT, FlashForgeHttpClient
from .models import MaterialMapping, PrinterDetail, PrinterFile, ProductInfo
from .preview import Preview, image_type, is_image_type
from .relay import MjpegRelay, StartTask
from .upload import ProgressCallback, UploadSource


class FlashForgePrinter(AsyncClosing):
    """One FlashForge printer on the network, known by its serial number."""

    def __init__(
        self,
        host: str,
        serial_number: str,
        check_code: str,
        *,
        port: int = DEFAULT_PORT,
        session: aiohttp.ClientSession | None = None,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
    ) -> None:
        """Describe where the printer is and how to authenticate; nothing is sent yet."""
        self._http = FlashForgeHttpClient(
            host,
            serial_number,
            check_code,
            port=port,
            session=session,
            request_timeout=request_timeout,
        )
        self._session = session
        self.last_detail: PrinterDetail | None = None
        # False once /gcodeThumb proved missing and the job's URL served (AD5X).
        self._gcode_thumb = True

    def __repr__(self) -> str:
        """Describe the printer without its check code."""
        return f"FlashForgePrinter({self.host}:{self.port}, {self.serial_number})"

    @property
    def host(self) -> str:
        """Return the printer's address."""
        return self._http.host

    @property
    def port(self) -> int:
        """Return the port of the printer's HTTP API."""
        return self._http.port

    @property
    def serial_number(self) -> str:
        """Return the printer's serial number."""
        return self._http.serial_number

    @property
    def request_timeout(self) -> float:
        """Return how long one request may take, in seconds."""
        return self._http.request_timeout

    @request_timeout.setter
    def request_timeout(self, seconds: float) -> None:
        """Change how long one request may take."""
        self._http.request_timeout = seconds

    async def close(self) -> None:
        """Stop every request in flight and refuse new ones (see the HTTP client)."""
        await self._http.close()

    # Reads

    async def detail(self) -> PrinterDetail:
        """Return the printer's state, and keep it for commands that need it."""
        self.last_detail = await self._http.detail()
        return self.last_detail

    async def product(self) -> ProductInfo:
        """Return which features the printer lets a client control."""
        return await self._http.product()

    async def recent_files(self) -> list[PrinterFile]:
        """Return the most recent files on the printer (up to 10)."""
        return await self._http.recent_files()

    async def thumbnail(self, file_name: str) -> bytes:
        """Return the preview image the printer keeps for a stored file."""
        return await self._http.thumbnail(file_name)

    async def preview(self, file_name: str, thumb_url: str | None) -> Preview:
        """Return the preview of a file: from /gcodeThumb, else from the job's URL.

        ``thumb_url`` is the URL the printer reports for the current job
        (``PrinterDetail.print_file_thumb_url``). A printer without
        /gcodeThumb (the AD5X) is asked only at the URL once it served there.
        Raises a ``FlashForgeError`` when neither gives an image.
        """
        endpoint_missing = False
        if self._gcode_thumb:
            try:
                content = await self._http.thumbnail(file_name)
            except FlashForgeNotFoundError:
                # A file /gcodeThumb does not know: the job's URL may still serve it.
                pass
            except FlashForgeResponseError:
                # No /gcodeThumb at all (AD5X): the job's URL is the only source.
                endpoint_missing = True
            else:
                return Preview(content, image_type(content))
        if thumb_url is None:
            raise FlashForgeResponseError("The printer offers no preview of the file")
        content, content_type = await self._http.fetch_image(thumb_url)
        if content_type is None:
            content_type = image_type(content)
        elif not is_image_type(content_type):
            raise FlashForgeResponseError(
                f"The preview: the answer is no image ({content_type[:64]})"
            )
        if endpoint_missing:
            self._gcode_thumb = False
        return Preview(content, content_type)

    # Jobs and files

    async def print_file(
        self,
        file_name: str,
        *,
        leveling_before_print: bool = True,
        material_mappings: Sequence[MaterialMapping] = (),
    ) -> None:
        """Start printing a file stored on the printer."""
        await self._http.print_file(
            file_name,
            leveling_before_print=leveling_before_print,
            material_mappings=material_mappings,
        )

    async def upload(
        self,
        source: Path | UploadSource,
        *,
        file_name: str | None = None,
        print_now: bool = False,
        leveling_before_print: bool = True,
        material_mappings: Sequence[MaterialMapping] = (),
        progress: ProgressCallback | None = None,
    ) -> None:
        """Send a file to the printer, optionally starting the print."""
        await self._http.upload(
            source,
            file_name=file_name,
            print_now=print_now,
            leveling_before_print=leveling_before_print,
            material_mappings=material_mappings,
            progress=progress,
        )

    async def pause_print(self) -> None:
        """Pause the running print."""
        await self._http.pause_print()

    async def resume_print(self) -> None:
        """Resume the paused print."""
        await self._http.resume_print()

    async def cancel_print(self) -> None:
        """Cancel the current print."""
        await self._http.cancel_print()

    async def clear_platform(self) -> None:
        """Acknowledge a finished or cancelled print so the printer is ready."""
        await self._http.clear_platform()

    # Controls

    async def set_light(self, on: bool) -> None:
        """Turn the light on or off."""
        await self._http.set_light(on)

    async def set_camera_stream(self, on: bool) -> None:
        """Start or stop the camera stream."""
        await self._http.set_camera_stream(on)

    async def set_filtration(
        self, *, internal: bool | None = None, external: bool | None = None
    ) -> None:
        """Turn either filtration fan on or off, keeping the other as it is.

        The firmware always takes both fans; the one not given is sent as the
        printer last reported it.
        """
        detail = await self._known_detail()
        await self._http.set_filtration(
            internal=bool(detail.internal_fan_on) if internal is None else internal,
            external=bool(detail.external_fan_on) if external is None else external,
        )

    async def set_auto_shutdown(
        self, *, enabled: bool | None = None, minutes: int | None = None
    ) -> None:
        """Change whether the printer powers off after a print, or after how long.

        The firmware always takes both; the one not given is kept as the
        printer last reported it (a delay it never reported becomes 30 min).
        """
        detail = await self._known_detail()
        await self._http.set_auto_shutdown(
            enabled=bool(detail.auto_shutdown) if enabled is None else enabled,
            minutes=(
                (detail.auto_shutdown_time or DEFAULT_AUTO_SHUTDOWN_MINUTES)
                if minutes is None
                else minutes
            ),
        )

    async def set_printer_controls(
        self,
        *,
        speed: int | None = None,
        z_offset: float | None = None,
        chamber_fan: int | None = None,
        cooling_fan: int | None = None,
    ) -> None:
        """Change speed (%), z offset (mm) or fan speeds (%); others stay as they are."""
        await self._http.set_printer_controls(
            speed=speed,
            z_offset=z_offset,
            chamber_fan=chamber_fan,
            cooling_fan=cooling_fan,
        )

    async def set_temperatures(
        self,
        *,
        nozzle: int | None = None,
        bed: int | None = None,
        chamber: int | None = None,
    ) -> None:
        """Set target temperatures (°C); 0 turns a heater off, others stay."""
        await self._http.set_temperatures(nozzle=nozzle, bed=bed, chamber=chamber)

    # Camera

    def camera_relay(
        self, url: Callable[[], str | None], start_task: StartTask, *, name: str
    ) -> MjpegRelay:
        """Return a relay sharing the camera stream at ``url()`` among viewers.

        It uses the printer's session, or its own if none was given.
        """
        return MjpegRelay(self._session, url, start_task, name=name)

    async def _known_detail(self) -> PrinterDetail:
        """Return the state last read, reading it if it never was."""
        return self.last_detail or await self.detail()
