"""Actions that upload, print and list files on FlashForge printers.

Every action takes one or more printers. All input is checked, and every
targeted printer is read and checked, before anything is sent, so a refusal
leaves nothing half-done.

Material mappings (AD5X): on a printer whose material station is in use, the
firmware needs a mapping from each tool of the file to a station slot, even
for a single-colour file. Without ``material_mappings`` the actions map
automatically (``auto``); an empty list prints without the station. On a
printer without a station, ``auto`` and an empty list mean no mapping, and a
list of mappings is refused.
"""

import asyncio
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
import math
import os
from pathlib import Path
from typing import Final

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
from homeassistant.util.json import JsonObjectType
import probatio

from .api import (
    MAX_FILE_NAME_BYTES,
    FileProblem,
    FileTool,
    FlashForgeClosedError,
    FlashForgeConnectionError,
    FlashForgeError,
    FlashForgeFileError,
    FlashForgeNotFoundError,
    FlashForgePrinter,
    MachineStatus,
    MaterialMapping,
    MaterialSlot,
    MaterialStation,
    PrinterDetail,
    PrinterFile,
    UploadSource,
    read_file_tools,
    validate_file_name,
)
from .const import DOMAIN, LOGGER
from .coordinator import FlashForgeConfigEntry, FlashForgeCoordinator
from .helpers import async_run_command, command_error

SERVICE_UPLOAD_FILE: Final = "upload_file"
SERVICE_PRINT_FILE: Final = "print_file"
SERVICE_LIST_FILES: Final = "list_files"

ATTR_FILE_PATH: Final = "file_path"
ATTR_FILE_NAME: Final = "file_name"
ATTR_PRINT_NOW: Final = "print_now"
ATTR_LEVELING_BEFORE_PRINT: Final = "leveling_before_print"
ATTR_MATERIAL_MAPPINGS: Final = "material_mappings"
ATTR_TOOL_ID: Final = "tool_id"
ATTR_SLOT_ID: Final = "slot_id"

AUTO_MAPPING: Final = "auto"

# The file types the printers print; anything else they store but cannot use.
PRINTABLE_EXTENSIONS: Final = (".gcode", ".gx", ".3mf")

# Upload progress is logged each time another tenth of the file has gone out.
PROGRESS_STEPS: Final = 10

# What the user is told when the file at file_path cannot be sent.
_SOURCE_PROBLEM_KEYS: Final = {
    FileProblem.NOT_FOUND: "file_not_found",
    FileProblem.NOT_A_FILE: "not_a_file",
    FileProblem.UNREADABLE: "cannot_read_file",
}

# States in which the printer runs a job, and in which it holds a finished
# one that must be cleared from the bed before the next can start.
_JOB_STATES: Final = frozenset(
    {
        MachineStatus.HEATING,
        MachineStatus.PRINTING,
        MachineStatus.PAUSING,
        MachineStatus.PAUSED,
        MachineStatus.PAUSE,
    }
)
_FINISHED_STATES: Final = frozenset({MachineStatus.COMPLETED, MachineStatus.CANCEL})

_DEVICES = probatio.All(cv.ensure_list, [cv.string], probatio.Length(min=1))
_MAPPING = probatio.Schema(
    {
        probatio.Required(ATTR_TOOL_ID): cv.positive_int,
        probatio.Required(ATTR_SLOT_ID): probatio.All(
            probatio.Coerce(int), probatio.Range(min=1)
        ),
    }
)
_MAPPINGS = probatio.Any(
    probatio.All(cv.string, probatio.Lower, AUTO_MAPPING), [_MAPPING]
)

