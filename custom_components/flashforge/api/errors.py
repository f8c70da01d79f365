"""Exceptions raised by the FlashForge client.

Every failure the client can meet surfaces as one of these; no aiohttp, JSON
or OS exception leaks out. No message ever contains the check code.
"""

from enum import StrEnum


class FlashForgeError(Exception):
    """Base class of every error the client raises."""


class FlashForgeConnectionError(FlashForgeError):
    """The printer could not be reached, or the connection broke."""


class FlashForgeTimeoutError(FlashForgeConnectionError):
    """The printer did not answer in time."""


class FlashForgeAuthenticationError(FlashForgeError):
    """The printer rejected the serial number or the check code."""


class FlashForgeResponseError(FlashForgeError):
    """The printer answered with something that is not the expected JSON."""


class FlashForgeImageError(FlashForgeResponseError):
    """The printer's preview is an image the client cannot convert."""


class FlashForgeCommandError(FlashForgeError):
    """The printer answered with a non-zero code."""

    def __init__(self, code: int, message: str) -> None:
        """Keep the printer's code and message."""
        super().__init__(f"Printer refused the request: code {code} ({message})")
        self.code = code
        self.message = message


class FlashForgeBusyError(FlashForgeCommandError):
    """The printer is handling another command (code 5)."""


class FlashForgeNotFoundError(FlashForgeCommandError):
    """The printer does not know the requested file (code 4)."""


class FlashForgeInUseError(FlashForgeError):
    """Control is held by another program: the printer takes one at a time."""


class FlashForgeProblemError(FlashForgeError):
    """A request refused before anything was sent, saying why as plain data.

    ``problem`` names what is wrong (its value is a stable identifier, fit to
    look a message up by); ``placeholders`` hold the values the message needs.
    """

    # Whether the caller's input is at fault, rather than the printer's state.
    invalid_input = True

    def __init__(self, message: str, problem: StrEnum, **placeholders: str) -> None:
        """Keep the problem and the values that explain it."""
        super().__init__(message)
        self.problem = problem
        self.placeholders = placeholders


class FileProblem(StrEnum):
    """Why a local file cannot be sent, or a name cannot be stored."""

    NOT_FOUND = "file_not_found"
    NOT_A_FILE = "not_a_file"
    UNREADABLE = "cannot_read_file"
    NOT_ALLOWED = "path_not_allowed"
    UNSUPPORTED_TYPE = "unsupported_file_type"
    EMPTY = "file_empty"
    INVALID_NAME = "invalid_file_name"
    NAME_TOO_LONG = "file_name_too_long"
    EXTENSION_CHANGED = "file_name_extension"


class FlashForgeFileError(FlashForgeProblemError):
    """A local file cannot be sent: a bad name, or unreadable."""

    def __init__(
        self,
        message: str,
        problem: FileProblem = FileProblem.UNREADABLE,
        **placeholders: str,
    ) -> None:
        """Keep what is wrong with the file, for callers that explain it."""
        super().__init__(message, problem, **placeholders)
        self.problem: FileProblem = problem


class GcodeProblem(StrEnum):
    """Why G-code lines cannot be sent."""

    EMPTY = "gcode_empty"
    TOO_MANY_LINES = "gcode_too_many_lines"
    INVALID_LINE = "gcode_invalid_line"
    NOT_ALLOWED = "gcode_not_allowed"


class FlashForgeGcodeError(FlashForgeProblemError):
    """G-code lines refused before anything was sent."""

    def __init__(self, problem: GcodeProblem, **placeholders: str) -> None:
        """Keep the problem and the line or code it is about."""
        super().__init__(f"Cannot send the G-code: {problem}", problem, **placeholders)
        self.problem: GcodeProblem = problem


