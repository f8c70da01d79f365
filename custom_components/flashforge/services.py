"""Actions that upload, print and list files on FlashForge printers, and drive them.

Every action takes one or more printers. All input is checked (by the
library's checks), and every targeted printer is read and checked, before
anything is sent, so a refusal leaves nothing half-done. Moving the head and
raw G-code need the printer's TCP API, and an administrator.
"""

import base64
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
import math
from pathlib import Path, PurePosixPath
from typing import Any, Final

from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv, service
from homeassistant.util.json import JsonObjectType, JsonValueType
import probatio

from .api import (
    FileTool,
    FlashForgeGcodeError,
    GcodeProblem,
    MaterialMapping,
    PrinterDetail,
    PrinterFile,
    ProgressLog,
    ToolSlot,
    check_can_print,
    check_file_name,
    image_type,
    material_mappings,
    open_printable,
    read_file_tools,
    station_in_use,
)
from .api.tcp.const import MAX_GCODE_LINE_LENGTH, MAX_GCODE_LINES
from .const import DOMAIN, LOGGER
from .coordinator import FlashForgeConfigEntry, FlashForgeCoordinator
from .errors import Task, refusals
from .helpers import async_gather_all, async_read, async_run_command

SERVICE_UPLOAD_FILE: Final = "upload_file"
SERVICE_PRINT_FILE: Final = "print_file"
SERVICE_LIST_FILES: Final = "list_files"
SERVICE_GET_THUMBNAIL: Final = "get_thumbnail"
SERVICE_MOVE: Final = "move"
SERVICE_SEND_GCODE: Final = "send_gcode"

ATTR_FILE_PATH: Final = "file_path"
ATTR_FILE_NAME: Final = "file_name"
ATTR_PRINT_NOW: Final = "print_now"
ATTR_LEVELING_BEFORE_PRINT: Final = "leveling_before_print"
ATTR_MATERIAL_MAPPINGS: Final = "material_mappings"
ATTR_TOOL_ID: Final = "tool_id"
ATTR_SLOT_ID: Final = "slot_id"
ATTR_X: Final = "x"
ATTR_Y: Final = "y"
ATTR_Z: Final = "z"
ATTR_FEED_RATE: Final = "feed_rate"
ATTR_GCODE: Final = "gcode"
ATTR_WHILE_PRINTING: Final = "while_printing"

# A move crosses the largest build volume (the Adventurer 4's 250 mm height)
# at most; a jog at 50 mm/s by default, 200 mm/s at most.
MAX_MOVE_DISTANCE: Final = 250.0
DEFAULT_FEED_RATE: Final = 3000
MAX_FEED_RATE: Final = 12000
# Enough for the lines the library takes with comments, and no more.
MAX_GCODE_TEXT: Final = 4 * MAX_GCODE_LINES * MAX_GCODE_LINE_LENGTH
# The HTTP API's own default, for printers that take the option.
DEFAULT_LEVELING: Final = True

AUTO_MAPPING: Final = "auto"

_TOOL_KEYS: Final = ("tool_id", "material_name", "material_color", "filament_weight")

_DEVICES = probatio.All(cv.ensure_list, [cv.string], probatio.Length(min=1))


def _finite(value: float) -> float:
    """Refuse NaN, which a range lets through, and infinities."""
    if not math.isfinite(value):
        raise probatio.Invalid("must be a finite number")
    return value


_DISTANCE = probatio.All(
    probatio.Coerce(float),
    _finite,
    probatio.Range(min=-MAX_MOVE_DISTANCE, max=MAX_MOVE_DISTANCE),
)
_GCODE_TEXT = probatio.All(cv.string, probatio.Length(max=MAX_GCODE_TEXT))
# A list item holds one line, maybe with a comment.
_GCODE_ITEM = probatio.All(cv.string, probatio.Length(max=4 * MAX_GCODE_LINE_LENGTH))
# Mappings become what the library takes: None to map automatically, or
# (tool, slot) pairs.
_MAPPING = probatio.All(
    {
        probatio.Required(ATTR_TOOL_ID): cv.positive_int,
        probatio.Required(ATTR_SLOT_ID): probatio.All(
            probatio.Coerce(int), probatio.Range(min=1)
        ),
    },
    lambda item: (item[ATTR_TOOL_ID], item[ATTR_SLOT_ID]),
)
_MAPPINGS = probatio.Any(
    probatio.All(cv.string, probatio.Lower, AUTO_MAPPING, lambda _: None), [_MAPPING]
)

