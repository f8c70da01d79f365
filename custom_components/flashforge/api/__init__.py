"""Async library for FlashForge 3D printers.

An application talks to a ``FlashForgePrinter``; the transports it uses (the
HTTP API in ``http``) stay behind it. Nothing here imports Home Assistant:
the package depends on aiohttp alone.
"""

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
    FlashForgeNotFoundError,
    FlashForgeResponseError,
    FlashForgeTimeoutError,
)
from .fields import parse_version
from .http import DEFAULT_PORT, FlashForgeHttpClient, read_body
from .jobs import TRANSITIONS, JobWatch, PrintEvent, PrintEventType
from .metadata import read_file_tools
from .models import (
    FileTool,
    MaterialMapping,
    MaterialSlot,
    MaterialStation,
    PrinterDetail,
    PrinterFile,
    ProductInfo,
)
from .preview import Preview, image_type
from .printer import FlashForgePrinter
from .status import JobPhase, MachineStatus
from .upload import (
    MAX_FILE_NAME_BYTES,
    ProgressCallback,
    UploadSource,
    validate_file_name,
)

__all__ = [
    "DEFAULT_PORT",
    "ENCLOSED_PIDS",
    "MAX_ANSWER_BYTES",
    "MAX_FILE_NAME_BYTES",
    "MAX_IMAGE_BYTES",
    "MIN_HTTP_FIRMWARE",
    "MODEL_NAMES",
    "TRANSITIONS",
    "FileProblem",
    "FileTool",
    "FlashForgeAuthenticationError",
    "FlashForgeBusyError",
    "FlashForgeClosedError",
    "FlashForgeCommandError",
    "FlashForgeConnectionError",
    "FlashForgeError",
    "FlashForgeFileError",
    "FlashForgeHttpClient",
    "FlashForgeNotFoundError",
    "FlashForgePrinter",
    "FlashForgeResponseError",
    "FlashForgeTimeoutError",
    "JobPhase",
    "JobWatch",
    "MachineStatus",
    "MaterialMapping",
    "MaterialSlot",
    "MaterialStation",
    "Preview",
    "PrinterDetail",
    "PrinterFile",
    "PrintEvent",
    "PrintEventType",
    "ProductInfo",
    "ProgressCallback",
    "UploadSource",
    "image_type",
    "parse_version",
    "read_body",
    "read_file_tools",
    "validate_file_name",
]
