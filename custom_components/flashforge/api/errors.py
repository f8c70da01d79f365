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


class FileProblem(StrEnum):
    """Why a local file cannot be sent."""

    NOT_FOUND = "not_found"
    NOT_A_FILE = "not_a_file"
    UNREADABLE = "unreadable"
    INVALID_NAME = "invalid_name"
    NAME_TOO_LONG = "name_too_long"


class FlashForgeFileError(FlashForgeError):
    """A local file cannot be sent: a bad name, or unreadable."""

    def __init__(
        self, message: str, problem: FileProblem = FileProblem.UNREADABLE
    ) -> None:
        """Keep what is wrong with the file, for callers that explain it."""
        super().__init__(message)
        self.problem = problem


class FlashForgeClosedError(FlashForgeError):
    """The client was closed: its requests in flight were stopped, new ones refused."""