UPLOAD_FILE_SCHEMA: Final = probatio.Schema(
    {
        probatio.Required(ATTR_DEVICE_ID): _DEVICES,
        probatio.Required(ATTR_FILE_PATH): cv.string,
        probatio.Optional(ATTR_FILE_NAME): cv.string,
        probatio.Optional(ATTR_PRINT_NOW, default=False): cv.boolean,
        probatio.Optional(ATTR_LEVELING_BEFORE_PRINT, default=True): cv.boolean,
        probatio.Optional(ATTR_MATERIAL_MAPPINGS): _MAPPINGS,
    }
)
PRINT_FILE_SCHEMA: Final = probatio.Schema(
    {
        probatio.Required(ATTR_DEVICE_ID): _DEVICES,
        probatio.Required(ATTR_FILE_NAME): cv.string,
        probatio.Optional(ATTR_LEVELING_BEFORE_PRINT, default=True): cv.boolean,
        probatio.Optional(ATTR_MATERIAL_MAPPINGS): _MAPPINGS,
    }
)
LIST_FILES_SCHEMA: Final = probatio.Schema(
    {probatio.Required(ATTR_DEVICE_ID): _DEVICES}
)

# What material_mappings holds after validation: "auto", a list of
# {tool_id, slot_id}, or None when the field was left out.
type MappingRequest = str | list[dict[str, int]] | None


@dataclass(frozen=True, slots=True)
class _Printer:
    """A targeted printer: the device the user picked, its entry and coordinator.

    The coordinator is kept from the start of the call: the entry drops it
    when it is unloaded, while the call may still be under way.
    """

    hass: HomeAssistant
    device_id: str
    entry: FlashForgeConfigEntry
    coordinator: FlashForgeCoordinator

    @property
    def name(self) -> str:
        """Return the printer's name as the user knows it."""
        return self.entry.title

    @property
    def client(self) -> FlashForgePrinter:
        """Return the printer's client."""
        return self.coordinator.printer


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the FlashForge actions; reading the host's files is for administrators."""
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


# Actions


async def _async_upload_file(call: ServiceCall) -> None:
    """Send a file from Home Assistant's host to printers, maybe printing it."""
    hass = call.hass
    printers = _async_printers(call)
    file_path: str = call.data[ATTR_FILE_PATH]
    source = await hass.async_add_executor_job(_checked_source, hass, file_path)
    try:
        await _async_send_source(call, printers, source)
    finally:
        source.close()


async def _async_send_source(
    call: ServiceCall, printers: Sequence[_Printer], source: UploadSource
) -> None:
    """Check the rest of an upload_file call, then send the opened file."""
    hass = call.hass
    file_path: str = call.data[ATTR_FILE_PATH]
    file_name: str = call.data.get(ATTR_FILE_NAME) or Path(file_path).name
    _check_file_name(file_name, source.real_path.suffix)
    print_now: bool = call.data[ATTR_PRINT_NOW]
    request: MappingRequest = call.data.get(ATTR_MATERIAL_MAPPINGS)
    if not print_now and isinstance(request, list) and request:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="mappings_without_print"
        )

    details = await _gather([_async_detail(printer) for printer in printers])
    mappings: list[list[MaterialMapping]] = [[] for _ in printers]
    if print_now:
        for printer, detail in zip(printers, details, strict=True):
            _check_can_print(printer, detail)
        tools: Sequence[FileTool] = ()
        if request != [] and any(_station(detail) for detail in details):
            tools = await hass.async_add_executor_job(read_file_tools, source)
        mappings = [
            _mappings_for(printer, detail, request, tools, file_name)
            for printer, detail in zip(printers, details, strict=True)
        ]

    await _gather(
        [
            _async_upload(
                printer,
                source,
                file_path=file_path,
                file_name=file_name,
                print_now=print_now,
                leveling_before_print=call.data[ATTR_LEVELING_BEFORE_PRINT],
                material_mappings=printer_mappings,
            )
            for printer, printer_mappings in zip(printers, mappings, strict=True)
        ]
    )


