"""Turn client errors from commands into errors Home Assistant shows."""

from collections.abc import Callable, Coroutine
from typing import Any, Concatenate

from homeassistant.exceptions import HomeAssistantError

from .api import (
    FlashForgeAuthenticationError,
    FlashForgeBusyError,
    FlashForgeCommandError,
    FlashForgeConnectionError,
    FlashForgeError,
)
from .const import DOMAIN
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
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="command_failed",
        translation_placeholders={"error": str(err)},
    )


def flashforge_exception_handler[EntityT: FlashForgeEntity, **P](
    func: Callable[Concatenate[EntityT, P], Coroutine[Any, Any, None]],
) -> Callable[Concatenate[EntityT, P], Coroutine[Any, Any, None]]:
    """Run a command, raise a translated error on failure, then read the printer.

    The refresh runs either way, so the entities show what the printer did
    (or that it went away) without waiting for the next poll.
    """

    async def handler(self: EntityT, /, *args: P.args, **kwargs: P.kwargs) -> None:
        try:
            await func(self, *args, **kwargs)
        except FlashForgeAuthenticationError as err:
            self.coordinator.config_entry.async_start_reauth(self.hass)
            raise command_error(err) from err
        except FlashForgeError as err:
            raise command_error(err) from err
        finally:
            await self.coordinator.async_refresh()

    return handler
