"""Actions that upload, print and list files on FlashForge printers.

Every action takes one or more printers. All input is checked (by the
library's checks), and every targeted printer is read and checked, before
anything is sent, so a refusal leaves nothing half-done. The other actions
have modules of their own: tcp_services (G-code), manual_services (moves,
extrusion, calibration), station_services and history_services.
"""

import base64
from collections.abc import Awaitable, Callable, Sequence
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
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, service
from homeassistant.util.json import JsonObjectType
import probatio

from .action_target import DEVICES, ActionTarget, async_targets
from .api import (
    FileTool,
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
from .const import DOMAIN, LOGGER
from .errors import Task, refusals
from .helpers import async_gather_all, async_run_command

SERVICE_UPLOAD_FILE: Final = "upload_file"
SERVICE_PRINT_FILE: Final = "print_file"
SERVICE_LIST_FILES: Final = "list_files"
SERVICE_GET_THUMBNAIL: Final = "get_thumbnail"

ATTR_FILE_PATH: Final = "file_path"
ATTR_FILE_NAME: Final = "file_name"
ATTR_PRINT_NOW: Final = "print_now"
ATTR_LEVELING_BEFORE_PRINT: Final = "leveling_before_print"
ATTR_MATERIAL_MAPPINGS: Final = "material_mappings"
ATTR_TOOL_ID: Final = "tool_id"
ATTR_SLOT_ID: Final = "slot_id"

# The HTTP API's own default, for printers that take the option.
DEFAULT_LEVELING: Final = True
# The options a TCP-only printer lacks: refused when given, not ignored.
HTTP_OPTIONS: Final = (ATTR_LEVELING_BEFORE_PRINT, ATTR_MATERIAL_MAPPINGS)

AUTO_MAPPING: Final = "auto"

_TOOL_KEYS: Final = ("tool_id", "material_name", "material_color", "filament_weight")


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
        probatio.Required(ATTR_DEVICE_ID): DEVICES,
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
        probatio.Required(ATTR_DEVICE_ID): DEVICES,
        probatio.Required(ATTR_FILE_NAME): cv.string,
        probatio.Optional(ATTR_LEVELING_BEFORE_PRINT): cv.boolean,
        probatio.Optional(ATTR_MATERIAL_MAPPINGS): _MAPPINGS,
    }
)
LIST_FILES_SCHEMA: Final = probatio.Schema({probatio.Required(ATTR_DEVICE_ID): DEVICES})
GET_THUMBNAIL_SCHEMA: Final = probatio.Schema(
    {
        probatio.Required(ATTR_DEVICE_ID): DEVICES,
        probatio.Required(ATTR_FILE_NAME): cv.string,
    }
)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions on files; uploading is for administrators only."""
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


async def _async_upload_file(call: ServiceCall) -> None:
    """Send a file from Home Assistant's host to printers, maybe printing it."""
    hass = call.hass
    targets = async_targets(call)
    for target in targets:
        target.check_options(call.data, HTTP_OPTIONS)
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
    targets = async_targets(call)
    file_name: str = call.data[ATTR_FILE_NAME]
    for target in targets:
        target.check_options(call.data, HTTP_OPTIONS)
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
    targets = async_targets(call)
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
    targets = async_targets(call)
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


async def _async_mappings(
    targets: Sequence[ActionTarget],
    details: Sequence[PrinterDetail],
    requested: list[ToolSlot] | None,
    file_name: str,
    read_tools: Callable[[ActionTarget], Awaitable[Sequence[FileTool]]],
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