UPLOAD_FILE_SCHEMA: Final = probatio.Schema(
    {
        probatio.Required(ATTR_DEVICE_ID): _DEVICES,
        probatio.Required(ATTR_FILE_PATH): cv.string,
        probatio.Optional(ATTR_FILE_NAME): cv.string,
        probatio.Optional(ATTR_PRINT_NOW, default=False): cv.boolean,
        # No default: a printer without the option refuses it only when given.
        probatio.Optional(ATTR_LEVELING_BEFORE_PRINT): cv.boolean,
        probatio.Optional(ATTR_MATERIAL_MAPPINGS): _MAPPINGS,
    }
)
PRINT_FILE_SCHEMA: Final = probatio.Schema(
    {
        probatio.Required(ATTR_DEVICE_ID): _DEVICES,
        probatio.Required(ATTR_FILE_NAME): cv.string,
        probatio.Optional(ATTR_LEVELING_BEFORE_PRINT): cv.boolean,
        probatio.Optional(ATTR_MATERIAL_MAPPINGS): _MAPPINGS,
    }
)
LIST_FILES_SCHEMA: Final = probatio.Schema(
    {probatio.Required(ATTR_DEVICE_ID): _DEVICES}
)
GET_THUMBNAIL_SCHEMA: Final = probatio.Schema(
    {
        probatio.Required(ATTR_DEVICE_ID): _DEVICES,
        probatio.Required(ATTR_FILE_NAME): cv.string,
    }
)
MOVE_SCHEMA: Final = probatio.Schema(
    {
        probatio.Required(ATTR_DEVICE_ID): _DEVICES,
        probatio.Optional(ATTR_X, default=0.0): _DISTANCE,
        probatio.Optional(ATTR_Y, default=0.0): _DISTANCE,
        probatio.Optional(ATTR_Z, default=0.0): _DISTANCE,
        probatio.Optional(ATTR_FEED_RATE, default=DEFAULT_FEED_RATE): probatio.All(
            probatio.Coerce(int), probatio.Range(min=1, max=MAX_FEED_RATE)
        ),
    }
)
SEND_GCODE_SCHEMA: Final = probatio.Schema(
    {
        probatio.Required(ATTR_DEVICE_ID): _DEVICES,
        # One text of lines, or a list of lines (each a single line).
        probatio.Required(ATTR_GCODE): probatio.Any(
            _GCODE_TEXT,
            probatio.All([_GCODE_ITEM], probatio.Length(max=4 * MAX_GCODE_LINES)),
        ),
        probatio.Optional(ATTR_WHILE_PRINTING, default=False): cv.boolean,
    }
)