async def _async_print_file(call: ServiceCall) -> None:
    """Start printing a file stored on printers."""
    printers = _async_printers(call)
    file_name: str = call.data[ATTR_FILE_NAME]
    _check_file_name(file_name)
    request: MappingRequest = call.data.get(ATTR_MATERIAL_MAPPINGS)

    details = await _gather([_async_detail(printer) for printer in printers])
    for printer, detail in zip(printers, details, strict=True):
        _check_can_print(printer, detail)
    tools = await _gather(
        [
            _async_file_tools(printer, file_name)
            if request != [] and _station(detail)
            else _no_tools()
            for printer, detail in zip(printers, details, strict=True)
        ]
    )
    mappings = [
        _mappings_for(printer, detail, request, printer_tools, file_name)
        for printer, detail, printer_tools in zip(printers, details, tools, strict=True)
    ]

    await _gather(
        [
            _async_start_print(
                printer,
                file_name,
                leveling_before_print=call.data[ATTR_LEVELING_BEFORE_PRINT],
                material_mappings=printer_mappings,
            )
            for printer, printer_mappings in zip(printers, mappings, strict=True)
        ]
    )


async def _async_list_files(call: ServiceCall) -> ServiceResponse:
    """Return each printer's recent files, with their materials where known."""
    printers = _async_printers(call)
    listings = await _gather([_async_recent_files(printer) for printer in printers])
    return {
        printer.device_id: {
            "name": printer.name,
            "files": [_file_as_json(file) for file in files],
        }
        for printer, files in zip(printers, listings, strict=True)
    }


# Targets and their state


@callback
def _async_printers(call: ServiceCall) -> list[_Printer]:
    """Return the loaded printers behind the call's devices, each once."""
    printers: dict[str, _Printer] = {}
    for device_id in call.data[ATTR_DEVICE_ID]:
        entry: FlashForgeConfigEntry
        _, entry = service.async_get_device_and_config_entry(
            call.hass, DOMAIN, device_id, include_child_devices=False
        )
        printers.setdefault(
            entry.entry_id,
            _Printer(call.hass, device_id, entry, entry.runtime_data),
        )
    return list(printers.values())


async def _gather[T](jobs: Sequence[Awaitable[T]]) -> list[T]:
    """Run the jobs together; once all ended, raise the first failure if any.

    Waiting for all keeps one printer's failure from abandoning another's
    upload halfway; failures after the first are logged, as only one can be
    raised.
    """
    results = await asyncio.gather(*jobs, return_exceptions=True)
    failures = [result for result in results if isinstance(result, BaseException)]
    for failure in failures[1:]:
        LOGGER.error("A printer also failed: %s", failure)
    if failures:
        raise failures[0]
    return [result for result in results if not isinstance(result, BaseException)]


async def _no_tools() -> tuple[FileTool, ...]:
    """Return no tools, for a printer that needs none."""
    return ()


async def _async_detail(printer: _Printer) -> PrinterDetail:
    """Read the printer's current state."""
    try:
        return await printer.client.detail()
    except FlashForgeError as err:
        raise _read_failed(printer, err) from err


async def _async_recent_files(printer: _Printer) -> list[PrinterFile]:
    """Read the printer's recent files."""
    try:
        return await printer.client.recent_files()
    except FlashForgeError as err:
        raise _read_failed(printer, err) from err


async def _async_file_tools(printer: _Printer, file_name: str) -> tuple[FileTool, ...]:
    """Return the tools of a file on the printer; empty when it is not listed."""
    files = await _async_recent_files(printer)
    return next((file.tools for file in files if file.name == file_name), ())


def _read_failed(printer: _Printer, err: FlashForgeError) -> HomeAssistantError:
    """Return the error for a printer that could not be read; tell its coordinator."""
    printer.coordinator.async_request_failed(err)
    if isinstance(err, FlashForgeConnectionError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="printer_offline",
            translation_placeholders={"name": printer.name},
        )
    return command_error(err)


def _check_can_print(printer: _Printer, detail: PrinterDetail) -> None:
    """Refuse a printer that cannot start a job now."""
    status = detail.status
    if status is MachineStatus.READY:
        return
    placeholders = {"name": printer.name}
    if status in _JOB_STATES:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="already_printing",
            translation_placeholders=placeholders,
        )
    if status in _FINISHED_STATES:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="platform_not_cleared",
            translation_placeholders=placeholders,
        )
    raise HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="printer_not_ready",
        translation_placeholders={
            **placeholders,
            "status": detail.raw_status or status.value,
        },
    )