class MappingProblem(StrEnum):
    """Why a file's tools cannot be mapped to the material station's slots."""

    NO_MATERIAL_STATION = "no_material_station"
    TOOLS_UNKNOWN = "file_tools_unknown"
    DUPLICATE_TOOL = "duplicate_tool"
    UNKNOWN_TOOL = "unknown_tool"
    TOOL_NOT_MAPPED = "tool_not_mapped"
    SLOT_NOT_FOUND = "slot_not_found"
    SLOT_EMPTY = "slot_empty"
    NO_MATCHING_SLOT = "no_matching_slot"


class FlashForgeMappingError(FlashForgeProblemError):
    """Material mappings that do not fit the file or the material station."""

    def __init__(self, problem: MappingProblem, **placeholders: str) -> None:
        """Keep the problem and the tool, slot or material it is about."""
        details = ", ".join(f"{key} {value}" for key, value in placeholders.items())
        super().__init__(
            f"Cannot map the materials: {problem}{f' ({details})' if details else ''}",
            problem,
            **placeholders,
        )
        self.problem: MappingProblem = problem


class JobProblem(StrEnum):
    """Why a printer cannot start a job now."""

    ALREADY_PRINTING = "already_printing"
    NOT_CLEARED = "platform_not_cleared"
    NOT_READY = "printer_not_ready"


class FlashForgeNotReadyError(FlashForgeProblemError):
    """The printer cannot start a job in its current state."""

    invalid_input = False

    def __init__(self, problem: JobProblem, *, status: str) -> None:
        """Keep the problem and the state the printer reported."""
        super().__init__(
            f"The printer cannot start a job: {problem} (state {status})",
            problem,
            status=status,
        )
        self.problem: JobProblem = problem


class StationProblem(StrEnum):
    """Why the material station cannot take a command now, or with these values."""

    BUSY = "station_while_printing"
    SLOT_NOT_FOUND = "station_slot_not_found"
    SLOT_EMPTY = "station_slot_empty"
    NOTHING_LOADED = "station_nothing_loaded"
    UNKNOWN_MATERIAL = "unknown_material"
    INVALID_COLOR = "invalid_color"


class FlashForgeStationError(FlashForgeProblemError):
    """A material station command refused before anything was sent."""

    def __init__(self, problem: StationProblem, **placeholders: str) -> None:
        """Keep the problem and the slot, material or colour it is about."""
        super().__init__(
            f"The material station cannot do this: {problem}", problem, **placeholders
        )
        self.problem: StationProblem = problem
        # A printer at work is no fault of the caller's input.
        self.invalid_input = problem is not StationProblem.BUSY


class ControlProblem(StrEnum):
    """Why a printer cannot take a manual command (a move, a calibration) now."""

    JOB_RUNNING = "control_while_printing"
    WORKING = "control_while_working"
    NO_ERROR = "no_error_to_clear"


class FlashForgeControlError(FlashForgeProblemError):
    """The printer's state refuses a manual command: a job, a calibration, no error."""

    invalid_input = False

    def __init__(self, problem: ControlProblem, *, status: str) -> None:
        """Keep the problem and the state the printer reported."""
        super().__init__(
            f"The printer cannot take the command now: {problem} (state {status})",
            problem,
            status=status,
        )
        self.problem: ControlProblem = problem


class PrinterProblem(StrEnum):
    """Why a printer cannot do what was asked, whatever its state."""

    NOT_SUPPORTED = "not_supported_by_printer"


class FlashForgeNotSupportedError(FlashForgeProblemError):
    """The printer's network APIs do not offer what was asked (TCP-only, no TCP)."""

    def __init__(self, feature: str) -> None:
        """Keep what was asked, for callers that explain it."""
        super().__init__(
            f"The printer does not offer this over its network API: {feature}",
            PrinterProblem.NOT_SUPPORTED,
            feature=feature,
        )
        self.problem: PrinterProblem = PrinterProblem.NOT_SUPPORTED


class FlashForgeClosedError(FlashForgeError):
    """The client was closed: its requests in flight were stopped, new ones refused."""