@dataclass(frozen=True, slots=True)
class _Target:
    """A targeted printer: the device picked, its name and its coordinator.

    The coordinator is kept: the entry drops it when unloaded, maybe mid-call.
    """

    device_id: str
    name: str
    coordinator: FlashForgeCoordinator

    async def async_detail(self) -> PrinterDetail:
        """Read the printer's current state."""
        return await async_read(
            self.coordinator, self.coordinator.printer.detail(), name=self.name
        )

    async def async_recent_files(self) -> list[PrinterFile]:
        """Read the printer's recent files."""
        return await async_read(
            self.coordinator, self.coordinator.printer.recent_files(), name=self.name
        )

    async def async_file_tools(self, file_name: str) -> Sequence[FileTool]:
        """Return the tools of a file on the printer; empty when it is not listed."""
        files = await self.async_recent_files()
        return next((file.tools for file in files if file.name == file_name), ())

    async def async_files(self) -> list[PrinterFile]:
        """Read every file the printer lists; the recent ones with their details.

        Over TCP the list is whole but bare; the HTTP API's recent files carry
        the printing time, weight and tools, so theirs are kept.
        """
        printer = self.coordinator.printer
        if not (printer.has_tcp and printer.has_http):
            return await async_read(self.coordinator, printer.files(), name=self.name)
        files, recent = await async_gather_all(
            [
                async_read(self.coordinator, printer.files(), name=self.name),
                self.async_recent_files(),
            ]
        )
        detailed = {file.name: file for file in recent}
        return [detailed.get(file.name, file) for file in files]

    async def async_thumbnail(self, file_name: str) -> bytes:
        """Read a stored file's thumbnail; a missing file is named, as printing it would."""
        return await async_read(
            self.coordinator,
            self.coordinator.printer.thumbnail(file_name),
            Task.PRINT,
            name=self.name,
            file_name=file_name,
        )

    def check_tcp(self) -> None:
        """Refuse a printer without the TCP API, which moves and G-code need."""
        if not self.coordinator.printer.has_tcp:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="tcp_api_required",
                translation_placeholders={"name": self.name},
            )

    def check_options(self, data: Mapping[str, Any]) -> None:
        """Refuse options a TCP-only printer has not, rather than ignore them."""
        if self.coordinator.printer.has_http:
            return
        for option in (ATTR_LEVELING_BEFORE_PRINT, ATTR_MATERIAL_MAPPINGS):
            if option in data:
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="option_not_supported",
                    translation_placeholders={"name": self.name, "option": option},
                )

    def check_stored_name(self, file_name: str) -> None:
        """Refuse a name no stored file can have on the printer.

        A TCP-only printer names its files by path, as list_files gives
        them: the path's last part is the name.
        """
        if not self.coordinator.printer.has_http:
            file_name = PurePosixPath(file_name).name
        with refusals(name=self.name, file_name=file_name):
            check_file_name(file_name)

    async def async_check_idle(self, key: str) -> None:
        """Refuse a printer with a job running or paused."""
        detail = await self.async_detail()
        if detail.status.job_loaded:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key=key,
                translation_placeholders={"name": self.name},
            )


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the FlashForge actions; some are for administrators only."""
    service.async_register_admin_service(
        hass, DOMAIN, SERVICE_UPLOAD_FILE, _async_upload_file, UPLOAD_FILE_SCHEMA
    )
    hass.services.async_register(
        DOMAIN, SERVICE_PRINT_FILE, _async_print_file, schema=PRINT_FILE_SCHEMA
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_LIST_FILES,
        _async_list_files,
        schema=LIST_FILES_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_THUMBNAIL,
        _async_get_thumbnail,
        schema=GET_THUMBNAIL_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    # Moving the head and raw G-code can damage a printer: administrators only.
    service.async_register_admin_service(
        hass, DOMAIN, SERVICE_MOVE, _async_move, MOVE_SCHEMA
    )
    service.async_register_admin_service(
        hass,
        DOMAIN,
        SERVICE_SEND_GCODE,
        _async_send_gcode,
        SEND_GCODE_SCHEMA,
        SupportsResponse.OPTIONAL,
    )


async def _async_upload_file(call: ServiceCall) -> None:
    """Send a file from Home Assistant's host to printers, maybe printing it."""
    hass = call.hass
    targets = _async_targets(call)
    for target in targets:
        target.check_options(call.data)
    file_path: str = call.data[ATTR_FILE_PATH]
    with refusals(file_path=file_path):
        source = await hass.async_add_executor_job(
            open_printable,
            hass.config.path(file_path),
            hass.config.allowlist_external_dirs,
        )
    with source:
        file_name: str = call.data.get(ATTR_FILE_NAME) or Path(file_path).name
        with refusals(file_name=file_name):
            check_file_name(file_name, source.real_path.suffix)
        print_now: bool = call.data[ATTR_PRINT_NOW]
        requested: list[ToolSlot] | None = call.data.get(ATTR_MATERIAL_MAPPINGS)
        if not print_now and requested:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="mappings_without_print"
            )

        details = await async_gather_all([target.async_detail() for target in targets])
        mappings: list[list[MaterialMapping]] = [[] for _ in targets]
        if print_now:
            mappings = await _async_mappings(
                targets,
                details,
                requested,
                file_name,
                lambda _: hass.async_add_executor_job(read_file_tools, source),
            )

        await async_gather_all(
            [
                async_run_command(
                    target.coordinator,
                    target.coordinator.printer.upload(
                        source,
                        file_name=file_name,
                        print_now=print_now,
                        leveling_before_print=call.data.get(
                            ATTR_LEVELING_BEFORE_PRINT, DEFAULT_LEVELING
                        ),
                        material_mappings=target_mappings,
                        progress=ProgressLog(
                            LOGGER, "Sending %s to %s", file_name, target.name
                        ),
                    ),
                    Task.UPLOAD,
                    name=target.name,
                    file_name=file_name,
                    file_path=file_path,
                )
                for target, target_mappings in zip(targets, mappings, strict=True)
            ]
        )