# Files


def _checked_source(hass: HomeAssistant, file_path: str) -> UploadSource:
    """Open the file the user wants to send, once; raise if they may not send it.

    The path is resolved (symlinks, ``..``) and checked against the allowlist,
    then opened without following a link or blocking, and the opened file is
    checked where it really lies: a link or FIFO swapped in meanwhile cannot
    lead outside the allowed folders or hang the call. Everything after reads
    this open file, whatever becomes of the path. Relative paths are taken
    from the config folder. Blocking: run in the executor.
    """
    placeholders = {"file_path": file_path}
    try:
        real = Path(os.path.realpath(hass.config.path(file_path)))
    except ValueError as err:
        # A NUL character: no such file can exist.
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="file_not_found",
            translation_placeholders={"file_path": repr(file_path)},
        ) from err
    _check_allowed(hass, real, file_path)
    try:
        source = UploadSource.open(real)
    except FlashForgeFileError as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key=_SOURCE_PROBLEM_KEYS.get(err.problem, "cannot_read_file"),
            translation_placeholders=placeholders,
        ) from err
    try:
        _check_opened(hass, source, file_path)
    except BaseException:
        source.close()
        raise
    return source


def _check_opened(hass: HomeAssistant, source: UploadSource, file_path: str) -> None:
    """Refuse an opened file outside the allowed folders, not printable, or empty."""
    placeholders = {"file_path": file_path}
    _check_allowed(hass, source.real_path, file_path)
    if source.real_path.suffix.lower() not in PRINTABLE_EXTENSIONS:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unsupported_file_type",
            translation_placeholders={
                **placeholders,
                "extensions": ", ".join(PRINTABLE_EXTENSIONS),
            },
        )
    if source.size == 0:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="file_empty",
            translation_placeholders=placeholders,
        )


def _check_allowed(hass: HomeAssistant, real: Path, file_path: str) -> None:
    """Refuse a resolved path outside the folders Home Assistant may read.

    The comparison is by name only: resolving again could follow a link
    swapped in after the file was opened.
    """
    if not any(
        real.is_relative_to(os.path.realpath(folder))
        for folder in hass.config.allowlist_external_dirs
    ):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="path_not_allowed",
            translation_placeholders={"file_path": file_path},
        )


def _check_file_name(file_name: str, extension: str | None = None) -> None:
    """Refuse a name the printer cannot store, or one that changes the file type."""
    try:
        validate_file_name(file_name)
    except FlashForgeFileError as err:
        if err.problem is FileProblem.NAME_TOO_LONG:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="file_name_too_long",
                translation_placeholders={
                    "length": str(len(file_name.encode())),
                    "max_length": str(MAX_FILE_NAME_BYTES),
                },
            ) from err
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_file_name",
            translation_placeholders={"file_name": file_name},
        ) from err
    if extension is not None and Path(file_name).suffix.lower() != extension.lower():
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="file_name_extension",
            translation_placeholders={
                "file_name": file_name,
                "extension": extension.lower(),
            },
        )


def _file_as_json(file: PrinterFile) -> JsonObjectType:
    """Return a file on the printer as response data."""
    return {
        "file_name": file.name,
        "printing_time": file.printing_time,
        "filament_weight": file.total_filament_weight,
        "tools": [
            {
                "tool_id": tool.tool_id,
                "material_name": tool.material_name,
                "material_color": tool.material_color,
                "filament_weight": tool.filament_weight,
            }
            for tool in file.tools
        ],
    }


# Sending


class _UploadProgress:
    """Log how far an upload got, once per tenth of the file."""

    def __init__(self, printer_name: str, file_name: str) -> None:
        """Start at nothing sent."""
        self._printer_name = printer_name
        self._file_name = file_name
        self._logged_steps = 0

    def __call__(self, sent: int, total: int) -> None:
        """Log when another tenth has gone out (a big chunk may cross several)."""
        steps = sent * PROGRESS_STEPS // total if total else PROGRESS_STEPS
        if steps <= self._logged_steps:
            return
        self._logged_steps = steps
        LOGGER.debug(
            "Sending %s to %s: %d%% (%d of %d bytes)",
            self._file_name,
            self._printer_name,
            sent * 100 // total if total else 100,
            sent,
            total,
        )


