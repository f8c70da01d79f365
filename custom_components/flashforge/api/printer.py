"""One printer as its owner sees it: read it, command it, send it files.

This is what an application talks to. It picks the transport that serves each
request (the HTTP API on port 8898, the legacy TCP API on port 8899), and does
what takes more than one request or knowledge of the printer's state, so that
no caller has to.
"""

from collections.abc import Callable, Mapping, Sequence
import dataclasses
from pathlib import Path

import aiohttp

from .closing import AsyncClosing
from .const import DEFAULT_AUTO_SHUTDOWN_MINUTES, DEFAULT_REQUEST_TIMEOUT, MODEL_NAMES
from .errors import (
    FlashForgeConnectionError,
    FlashForgeError,
    FlashForgeInUseError,
    FlashForgeNotFoundError,
    FlashForgeNotSupportedError,
    FlashForgeResponseError,
)
from .http import DEFAULT_PORT, FlashForgeHttpClient
from .manual import ManualControl
from .models import MaterialMapping, PrinterDetail, PrinterFile, ProductInfo
from .preview import Preview, is_image_type, portable_image, portable_preview
from .relay import MjpegRelay, StartTask
from .station import StationControl
from .tcp import DEFAULT_TCP_PORT, FlashForgeTcpClient, LegacyInfo, legacy_detail
from .upload import ProgressCallback, UploadSource

# The port a legacy printer's camera (mjpg-streamer) serves its stream on.
LEGACY_CAMERA_PORT = 8080
# The fields of PrinterDetail the TCP API reports (legacy_detail leaves the
# others None): a TCP-only printer has no entity reading only the others.
TCP_FIELDS: frozenset[str] = frozenset(
    {
        "name",
        "firmware_version",
        "mac_address",
        "status",
        "raw_status",
        "nozzle_temperature",
        "nozzle_target_temperature",
        "nozzle_temperatures",
        "nozzle_target_temperatures",
        "bed_temperature",
        "bed_target_temperature",
        "print_file_name",
        "print_progress",
        "progress_percent",
        "print_layer",
        "target_print_layer",
        "light_on",
        "camera_stream_url",
    }
)
# Where the 5M family keeps the files its HTTP API names without a folder.
_HTTP_FOLDER = "/data/"
# The Creator 5 family (by product id) has no port 8899.
_NO_TCP_PIDS = frozenset({40, 41})
# How long a printer may take to answer on the TCP port before it counts as
# having none there (a port nothing answers on may drop rather than refuse).
_FIND_TCP_TIMEOUT = 5.0


def tool_targets(targets: Mapping[int, int], detail: PrinterDetail) -> list[int | None]:
    """Return a target for each tool the printer reports, None for one that stays."""
    count = len(detail.nozzle_target_temperatures)
    if count == 0:
        raise FlashForgeNotSupportedError("tool_temperatures")
    if any(not 0 <= index < count for index in targets):
        raise ValueError(f"The printer has tools 0 to {count - 1}")
    return [targets.get(index) for index in range(count)]