async def _async_print_file(call: ServiceCall) -> None:
    """Start printing a file stored on printers."""
    targets = _async_targets(call)
    file_name: str = call.data[ATTR_FILE_NAME]
    for target in targets:
        target.check_options(call.data)
        target.check_stored_name(file_name)

    details = await async_gather_all([target.async_detail() for target in targets])
    mappings = await _async_mappings(
        targets,
        details,
        call.data.get(ATTR_MATERIAL_MAPPINGS),
        file_name,
        lambda target: target.async_file_tools(file_name),
    )

    await async_gather_all(
        [
            async_run_command(
                target.coordinator,
                target.coordinator.printer.print_file(
                    file_name,
                    leveling_before_print=call.data.get(
                        ATTR_LEVELING_BEFORE_PRINT, DEFAULT_LEVELING
                    ),
                    material_mappings=target_mappings,
                ),
                Task.PRINT,
                name=target.name,
                file_name=file_name,
            )
            for target, target_mappings in zip(targets, mappings, strict=True)
        ]
    )


async def _async_list_files(call: ServiceCall) -> ServiceResponse:
    """Return each printer's files (all over TCP, else the recent), with details where known."""
    targets = _async_targets(call)
    listings = await async_gather_all([target.async_files() for target in targets])
    return {
        target.device_id: {
            "name": target.name,
            "files": [_file_as_json(file) for file in files],
        }
        for target, files in zip(targets, listings, strict=True)
    }


async def _async_get_thumbnail(call: ServiceCall) -> ServiceResponse:
    """Return a stored file's thumbnail from each printer, as base64."""
    targets = _async_targets(call)
    file_name: str = call.data[ATTR_FILE_NAME]
    images = await async_gather_all(
        [target.async_thumbnail(file_name) for target in targets]
    )
    return {
        target.device_id: {
            "name": target.name,
            "file_name": file_name,
            "content_type": image_type(image),
            "image": base64.b64encode(image).decode("ascii"),
        }
        for target, image in zip(targets, images, strict=True)
    }


async def _async_move(call: ServiceCall) -> None:
    """Move the head of printers by a distance along each axis, when no job runs."""
    distances = {axis: call.data[axis] for axis in (ATTR_X, ATTR_Y, ATTR_Z)}
    if not any(distances.values()):
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="move_no_distance"
        )
    targets = _async_targets(call)
    for target in targets:
        target.check_tcp()
    await async_gather_all(
        [target.async_check_idle("move_while_printing") for target in targets]
    )
    await async_gather_all(
        [
            async_run_command(
                target.coordinator,
                target.coordinator.printer.move(
                    **distances, feed_rate=call.data[ATTR_FEED_RATE]
                ),
                name=target.name,
            )
            for target in targets
        ]
    )


