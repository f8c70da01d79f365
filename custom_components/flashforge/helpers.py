"""Run commands and reads on the printer, raising the errors Home Assistant shows."""

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any, Concatenate

from .api import FlashForgeError
from .const import LOGGER
from .coordinator import FlashForgeCoordinator
from .errors import Task, translated_error

if TYPE_CHECKING:
    # Only a bound, read lazily: entity.py's toggle entity uses this module.
    from .entity import FlashForgeEntity


async def async_run_command[T](
    coordinator: FlashForgeCoordinator,
    command: Awaitable[T],
    task: Task = Task.COMMAND,
    /,
    **context: str,
) -> T:
    """Run a command, then read the printer; raise a translated error on failure.

    The read shows what the printer did (or that it went away) without
    waiting for the next poll. It is skipped when the failure already tells:
    a printer that did not answer, or refused the check code, would only do
    so again, so the user waits once and is asked for the check code once.
    ``context`` is what the messages may quote (see ``translated_error``).
    """
    try:
        result = await command
    except FlashForgeError as err:
        if not coordinator.async_request_failed(err):
            await coordinator.async_refresh()
        raise translated_error(err, task, **context) from err
    await coordinator.async_refresh()
    return result


async def async_read[T](
    coordinator: FlashForgeCoordinator,
    read: Awaitable[T],
    task: Task = Task.READ,
    /,
    **context: str,
) -> T:
    """Run a read an action needs; raise a translated error on failure.

    A failure that tells the printer's state counts as the poll's result.
    ``task`` picks the messages (a read of a stored file names a missing one).
    """
    try:
        return await read
    except FlashForgeError as err:
        coordinator.async_request_failed(err)
        raise translated_error(err, task, **context) from err


async def async_gather_all[T](jobs: Sequence[Awaitable[T]]) -> list[T]:
    """Run the jobs together (one per printer); once all ended, raise the first failure.

    Waiting for all keeps one printer's failure from abandoning another's
    upload halfway; failures after the first are logged, as only one can be
    raised.
    """
    results = await asyncio.gather(*jobs, return_exceptions=True)
    failures = [result for result in results if isinstance(result, BaseException)]
    for failure in failures[1:]:
        LOGGER.error("A printer also failed: %s", failure)
    if failures:
        raise failures[0]
    return [result for result in results if not isinstance(result, BaseException)]


def flashforge_exception_handler[EntityT: FlashForgeEntity, **P](
    func: Callable[Concatenate[EntityT, P], Coroutine[Any, Any, None]],
) -> Callable[Concatenate[EntityT, P], Coroutine[Any, Any, None]]:
    """Run an entity's command like async_run_command."""

    async def handler(self: EntityT, /, *args: P.args, **kwargs: P.kwargs) -> None:
        await async_run_command(self.coordinator, func(self, *args, **kwargs))

    return handler
