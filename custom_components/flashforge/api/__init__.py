"""Async client for the HTTP API of FlashForge 3D printers.

Nothing here imports Home Assistant: the package depends on aiohttp alone.
"""

from .client import FlashForgeClient, read_body
from .const import (
    DEFAULT_PORT,
    ENCLOSED_PIDS,
    MAX_ANSWER_BYTES,
    MAX_IMAGE_BYTES,
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
from .metadata import read_file_tools
from .models import (
    FileTool,
    MachineStatus,
    MaterialMapping,
    MaterialSlot,
    MaterialStation,
    PrinterDetail,
    PrinterFile,
    ProductInfo,
    parse_version,
)
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
    "MODEL_NAMES",
    "FileProblem",
    "FileTool",
    "FlashForgeAuthenticationError",
    "FlashForgeBusyError",
    "FlashForgeClient",
    "FlashForgeClosedError",
    "FlashForgeCommandError",
    "FlashForgeConnectionError",
    "FlashForgeError",
    "FlashForgeFileError",
    "FlashForgeNotFoundError",
    "FlashForgeResponseError",
    "FlashForgeTimeoutError",
    "MachineStatus",
    "MaterialMapping",
    "MaterialSlot",
    "MaterialStation",
    "PrinterDetail",
    "PrinterFile",
    "ProductInfo",
    "ProgressCallback",
    "UploadSource",
    "parse_version",
    "read_body",
    "read_file_tools",
    "validate_file_name",
]