async def _async_send_gcode(call: ServiceCall) -> ServiceResponse:
    """Send G-code lines to printers; return each line's reply lines."""
    with refusals():
        lines = _gcode_lines(call.data[ATTR_GCODE])
    targets = _async_targets(call)
    for target in targets:
        target.check_tcp()
    if not call.data[ATTR_WHILE_PRINTING]:
        await async_gather_all(
            [target.async_check_idle("gcode_while_printing") for target in targets]
        )
    replies = await async_gather_all(
        [
            async_run_command(
                target.coordinator,
                target.coordinator.printer.send_gcode(lines),
                name=target.name,
            )
            for target in targets
        ]
    )
    return {
        target.device_id: {
            "name": target.name,
            "replies": [
                _reply_as_json(line, reply)
                for line, reply in zip(lines, printer_replies, strict=True)
            ],
        }
        for target, printer_replies in zip(targets, replies, strict=True)
    }


@callback
def _async_targets(call: ServiceCall) -> list[_Target]:
    """Return the loaded printers behind the call's devices, each once."""
    targets: dict[str, _Target] = {}
    for device_id in call.data[ATTR_DEVICE_ID]:
        entry: FlashForgeConfigEntry
        _, entry = service.async_get_device_and_config_entry(
            call.hass, DOMAIN, device_id, include_child_devices=False
        )
        targets.setdefault(
            entry.entry_id, _Target(device_id, entry.title, entry.runtime_data)
        )
    return list(targets.values())


async def _async_mappings(
    targets: Sequence[_Target],
    details: Sequence[PrinterDetail],
    requested: list[ToolSlot] | None,
    file_name: str,
    read_tools: Callable[[_Target], Awaitable[Sequence[FileTool]]],
) -> list[list[MaterialMapping]]:
    """Refuse unless every printer can print now; return each one's material mappings."""
    stations = [station_in_use(detail) for detail in details]
    wanted = [i for i, station in enumerate(stations) if station and requested != []]
    found = await async_gather_all([read_tools(targets[i]) for i in wanted])
    tools = dict(zip(wanted, found, strict=True))
    mappings = []
    for i, (target, station) in enumerate(zip(targets, stations, strict=True)):
        with refusals(name=target.name, file_name=file_name):
            check_can_print(details[i])
            mappings.append(material_mappings(station, requested, tools.get(i, ())))
    return mappings


def _gcode_lines(gcode: str | list[str]) -> list[str]:
    """Return the G-code lines to send: without comments, blank lines or a tilde.

    A text is split into its lines; a list's items are lines already, and
    one holding a line break is refused (by the library, as any control
    character). A tilde starts a command on the wire: in a line it would
    smuggle in another command, so it is refused wherever it stands.
    """
    raw = gcode.split("\n") if isinstance(gcode, str) else gcode
    lines = []
    for line in raw:
        command = line.split(";", 1)[0].strip()
        if not command:
            continue
        if "~" in command:
            raise FlashForgeGcodeError(
                GcodeProblem.INVALID_LINE,
                line=line[:MAX_GCODE_LINE_LENGTH],
                max_length=str(MAX_GCODE_LINE_LENGTH),
            )
        lines.append(command)
    if not lines:
        raise FlashForgeGcodeError(GcodeProblem.EMPTY)
    if len(lines) > MAX_GCODE_LINES:
        raise FlashForgeGcodeError(
            GcodeProblem.TOO_MANY_LINES, max_lines=str(MAX_GCODE_LINES)
        )
    return lines


def _reply_as_json(gcode: str, reply: str) -> JsonObjectType:
    """Return a G-code line and the printer's reply lines as response data."""
    reply_lines: list[JsonValueType] = [*reply.splitlines()]
    return {"gcode": gcode, "reply": reply_lines}


def _file_as_json(file: PrinterFile) -> JsonObjectType:
    """Return a file on the printer as response data."""
    return {
        "file_name": file.name,
        "printing_time": file.printing_time,
        "filament_weight": file.total_filament_weight,
        "tools": [
            {key: getattr(tool, key) for key in _TOOL_KEYS} for tool in file.tools
        ],
    }