async def _async_upload(
    printer: _Printer,
    source: UploadSource,
    *,
    file_path: str,
    file_name: str,
    print_now: bool,
    leveling_before_print: bool,
    material_mappings: Sequence[MaterialMapping],
) -> None:
    """Stream the file to one printer, then read the printer's new state."""
    LOGGER.debug("Sending %s to %s as %s", file_path, printer.name, file_name)
    await async_run_command(
        printer.coordinator,
        printer.client.upload(
            source,
            file_name=file_name,
            print_now=print_now,
            leveling_before_print=leveling_before_print,
            material_mappings=material_mappings,
            progress=_UploadProgress(printer.name, file_name),
        ),
        partial(_upload_error, printer, file_path, file_name),
    )
    LOGGER.debug("Sent %s to %s", file_name, printer.name)


def _upload_error(
    printer: _Printer, file_path: str, file_name: str, err: FlashForgeError
) -> HomeAssistantError:
    """Return the error for an upload that did not complete."""
    placeholders = {"file_name": file_name, "name": printer.name}
    if isinstance(err, FlashForgeFileError):
        # The file shrank after it was opened.
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="cannot_read_file",
            translation_placeholders={"file_path": file_path},
        )
    if isinstance(err, FlashForgeClosedError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="upload_stopped",
            translation_placeholders=placeholders,
        )
    if isinstance(err, FlashForgeConnectionError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="upload_failed",
            translation_placeholders=placeholders,
        )
    return command_error(err)


async def _async_start_print(
    printer: _Printer,
    file_name: str,
    *,
    leveling_before_print: bool,
    material_mappings: Sequence[MaterialMapping],
) -> None:
    """Start printing a stored file on one printer, then read its new state."""
    await async_run_command(
        printer.coordinator,
        printer.client.print_file(
            file_name,
            leveling_before_print=leveling_before_print,
            material_mappings=material_mappings,
        ),
        partial(_print_error, printer, file_name),
    )


def _print_error(
    printer: _Printer, file_name: str, err: FlashForgeError
) -> HomeAssistantError:
    """Return the error for a print that did not start."""
    if isinstance(err, FlashForgeNotFoundError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="file_not_on_printer",
            translation_placeholders={"file_name": file_name, "name": printer.name},
        )
    return command_error(err)


# Material mappings (AD5X)


def _station(detail: PrinterDetail) -> MaterialStation | None:
    """Return the material station a print must be mapped to, if there is one."""
    return detail.material_station if detail.has_material_station else None


def _mappings_for(
    printer: _Printer,
    detail: PrinterDetail,
    request: MappingRequest,
    tools: Sequence[FileTool],
    file_name: str,
) -> list[MaterialMapping]:
    """Return the material mappings to send to one printer.

    ``tools`` are the file's tools; empty when the file does not say.
    """
    station = _station(detail)
    if station is None:
        if isinstance(request, list) and request:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="no_material_station",
                translation_placeholders={"name": printer.name},
            )
        return []
    if isinstance(request, list):
        if not request:
            return []
        return _explicit_mappings(printer, station, request, tools, file_name)
    if not tools:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="file_tools_unknown",
            translation_placeholders={"file_name": file_name, "name": printer.name},
        )
    return _auto_mappings(printer, station, tools, file_name)


