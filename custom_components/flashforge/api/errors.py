"""Exceptions raised by the FlashForge client.

Every failure the client can meet surfaces as one of these; no aiohttp, JSON
or OS exception leaks out. No message ever contains the check code.
"""


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


class FlashForgeFileError(FlashForgeError):
    """A local file cannot be sent: a bad name, or unreadable."""
