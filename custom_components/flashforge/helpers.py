"""Run commands on the printer and turn their failures into errors Home Assistant shows."""

from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, Concatenate

from homeassistant.exceptions import HomeAssistantError

from .api import (
    FlashForgeAuthenticationError,
    FlashForgeBusyError,
    FlashForgeClosedError,
    FlashForgeCommandError,
    FlashForgeConnectionError,
    FlashForgeError,
)
from .const import DOMAIN
from .coordinator import FlashForgeCoordinator

if TYPE_CHECKING:
    # Only a bound, read lazily: entity.py's toggle entity uses this module.
    from .entity import FlashForgeEntity


def command_error(err: FlashForgeError) -> HomeAssistantError:
    """Return the translated error for a command the printer did not carry out."""
    if isinstance(err, FlashForgeBusyError):
        return HomeAssistantError(
            translation_domain=DOMAIN, translation_key="printer_busy"
        )
    if isinstance(err, FlashForgeCommandError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="command_refused",
            translation_placeholders={"message": err.message or str(err.code)},
        )
    if isinstance(err, FlashForgeAuthenticationError):
        return HomeAssistantError(
            translation_domain=DOMAIN, translation_key="invalid_auth"
        )
    if isinstance(err, FlashForgeConnectionError):
        return HomeAssistantError(
            translation_domain=DOMAIN, translation_key="command_cannot_connect"
        )
    if isinstance(err, FlashForgeClosedError):
        return HomeAssistantError(
            translation_domain=DOMAIN, translation_key="entry_unloaded"
        )
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="command_failed",
        translation_placeholders={"error": str(err)},
    )


async def async_run_command[T](
    coordinator: FlashForgeCoordinator,
    command: Awaitable[T],
    error: Callable[[FlashForgeError], HomeAssistantError] = command_error,
) -> T:
    """Run a command, then read the printer; raise a translated error on failure.

    The read shows what the printer did (or that it went away) without
    waiting for the next poll. It is skipped when the failure already tells:
    a printer that did not answer, or refused the check code, would only do
    so again, so the user waits once and is asked for the check code once.
    """
    try:
        result = await command
    except FlashForgeError as err:
        if not coordinator.async_request_failed(err):
            await coordinator.async_refresh()
        raise error(err) from err
    await coordinator.async_refresh()
    return result


def flashforge_exception_handler[EntityT: FlashForgeEntity, **P](
    func: Callable[Concatenate[EntityT, P], Coroutine[Any, Any, None]],
) -> Callable[Concatenate[EntityT, P], Coroutine[Any, Any, None]]:
    """Run an entity's command like async_run_command."""

    async def handler(self: EntityT, /, *args: P.args, **kwargs: P.kwargs) -> None:
        await async_run_command(self.coordinator, func(self, *args, **kwargs))

    return handler
