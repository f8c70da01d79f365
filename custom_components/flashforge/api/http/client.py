"""Async client for the FlashForge HTTP API (port 8898)."""

import asyncio
import base64
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from functools import partial
import json
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import hdrs

from ..closing import AsyncClosing, Operations
from ..const import DEFAULT_REQUEST_TIMEOUT, MAX_ANSWER_BYTES, MAX_IMAGE_BYTES
from ..errors import (
    FlashForgeAuthenticationError,
    FlashForgeConnectionError,
    FlashForgeError,
    FlashForgeResponseError,
    FlashForgeTimeoutError,
)
from ..models import (
    DetailParser,
    MaterialMapping,
    PrinterDetail,
    PrinterFile,
    ProductInfo,
    mappings_as_json,
    parse_file_list,
)
from ..station import StationAction
from ..upload import ProgressCallback, UploadSource, opened_source
from .answers import answer_image, answer_object, parse_answer, read_body
from .const import DEFAULT_PORT, MAX_THUMBNAIL_ANSWER_BYTES
from .multipart import MultipartFile

# temperatureCtl_cmd's words for a heater switched off and one left as it is.
_HEATER_OFF = -100
_NO_CHANGE = -200
# A request on its way, entered to get the response.
type _Request = AbstractAsyncContextManager[aiohttp.ClientResponse]


def _open_close(on: bool) -> str:
    """Return the firmware's word for on or off."""
    return "open" if on else "close"


def _heater_target(value: int | None) -> int | None:
    """Return a target as the firmware reads it: -100 is "off", a plain 0 undocumented."""
    return _HEATER_OFF if value == 0 else value


def _header_bool(value: bool) -> str:
    """Return a boolean as the lowercase string upload headers carry."""
    return "true" if value else "false"