class FlashForgePrinter(ManualControl, AsyncClosing):
    """One FlashForge printer on the network, known by its serial number.

    A printer with a check code is read and commanded over HTTP; with a TCP
    port as well, it also gets what only TCP offers (homing, moves, G-code,
    the whole file list). Without a check code it speaks TCP only.
    """

    def __init__(
        self,
        host: str,
        serial_number: str,
        check_code: str | None,
        *,
        port: int = DEFAULT_PORT,
        tcp_port: int | None = None,
        camera_port: int = LEGACY_CAMERA_PORT,
        session: aiohttp.ClientSession | None = None,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
    ) -> None:
        """Describe where the printer is and how to authenticate; nothing is sent yet.

        ``check_code`` None makes a TCP-only printer (on ``tcp_port``, else
        8899); ``camera_port`` is where a TCP-only printer's camera streams.
        """
        self._host = host
        self._serial_number = serial_number
        self._port = port
        self._camera_port = camera_port
        self._request_timeout = request_timeout
        self._http = (
            None
            if check_code is None
            else FlashForgeHttpClient(
                host,
                serial_number,
                check_code,
                port=port,
                session=session,
                request_timeout=request_timeout,
            )
        )
        if check_code is None and tcp_port is None:
            tcp_port = DEFAULT_TCP_PORT
        self._tcp = None if tcp_port is None else self._tcp_client(tcp_port)
        self._session = session
        self.last_detail: PrinterDetail | None = None
        # What M115 told, read once and again after the printer was away.
        self.legacy_info: LegacyInfo | None = None
        # False once /gcodeThumb proved missing and the job's URL served (AD5X).
        self._gcode_thumb = True

    def __repr__(self) -> str:
        """Describe the printer without its check code."""
        return f"FlashForgePrinter({self.host}:{self.port}, {self.serial_number})"

    def _tcp_client(self, port: int) -> FlashForgeTcpClient:
        """Return a TCP client for the printer's legacy API on a port."""
        return FlashForgeTcpClient(
            self._host, port=port, request_timeout=self._request_timeout
        )

    @property
    def host(self) -> str:
        """Return the printer's address."""
        return self._host

    @property
    def port(self) -> int:
        """Return the port of the printer's HTTP API."""
        return self._port

    @property
    def tcp_port(self) -> int | None:
        """Return the port of the printer's TCP API, None if it is not used."""
        return None if self._tcp is None else self._tcp.port

    @property
    def serial_number(self) -> str:
        """Return the printer's serial number (a TCP-only one's may be its MAC)."""
        return self._serial_number

    @property
    def has_http(self) -> bool:
        """Return whether the printer is read and commanded over its HTTP API."""
        return self._http is not None

    @property
    def has_tcp(self) -> bool:
        """Return whether the printer's TCP API is used (alone, or for its extras)."""
        return self._tcp is not None

    @property
    def request_timeout(self) -> float:
        """Return how long one request may take, in seconds."""
        return self._request_timeout

    @request_timeout.setter
    def request_timeout(self, seconds: float) -> None:
        """Change how long one request may take."""
        self._request_timeout = seconds
        if self._http is not None:
            self._http.request_timeout = seconds
        if self._tcp is not None:
            self._tcp.request_timeout = seconds

    @property
    def model(self) -> str | None:
        """Return the printer's model: by its product id, else as M115 names it."""
        if self.last_detail is not None and self.last_detail.pid in MODEL_NAMES:
            return MODEL_NAMES[self.last_detail.pid]
        return None if self.legacy_info is None else self.legacy_info.model

    @property
    def light_colors(self) -> bool:
        """Return whether the light takes a colour (the Adventurer 4's, over TCP)."""
        return (
            self._http is None
            and self.legacy_info is not None
            and self.legacy_info.light_colors
        )

    @property
    def reported_fields(self) -> frozenset[str] | None:
        """Return the detail's fields the printer reports; None for all of them."""
        return None if self._http is not None else TCP_FIELDS

    def firmware_update_suggested(self, detail: PrinterDetail) -> bool:
        """Return whether newer firmware would give the printer the HTTP API.

        A 5M or 5M Pro before 3.1.3 speaks TCP only; an update gives it the
        richer HTTP API. Other TCP printers never get one.
        """
        if detail.firmware_outdated:
            return True
        return (
            self._http is None
            and self.legacy_info is not None
            and self.legacy_info.http_firmware_missing
        )

    async def close(self) -> None:
        """Stop every request in flight and refuse new ones (see the clients)."""
        if self._http is not None:
            await self._http.close()
        if self._tcp is not None:
            await self._tcp.close()

    async def find_tcp(self, port: int = DEFAULT_TCP_PORT) -> bool:
        """Use the TCP API as well if it answers on port; return whether it does.

        A port whose control another program holds answers too: the extras
        work once that program lets go. The Creator 5 has no TCP API and is
        not asked. Raises only what reading an HTTP printer's state raises.
        """
        if self._tcp is not None:
            return True
        if self._http is not None and (await self._known_detail()).pid in _NO_TCP_PIDS:
            return False
        client = FlashForgeTcpClient(
            self._host,
            port=port,
            request_timeout=min(self._request_timeout, _FIND_TCP_TIMEOUT),
        )
        try:
            info = await client.info()
        except FlashForgeInUseError:
            info = None
        except FlashForgeError:
            await client.close()
            return False
        client.request_timeout = self._request_timeout
        self._tcp = client
        self.legacy_info = info or self.legacy_info
        return True

    def _need_tcp(self, feature: str) -> FlashForgeTcpClient:
        """Return the TCP client, or refuse what only TCP offers."""
        if self._tcp is None:
            raise FlashForgeNotSupportedError(feature)
        return self._tcp

    def _need_http(self, feature: str) -> FlashForgeHttpClient:
        """Return the HTTP client, or refuse what only HTTP offers."""
        if self._http is None:
            raise FlashForgeNotSupportedError(feature)
        return self._http

    # Reads

    async def detail(self) -> PrinterDetail:
        """Return the printer's state, and keep it for commands that need it.

        Over TCP it is one session (M119, M105, M27); M115 is read once more
        on the first read and after the printer was away (a firmware update
        reboots it).
        """
        if self._http is not None:
            self.last_detail = await self._http.detail()
            return self.last_detail
        tcp = self._need_tcp("detail")
        if self.legacy_info is None:
            self.legacy_info = await tcp.info()
        try:
            state = await tcp.state()
        except FlashForgeConnectionError:
            self.legacy_info = None
            raise
        detail = legacy_detail(self.legacy_info, state)
        if self.legacy_info.has_camera:
            # The TCP API does not tell the camera: its model says there is one.
            detail = dataclasses.replace(
                detail,
                camera_stream_url=(
                    f"http://{self._url_host}:{self._camera_port}/?action=stream"
                ),
            )
        self.last_detail = detail
        return detail

    def detail_changes(
        self, before: PrinterDetail, after: PrinterDetail
    ) -> frozenset[str] | None:
        """Return the fields in which two successive details differ; None if not told.

        Told for two details read one after the other over HTTP; other pairs
        are for the caller to compare.
        """
        if self._http is None:
            return None
        return self._http.detail_changes(before, after)

    @property
    def _url_host(self) -> str:
        """Return the host as a URL names it (an IPv6 address in brackets)."""
        return f"[{self._host}]" if ":" in self._host else self._host

    async def product(self) -> ProductInfo:
        """Return which features the printer lets a client control.

        A TCP-only printer reports none: it takes target temperatures for the
        nozzle and bed, and the light.
        """
        if self._http is not None:
            return await self._http.product()
        return ProductInfo(
            nozzle_temperature_control=True,
            bed_temperature_control=True,
            chamber_temperature_control=False,
            light_control=True,
            internal_fan_control=False,
            external_fan_control=False,
            raw={"api": "tcp"},
        )

    async def recent_files(self) -> list[PrinterFile]:
        """Return the most recent files on the printer (up to 10)."""
        if self._http is None:
            return await self.files()
        return await self._http.recent_files()

    async def files(self) -> list[PrinterFile]:
        """Return the files on the printer: all of them over TCP, else the 10 recent.

        An HTTP printer's files are named as its HTTP API names them, so that
        any of them can be printed; a TCP-only printer's by their paths.
        """
        if self._tcp is None:
            return await self._need_http("files").recent_files()
        paths = await self._tcp.files()
        if self._http is None:
            return [PrinterFile(name=path) for path in paths]
        return [PrinterFile(name=path.removeprefix(_HTTP_FOLDER)) for path in paths]

    async def thumbnail(self, file_name: str) -> bytes:
        """Return the preview image the printer keeps for any stored file.

        Over TCP (M662) where the printer speaks it: the HTTP API has
        previews of the recent files only. A BMP comes back as a PNG.
        """
        if self._tcp is None:
            content = await self._need_http("thumbnail").thumbnail(file_name)
            return await portable_image(content)
        if self._http is not None and "/" not in file_name:
            file_name = f"{_HTTP_FOLDER}{file_name}"
        return await portable_image(await self._tcp.thumbnail(file_name))

    async def preview(self, file_name: str, thumb_url: str | None) -> Preview:
        """Return the preview of a file: from /gcodeThumb, else from the job's URL.

        ``thumb_url`` is the URL the printer reports for the current job
        (``PrinterDetail.print_file_thumb_url``). A printer without
        /gcodeThumb (the AD5X) is asked only at the URL once it served there.
        A TCP-only printer is asked with M662. A BMP (the AD5X's) comes
        back as a PNG, which every phone shows.
        Raises a ``FlashForgeError`` when neither gives an image it can show.
        """
        if self._http is None:
            content = await self._need_tcp("preview").thumbnail(file_name)
            return await portable_preview(content)
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
                return await portable_preview(content)
        if thumb_url is None:
            raise FlashForgeResponseError("The printer offers no preview of the file")
        content, content_type = await self._http.fetch_image(thumb_url)
        if content_type is not None and not is_image_type(content_type):
            raise FlashForgeResponseError(
                f"The preview: the answer is no image ({content_type[:64]})"
            )
        if endpoint_missing:
            self._gcode_thumb = False
        return await portable_preview(content, content_type)

    # Jobs and files

    async def print_file(
        self,
        file_name: str,
        *,
        leveling_before_print: bool = True,
        material_mappings: Sequence[MaterialMapping] = (),
    ) -> None:
        """Start printing a file stored on the printer.

        Over TCP the printer levels as it is set to, and has no material
        station to map.
        """
        if self._http is None:
            if material_mappings:
                raise FlashForgeNotSupportedError("material_mappings")
            await self._need_tcp("print_file").print_file(file_name)
            return
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
        if self._http is None:
            if material_mappings:
                raise FlashForgeNotSupportedError("material_mappings")
            await self._need_tcp("upload").upload(
                source, file_name=file_name, print_now=print_now, progress=progress
            )
            return
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
        if self._http is None:
            await self._need_tcp("pause").pause_print()
        else:
            await self._http.pause_print()

    async def resume_print(self) -> None:
        """Resume the paused print."""
        if self._http is None:
            await self._need_tcp("resume").resume_print()
        else:
            await self._http.resume_print()

    async def cancel_print(self) -> None:
        """Cancel the current print."""
        if self._http is None:
            await self._need_tcp("cancel").cancel_print()
        else:
            await self._http.cancel_print()

    async def clear_platform(self) -> None:
        """Acknowledge a finished or cancelled print so the printer is ready."""
        await self._need_http("clear_platform").clear_platform()

    # Controls

    async def set_light(
        self, on: bool, color: tuple[int, int, int] | None = None
    ) -> None:
        """Turn the light on or off, in a colour where the printer takes one."""
        if self._http is None or color is not None:
            await self._need_tcp("light_color").set_light(on, color)
        else:
            await self._http.set_light(on)

    async def set_camera_stream(self, on: bool) -> None:
        """Start or stop the camera stream."""
        await self._need_http("camera_stream").set_camera_stream(on)

    async def set_filtration(
        self, *, internal: bool | None = None, external: bool | None = None
    ) -> None:
        """Turn either filtration fan on or off, keeping the other as it is.

        The firmware always takes both fans; the one not given is sent as the
        printer last reported it.
        """
        http = self._need_http("filtration")
        detail = await self._known_detail()
        await http.set_filtration(
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
        http = self._need_http("auto_shutdown")
        detail = await self._known_detail()
        await http.set_auto_shutdown(
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
        await self._need_http("printer_controls").set_printer_controls(
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
        tools: Mapping[int, int] | None = None,
    ) -> None:
        """Set target temperatures (°C); 0 turns a heater off, others stay.

        ``tools`` sets the nozzles of a printer with one per tool (the Creator
        5), by tool index from 0: such firmware takes no other nozzle target.
        """
        if self._http is None:
            if chamber is not None or tools:
                feature = "tool_temperatures" if tools else "chamber_temperature"
                raise FlashForgeNotSupportedError(feature)
            await self._need_tcp("temperatures").set_temperatures(
                nozzle=nozzle, bed=bed
            )
            return
        await self._http.set_temperatures(
            nozzle=nozzle,
            bed=bed,
            chamber=chamber,
            tools=tool_targets(tools, await self._known_detail()) if tools else (),
        )

    @property
    def station(self) -> StationControl:
        """Return the controls of the material station (the AD5X's; others refuse)."""
        return StationControl(self._http, self.detail)

    # What only the TCP API offers

    async def send_gcode(self, gcode: str | Sequence[str]) -> list[str]:
        """Send G-code in one session (see ``gcode_lines``); return each line's reply."""
        return await self._need_tcp("send_gcode").send_gcode(gcode)

    async def emergency_stop(self) -> None:
        """Halt everything at once (M112)."""
        await self._need_tcp("emergency_stop").emergency_stop()

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
