"""Turn the library's errors into the translated errors Home Assistant shows: one table."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Final, NamedTuple

from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    HomeAssistantError,
    ServiceValidationError,
)
from homeassistant.helpers.update_coordinator import UpdateFailed

from .api import (
    FlashForgeAuthenticationError,
    FlashForgeBusyError,
    FlashForgeClosedError,
    FlashForgeCommandError,
    FlashForgeConnectionError,
    FlashForgeError,
    FlashForgeInUseError,
    FlashForgeNotFoundError,
    FlashForgeProblemError,
    FlashForgeResponseError,
)
from .const import DOMAIN


class Task(StrEnum):
    """What was under way when the library failed: some failures read differently."""

    POLL = "poll"
    READ = "read"
    COMMAND = "command"
    UPLOAD = "upload"
    PRINT = "print"


def _no_details(err: FlashForgeError) -> dict[str, str]:
    """Return no placeholders: the message needs nothing from the error."""
    return {}


def _error_text(err: FlashForgeError) -> dict[str, str]:
    """Return the error's own text, for messages that quote it."""
    return {"error": str(err)}


def _printer_message(err: FlashForgeError) -> dict[str, str]:
    """Return what the printer said when it refused a command."""
    if not isinstance(err, FlashForgeCommandError):
        return _error_text(err)
    return {"message": err.message or str(err.code)}


class _Message(NamedTuple):
    """A translation key, the values its message quotes, and the error to raise.

    ``quotes`` names the values taken from the caller's context; ``details``
    returns those taken from the error itself.
    """

    key: str
    quotes: tuple[str, ...] = ()
    details: Callable[[FlashForgeError], dict[str, str]] = _no_details
    error: type[HomeAssistantError] = HomeAssistantError


_PRINTER_AND_FILE: Final = ("file_name", "name")

_COMMAND: Final[dict[type[FlashForgeError], _Message]] = {
    FlashForgeBusyError: _Message("printer_busy"),
    FlashForgeInUseError: _Message("printer_in_use"),
    FlashForgeCommandError: _Message("command_refused", details=_printer_message),
    FlashForgeAuthenticationError: _Message("invalid_auth"),
    FlashForgeConnectionError: _Message("command_cannot_connect"),
    FlashForgeClosedError: _Message("entry_unloaded"),
    FlashForgeError: _Message("command_failed", details=_error_text),
}

# The message for each task, by the first of the error's classes listed.
_MESSAGES: Final[dict[Task, dict[type[FlashForgeError], _Message]]] = {
    Task.POLL: {
        FlashForgeAuthenticationError: _Message(
            "invalid_auth", error=ConfigEntryAuthFailed
        ),
        FlashForgeConnectionError: _Message(
            "cannot_connect", ("host",), error=UpdateFailed
        ),
        FlashForgeInUseError: _Message("printer_in_use", error=UpdateFailed),
        FlashForgeResponseError: _Message(
            "invalid_response", details=_error_text, error=UpdateFailed
        ),
        FlashForgeError: _Message(
            "update_failed", details=_error_text, error=UpdateFailed
        ),
    },
    Task.READ: {
        **_COMMAND,
        FlashForgeConnectionError: _Message("printer_offline", ("name",)),
    },
    Task.COMMAND: _COMMAND,
    Task.UPLOAD: {
        **_COMMAND,
        FlashForgeConnectionError: _Message("upload_failed", _PRINTER_AND_FILE),
        FlashForgeClosedError: _Message("upload_stopped", _PRINTER_AND_FILE),
    },
    Task.PRINT: {
        **_COMMAND,
        FlashForgeNotFoundError: _Message("file_not_on_printer", _PRINTER_AND_FILE),
    },
}


# The config flow's form errors: anything else is unexpected, and logged.
_FORM_ERRORS: Final[dict[type[Exception], str]] = {
    FlashForgeAuthenticationError: "invalid_auth",
    # An answer that is not the printer's JSON means no FlashForge API there.
    FlashForgeResponseError: "cannot_connect",
    FlashForgeConnectionError: "cannot_connect",
}


def form_error(err: Exception) -> str | None:
    """Return the config flow's error for a failed read, None if unexpected."""
    return next(
        (_FORM_ERRORS[cls] for cls in type(err).__mro__ if cls in _FORM_ERRORS), None
    )


def translated_error(
    err: FlashForgeError, task: Task = Task.COMMAND, /, **context: str
) -> HomeAssistantError:
    """Return the error Home Assistant shows for a library error.

    ``context`` names what the task was about (the printer's name, the file,
    the host), for the messages that quote it. A refusal the library explains
    itself (a ``FlashForgeProblemError``) brings its own key and values, and
    may quote any of the context.
    """
    if isinstance(err, FlashForgeProblemError):
        error_class = (
            ServiceValidationError if err.invalid_input else HomeAssistantError
        )
        return error_class(
            translation_domain=DOMAIN,
            translation_key=str(err.problem),
            translation_placeholders={**context, **err.placeholders},
        )
    messages = _MESSAGES[task]
    message = next(messages[cls] for cls in type(err).__mro__ if cls in messages)
    return message.error(
        translation_domain=DOMAIN,
        translation_key=message.key,
        translation_placeholders={
            **{name: context[name] for name in message.quotes if name in context},
            **message.details(err),
        },
    )


@contextmanager
def refusals(**context: str) -> Iterator[None]:
    """Raise the library's refusals in the block as Home Assistant's errors."""
    try:
        yield
    except FlashForgeProblemError as err:
        raise translated_error(err, **context) from err