class FlashForgeHttpClient(AsyncClosing):
    """Talk to one printer over its HTTP API.

    Commands are sent one at a time, because the firmware handles one at a
    time and answers Busy to the rest; reads such as ``detail()`` do not wait
    for commands, so polling goes on during a long upload.
    """

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
        """Store where the printer is and how to authenticate."""
        self.host = host
        self.port = port
        self.serial_number = serial_number
        self._check_code = check_code
        self._session = session
        self._owns_session = False
        self.request_timeout = request_timeout
        self._command_lock = asyncio.Lock()
        self._last_detail: tuple[bytes, PrinterDetail] | None = None
        self._detail_parser = DetailParser()
        # Commands and uploads in flight, which close() stops.
        self._operations = Operations()
        self._bodies: set[MultipartFile] = set()

    def __repr__(self) -> str:
        """Describe the client without its check code."""
        return f"FlashForgeHttpClient({self.host}:{self.port}, {self.serial_number})"

    async def close(self) -> None:
        """Stop the client: end its commands and uploads in flight, refuse new requests.

        Returns once the stopped requests have ended, so nothing of theirs
        reaches the printer afterwards: an upload stopped before its last
        bytes is incomplete, and the printer neither stores nor prints it.
        The session is closed if the client made it; an injected one stays
        open.
        """
        self._operations.closed = True
        for body in self._bodies:
            body.abort()
        await self._operations.stop()
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None
            self._owns_session = False

    # Reads

    async def detail(self) -> PrinterDetail:
        """Return the printer's state and configuration.

        An idle printer gives the same answer poll after poll: it is parsed
        once, and the same detail returned while it repeats. A printing one
        changes a few values a poll: only the fields read from them are read
        again.
        """
        content = await self._post("/detail")
        if self._last_detail is not None and self._last_detail[0] == content:
            return self._last_detail[1]
        data = parse_answer("/detail", content)
        detail = self._detail_parser.parse(answer_object(data, "detail"))
        self._last_detail = (content, detail)
        return detail

    def detail_changes(
        self, before: PrinterDetail, after: PrinterDetail
    ) -> frozenset[str] | None:
        """Return the fields in which two successive details differ; None if not told."""
        return self._detail_parser.changes(before, after)

    async def product(self) -> ProductInfo:
        """Return which features the printer lets a client control."""
        data = await self._request("/product")
        return ProductInfo.from_dict(answer_object(data, "product"))

    async def recent_files(self) -> list[PrinterFile]:
        """Return the most recent files on the printer (up to 10)."""
        return parse_file_list(await self._request("/gcodeList"))

    async def thumbnail(self, file_name: str) -> bytes:
        """Return the preview image of a file on the printer."""
        path = "/gcodeThumb"
        content = await self._post(
            path, {"fileName": file_name}, limit=MAX_THUMBNAIL_ANSWER_BYTES
        )
        return answer_image(path, parse_answer(path, content))

    async def fetch_image(self, url: str) -> tuple[bytes, str | None]:
        """Return the image at a URL the printer reported, and its declared type.

        The check code is not sent. Like every request, it follows no
        redirect and gets ``request_timeout``; an image bigger than
        ``MAX_IMAGE_BYTES`` is refused.
        """
        return await self._exchange(
            "The preview",
            lambda _: self._get_session().get(url, allow_redirects=False),
            MAX_IMAGE_BYTES,
        )

    # Jobs and files

    async def print_file(
        self,
        file_name: str,
        *,
        leveling_before_print: bool = True,
        flow_calibration: bool = False,
        material_mappings: Sequence[MaterialMapping] = (),
    ) -> None:
        """Start printing a file stored on the printer (firmware >= 3.1.3 form)."""
        await self._command(
            "/printGcode",
            {
                "fileName": file_name,
                "levelingBeforePrint": leveling_before_print,
                "flowCalibration": flow_calibration,
                "useMatlStation": bool(material_mappings),
                "gcodeToolCnt": len(material_mappings),
                "materialMappings": mappings_as_json(material_mappings),
            },
        )

    async def upload(
        self,
        source: Path | UploadSource,
        *,
        file_name: str | None = None,
        print_now: bool = False,
        leveling_before_print: bool = True,
        flow_calibration: bool = False,
        material_mappings: Sequence[MaterialMapping] = (),
        progress: ProgressCallback | None = None,
    ) -> None:
        """Stream a file to the printer, optionally starting the print.

        ``source`` is a path, opened here without following a link, or a
        source the caller opened (and checked) and closes. The file is read in
        chunks, so memory stays flat whatever its size. A printer that stops
        taking data for ``request_timeout`` seconds fails the upload.
        """
        async with opened_source(source) as opened:
            name = (source if isinstance(source, Path) else source.real_path).name
            body = MultipartFile(opened, name if file_name is None else file_name)
            mappings = json.dumps(mappings_as_json(material_mappings)).encode()
            headers = {
                "serialNumber": self.serial_number,
                "checkCode": self._check_code,
                "fileSize": str(body.file_size),
                "printNow": _header_bool(print_now),
                "levelingBeforePrint": _header_bool(leveling_before_print),
                "flowCalibration": _header_bool(flow_calibration),
                "useMatlStation": _header_bool(bool(material_mappings)),
                "gcodeToolCnt": str(len(material_mappings)),
                "materialMappings": base64.b64encode(mappings).decode(),
                "Content-Type": body.content_type,
                "Content-Length": str(body.size),
            }
            send = partial(
                self._send,
                "/uploadGcode",
                upload=body,
                headers=headers,
                progress=progress,
            )
            self._bodies.add(body)
            try:
                answer = await self._operations.run(self._exclusive(send))
            finally:
                self._bodies.discard(body)
            parse_answer("/uploadGcode", answer)

    # Controls (/control)

    async def set_light(self, on: bool) -> None:
        """Turn the light on or off."""
        await self._control("lightControl_cmd", {"status": _open_close(on)})

    async def set_filtration(self, *, internal: bool, external: bool) -> None:
        """Set both filtration fans (the firmware always takes both)."""
        await self._control(
            "circulateCtl_cmd",
            {"internal": _open_close(internal), "external": _open_close(external)},
        )

    async def pause_print(self) -> None:
        """Pause the running print."""
        await self._job_control("pause")

    async def resume_print(self) -> None:
        """Resume the paused print."""
        await self._job_control("continue")

    async def cancel_print(self) -> None:
        """Cancel the current print."""
        await self._job_control("cancel")

    async def set_camera_stream(self, on: bool) -> None:
        """Start or stop the camera stream."""
        await self._control("streamCtrl_cmd", {"action": _open_close(on)})

    async def clear_platform(self) -> None:
        """Acknowledge a finished or cancelled print so the printer is ready."""
        await self._control("stateCtrl_cmd", {"action": "setClearPlatform"})

    async def home(self) -> None:
        """Home the axes (``homingCtrl_cmd``, AD5X)."""
        await self._control("homingCtrl_cmd", {})

    async def move_axis(self, axis: str, delta: float) -> None:
        """Move the head along one axis ("x", "y" or "z") by delta mm (AD5X)."""
        await self._control("moveCtrl_cmd", {"axis": axis, "delta": delta})

    async def extrude(self, delta: float) -> None:
        """Push filament by delta mm, pulling it back when negative (AD5X)."""
        await self._control("extrudeCtrl_cmd", {"axis": "e", "delta": delta})

    async def calibrate(self, *, leveling: bool, vibration_compensation: bool) -> None:
        """Run the calibration: bed leveling, vibration compensation, or both."""
        await self._control(
            "calibration_cmd",
            {
                "levelingDetection": _open_close(leveling),
                "vibrationCompensation": _open_close(vibration_compensation),
            },
        )

    async def clear_error(self, error_code: str) -> None:
        """Clear the current error, named by its code (AD5X)."""
        await self._control(
            "errorCodeCtrl_cmd", {"action": "clearErrorCode", "errorCode": error_code}
        )

    async def set_printer_controls(
        self,
        *,
        speed: int | None = None,
        z_offset: float | None = None,
        chamber_fan: int | None = None,
        cooling_fan: int | None = None,
        cooling_left_fan: int | None = None,
    ) -> None:
        """Change speed (%), z offset (mm) or fan speeds (%).

        Only the values given are sent: the firmware keeps omitted ones, while
        sending a default would overwrite the user's setting.
        """
        args = {
            "speed": speed,
            "zAxisCompensation": z_offset,
            "chamberFan": chamber_fan,
            "coolingFan": cooling_fan,
            "coolingLeftFan": cooling_left_fan,
        }
        await self._control("printerCtl_cmd", self._given(args))

    async def set_temperatures(
        self,
        *,
        nozzle: int | None = None,
        left_nozzle: int | None = None,
        bed: int | None = None,
        chamber: int | None = None,
        tools: Sequence[int | None] = (),
    ) -> None:
        """Set target temperatures (°C); 0 turns a heater off.

        Only the values given are sent, like ``set_printer_controls``.
        ``tools`` holds a target for every tool of a printer with one nozzle
        per tool (the Creator 5), None for one that stays: such firmware reads
        only this, and only whole.
        """
        args = {
            "rightNozzle": nozzle,
            "leftNozzle": left_nozzle,
            "platform": bed,
            "chamber": chamber,
        }
        targets: dict[str, object] = {
            key: _heater_target(value) for key, value in args.items()
        }
        if tools:
            targets["nozzles"] = [
                _NO_CHANGE if value is None else _heater_target(value)
                for value in tools
            ]
        await self._control("temperatureCtl_cmd", self._given(targets))

    async def set_auto_shutdown(self, *, enabled: bool, minutes: int) -> None:
        """Set whether the printer powers off after a print, and after how long."""
        await self._control(
            "delayClose_cmd",
            {"automaticShutdown": _open_close(enabled), "shutdownAfterTime": minutes},
        )

    # Plumbing

    @staticmethod
    def _given(args: Mapping[str, object]) -> dict[str, object]:
        """Drop arguments that were not given, refusing an empty command."""
        given = {key: value for key, value in args.items() if value is not None}
        if not given:
            raise ValueError("Give at least one value to change")
        return given

    async def set_slot_material(self, slot: int, material: str, color: str) -> None:
        """Set a material station slot's material and colour (#RRGGBB)."""
        await self._control(
            "msConfig_cmd", {"slot": slot, "mt": material, "rgb": color}
        )

    async def set_independent_material(self, material: str, color: str) -> None:
        """Set the independent feed's material and colour (#RRGGBB)."""
        await self._control("ipdMsConfig_cmd", {"mt": material, "rgb": color})

    async def station_command(self, action: StationAction, slot: int) -> None:
        """Load, unload or stop a material station slot."""
        await self._control("ms_cmd", {"action": int(action), "slot": slot})

    async def independent_command(self, action: StationAction) -> None:
        """Load, unload or stop the independent feed."""
        await self._control("ipdMs_cmd", {"action": int(action)})

    async def _job_control(self, action: str) -> None:
        """Send a job control action."""
        await self._control("jobCtl_cmd", {"jobID": "", "action": action})

    async def _control(self, cmd: str, args: Mapping[str, object]) -> None:
        """Send one ``/control`` command."""
        await self._command("/control", {"payload": {"cmd": cmd, "args": args}})

    async def _command(self, path: str, body: Mapping[str, object]) -> None:
        """Send a command once no other command of this client is under way."""
        await self._operations.run(self._exclusive(partial(self._request, path, body)))

    async def _exclusive[T](self, request: Callable[[], Awaitable[T]]) -> T:
        """Run a request once no other command of this client is under way."""
        async with self._command_lock:
            return await request()

    async def _request(
        self, path: str, body: Mapping[str, object] | None = None
    ) -> dict[str, Any]:
        """POST an authenticated JSON request and return its checked answer."""
        return parse_answer(path, await self._post(path, body))

    async def _post(
        self,
        path: str,
        body: Mapping[str, object] | None = None,
        *,
        limit: int = MAX_ANSWER_BYTES,
    ) -> bytes:
        """POST an authenticated JSON request and return the answer's bytes."""
        payload = {
            "serialNumber": self.serial_number,
            "checkCode": self._check_code,
            **(body or {}),
        }
        return await self._send(path, json_body=payload, limit=limit)

    async def _send(
        self,
        path: str,
        *,
        json_body: Mapping[str, object] | None = None,
        upload: MultipartFile | None = None,
        headers: Mapping[str, str] | None = None,
        progress: ProgressCallback | None = None,
        limit: int = MAX_ANSWER_BYTES,
    ) -> bytes:
        """POST to the printer and return the answer's body; map every failure.

        ``_exchange`` turns transport and HTTP errors into the client's own
        (``parse_answer`` does the same for the answer's content). A request gets
        ``request_timeout`` seconds; an upload gets that long per chunk, so a
        large file is not cut off while a stalled printer still is. A redirect
        is never followed (it would carry the check code elsewhere), and an
        answer bigger than ``limit`` bytes is refused.
        """
        url = f"http://{self.host}:{self.port}{path}"

        def open_request(deadline: asyncio.Timeout) -> _Request:
            if upload is None:
                return self._get_session().post(
                    url, json=json_body, allow_redirects=False
                )
            chunks = upload.chunks(self._keep_alive(deadline, progress))
            return self._get_session().post(
                url, data=chunks, headers=headers, expect100=True, allow_redirects=False
            )

        try:
            content, _ = await self._exchange(path, open_request, limit)
        except FlashForgeError:
            if upload is not None and upload.failure is not None:
                # The body stopped itself: say why, not that the request broke.
                raise upload.failure from None
            raise
        return content

    async def _exchange(
        self, what: str, open_request: Callable[[asyncio.Timeout], _Request], limit: int
    ) -> tuple[bytes, str | None]:
        """Make a request; return the answer's body and declared content type.

        This is where every transport and HTTP failure becomes the client's
        own error; only a 200 answer's body is read, up to ``limit`` bytes.
        """
        failure: FlashForgeError
        try:
            async with asyncio.timeout(self.request_timeout) as deadline:
                async with open_request(deadline) as response:
                    status = response.status
                    content_type = (
                        response.content_type
                        if hdrs.CONTENT_TYPE in response.headers
                        else None
                    )
                    content = (
                        await read_body(response, limit, what) if status == 200 else b""
                    )
        except TimeoutError:
            failure = FlashForgeTimeoutError(
                f"Timeout talking to the printer at {self.host}:{self.port}"
            )
        except (aiohttp.ClientError, OSError) as err:
            failure = FlashForgeConnectionError(
                f"Cannot talk to the printer at {self.host}:{self.port}: {type(err).__name__}"
            )
        except ValueError:
            # aiohttp refuses header values with line breaks; its message would
            # quote them, and the check code travels in a header.
            failure = FlashForgeError(f"{what}: invalid request headers")
        else:
            if status in {401, 403}:
                raise FlashForgeAuthenticationError(f"{what}: HTTP {status}")
            if 300 <= status < 400:
                raise FlashForgeResponseError(
                    f"{what}: HTTP {status}, a redirect, which is not followed"
                )
            if status != 200:
                raise FlashForgeResponseError(f"{what}: HTTP {status}")
            return content, content_type
        # Raised outside the handlers, so that no aiohttp error, with the
        # request and its headers, is chained under the client's error.
        raise failure

    def _keep_alive(
        self, deadline: asyncio.Timeout, progress: ProgressCallback | None
    ) -> ProgressCallback:
        """Return a chunk callback that pushes the deadline and reports progress."""

        def on_chunk(sent: int, total: int) -> None:
            # Each chunk the printer takes shows it is alive.
            deadline.reschedule(
                asyncio.get_running_loop().time() + self.request_timeout
            )
            if progress is not None:
                progress(sent, total)

        return on_chunk

    def _get_session(self) -> aiohttp.ClientSession:
        """Return the injected session, or one of the client's own."""
        self._operations.check_open()
        if self._session is None:
            self._session = aiohttp.ClientSession()
            self._owns_session = True
        return self._session