def _explicit_mappings(
    printer: _Printer,
    station: MaterialStation,
    request: Sequence[Mapping[str, int]],
    tools: Sequence[FileTool],
    file_name: str,
) -> list[MaterialMapping]:
    """Check the user's mappings against the station and the file, and fill them in."""
    slots = {slot.slot_id: slot for slot in station.slots}
    file_tools = {tool.tool_id: tool for tool in tools}
    # Without the file's tools, the firmware's rule stands: tools 0 to n-1.
    expected = set(file_tools) if file_tools else set(range(len(request)))
    mappings: list[MaterialMapping] = []
    for item in sorted(request, key=lambda item: item[ATTR_TOOL_ID]):
        tool_id, slot_id = item[ATTR_TOOL_ID], item[ATTR_SLOT_ID]
        tool_placeholders = {"tool": str(tool_id), "file_name": file_name}
        if any(mapping.tool_id == tool_id for mapping in mappings):
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="duplicate_tool",
                translation_placeholders=tool_placeholders,
            )
        if tool_id not in expected:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="unknown_tool",
                translation_placeholders=tool_placeholders,
            )
        slot_placeholders = {"slot": str(slot_id), "name": printer.name}
        if (slot := slots.get(slot_id)) is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="slot_not_found",
                translation_placeholders=slot_placeholders,
            )
        if not slot.has_filament:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="slot_empty",
                translation_placeholders=slot_placeholders,
            )
        mappings.append(_mapping(tool_id, file_tools.get(tool_id), slot))
    if missing := sorted(expected - {mapping.tool_id for mapping in mappings}):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="tool_not_mapped",
            translation_placeholders={"tool": str(missing[0]), "file_name": file_name},
        )
    return mappings


def _auto_mappings(
    printer: _Printer,
    station: MaterialStation,
    tools: Sequence[FileTool],
    file_name: str,
) -> list[MaterialMapping]:
    """Map each tool to a loaded slot of its material, preferring its colour.

    Among slots of the right material, the exact colour wins (even when
    another tool uses that slot too); otherwise a slot no other tool uses,
    then the nearest colour.
    """
    loaded = [slot for slot in station.slots if slot.has_filament]
    used: set[int] = set()
    mappings: list[MaterialMapping] = []
    for tool in sorted(tools, key=lambda tool: tool.tool_id):
        candidates = [
            slot
            for slot in loaded
            if _same_text(slot.material_name, tool.material_name)
        ]
        if not candidates:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="no_matching_slot",
                translation_placeholders={
                    "tool": str(tool.tool_id),
                    "material": tool.material_name or "?",
                    "color": tool.material_color or "?",
                    "file_name": file_name,
                    "name": printer.name,
                },
            )
        slot = min(
            candidates,
            key=lambda slot: (
                not _same_text(slot.material_color, tool.material_color),
                slot.slot_id in used,
                _color_distance(slot.material_color, tool.material_color),
                slot.slot_id,
            ),
        )
        used.add(slot.slot_id)
        mappings.append(_mapping(tool.tool_id, tool, slot))
    return mappings


def _mapping(
    tool_id: int, tool: FileTool | None, slot: MaterialSlot
) -> MaterialMapping:
    """Return a mapping, naming the file's material and both colours."""
    tool_material = tool.material_name if tool else None
    tool_color = tool.material_color if tool else None
    return MaterialMapping(
        tool_id=tool_id,
        slot_id=slot.slot_id,
        material_name=tool_material or slot.material_name or "",
        tool_material_color=tool_color or slot.material_color or "",
        slot_material_color=slot.material_color or tool_color or "",
    )


def _same_text(first: str | None, second: str | None) -> bool:
    """Return whether two material names or colours are the same, ignoring case."""
    return (
        first is not None
        and second is not None
        and first.strip().casefold() == second.strip().casefold()
    )


def _color_distance(first: str | None, second: str | None) -> float:
    """Return how far apart two #RRGGBB colours are; unreadable ones are farthest."""
    first_rgb, second_rgb = _rgb(first), _rgb(second)
    if first_rgb is None or second_rgb is None:
        return float("inf")
    return math.dist(first_rgb, second_rgb)


def _rgb(color: str | None) -> tuple[int, int, int] | None:
    """Return a #RRGGBB colour's components, None when it is not one."""
    digits = (color or "").strip().removeprefix("#")
    if len(digits) != 6:
        return None
    try:
        value = int(digits, 16)
    except ValueError:
        return None
    return (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF
