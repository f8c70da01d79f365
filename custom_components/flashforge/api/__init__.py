"""Async library for FlashForge 3D printers.

An application talks to a ``FlashForgePrinter``; the transports it uses (the
HTTP API in ``http``) stay behind it. Nothing here imports Home Assistant:
the package depends on aiohttp alone.
"""

from .checks import (
    PRINTABLE_EXTENSIONS,
    check_can_print,
    check_file_name,
    open_printable,
)
from .const import (
    ENCLOSED_PIDS,
    MAX_ANSWER_BYTES,
    MAX_IMAGE_BYTES,
    MIN_HTTP_FIRMWARE,
    MODEL_NAMES,
)
from .errors import (
    FileProblem,
    FlashForgeAuthenticationError,
    FlashForgeBusyError,
    FlashForgeClosedError,
    FlashForgeCommandError,
    FlashForgeConnectionError,
    FlashForgeError,
    FlashForgeFileError,
    FlashForgeGcodeError,
    FlashForgeInUseError,
    FlashForgeMappingError,
    FlashForgeNotFoundError,
    FlashForgeNotReadyError,
    FlashForgeNotSupportedError,
    FlashForgeProblemError,
    FlashForgeResponseError,
    FlashForgeTimeoutError,
    GcodeProblem,
    JobProblem,
    MappingProblem,
    PrinterProblem,
)
from .fields import parse_version
from .hardware import has_camera
from .history import (
    DEFAULT_LIMIT,
    HISTORY_FIELDS,
    JobRecord,
    JobResult,
    OpenJob,
    PrintHistory,
    TrackedEvent,
)
from .history_data import history_as_data, history_from_data, record_as_data
from .http import DEFAULT_PORT, FlashForgeHttpClient
from .jobs import TRANSITIONS, JobWatch, PrintEvent, PrintEventType
from .mapping import ToolSlot, material_mappings, station_in_use
from .metadata import read_file_tools
from .mjpeg import MjpegError, MjpegParser, boundary_of, encode_part
from .models import (
    DetailParser,
    FileTool,
    MaterialMapping,
    MaterialSlot,
    MaterialStation,
    PrinterDetail,
    PrinterFile,
    ProductInfo,
)
from .preview import Preview, image_type
from .printer import LEGACY_CAMERA_PORT, TCP_FIELDS, FlashForgePrinter
from .probe import PrinterProbe, probe_printer
from .relay import MjpegRelay, MjpegViewer, StartTask
from .status import JobPhase, MachineStatus
from .tcp import (
    DEFAULT_TCP_PORT,
    FlashForgeTcpClient,
    LegacyInfo,
    LegacyState,
    gcode_lines,
    legacy_detail,
)
from .upload import (
    MAX_FILE_NAME_BYTES,
    ProgressCallback,
    ProgressLog,
    UploadSource,
    validate_file_name,
)

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_PORT",
    "DEFAULT_TCP_PORT",
    "ENCLOSED_PIDS",
    "HISTORY_FIELDS",
    "LEGACY_CAMERA_PORT",
    "MAX_ANSWER_BYTES",
    "MAX_FILE_NAME_BYTES",
    "MAX_IMAGE_BYTES",
    "MIN_HTTP_FIRMWARE",
    "MODEL_NAMES",
    "PRINTABLE_EXTENSIONS",
    "TCP_FIELDS",
    "TRANSITIONS",
    "DetailParser",
    "FileProblem",
    "FileTool",
    "FlashForgeAuthenticationError",
    "FlashForgeBusyError",
    "FlashForgeClosedError",
    "FlashForgeCommandError",
    "FlashForgeConnectionError",
    "FlashForgeError",
    "FlashForgeFileError",
    "FlashForgeGcodeError",
    "FlashForgeHttpClient",
    "FlashForgeInUseError",
    "FlashForgeMappingError",
    "FlashForgeNotFoundError",
    "FlashForgeNotReadyError",
    "FlashForgeNotSupportedError",
    "FlashForgePrinter",
    "FlashForgeProblemError",
    "FlashForgeResponseError",
    "FlashForgeTcpClient",
    "FlashForgeTimeoutError",
    "GcodeProblem",
    "JobPhase",
    "JobProblem",
    "JobRecord",
    "JobResult",
    "JobWatch",
    "LegacyInfo",
    "LegacyState",
    "MachineStatus",
    "MappingProblem",
    "MaterialMapping",
    "MaterialSlot",
    "MaterialStation",
    "MjpegError",
    "MjpegParser",
    "MjpegRelay",
    "MjpegViewer",
    "OpenJob",
    "Preview",
    "PrintEvent",
    "PrintEventType",
    "PrintHistory",
    "PrinterDetail",
    "PrinterFile",
    "PrinterProbe",
    "PrinterProblem",
    "ProductInfo",
    "ProgressCallback",
    "ProgressLog",
    "StartTask",
    "ToolSlot",
    "TrackedEvent",
    "UploadSource",
    "boundary_of",
    "check_can_print",
    "check_file_name",
    "encode_part",
    "gcode_lines",
    "has_camera",
    "history_as_data",
    "history_from_data",
    "image_type",
    "legacy_detail",
    "material_mappings",
    "open_printable",
    "parse_version",
    "probe_printer",
    "read_file_tools",
    "record_as_data",
    "station_in_use",
    "validate_file_name",
]
