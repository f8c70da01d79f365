"""How the library's objects that hold connections close, and stop what is in flight."""

from abc import ABC, abstractmethod
import asyncio
from collections.abc import Coroutine
from types import TracebackType
from typing import Any, Self

from .errors import FlashForgeClosedError


class AsyncClosing(ABC):
    """An object used in ``async with``: nothing opens on entry, it closes on exit."""

    async def __aenter__(self) -> Self:
        """Enter the block; connections open on the first request."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close on leaving the block."""
        await self.close()

    @abstractmethod
    async def close(self) -> None:
        """Stop what is in flight and release the connections."""


class Operations:
    """A client's operations in flight: run as tasks that ``stop()`` cancels.

    Once stopped, new operations are refused with ``FlashForgeClosedError``,
    and a caller whose operation was stopped gets that error, not a
    cancellation of its own.
    """

    def __init__(self) -> None:
        """Start open, with nothing in flight."""
        self.closed = False
        self._tasks: set[asyncio.Task[Any]] = set()

    def check_open(self) -> None:
        """Refuse an operation once stopped."""
        if self.closed:
            raise FlashForgeClosedError("The client is closed")

    async def run[T](self, operation: Coroutine[Any, Any, T]) -> T:
        """Run an operation as a task that stop() can end.

        The caller waits for the task, and cancelling the caller cancels it.
        """
        try:
            self.check_open()
        except FlashForgeClosedError:
            operation.close()
            raise
        task = asyncio.get_running_loop().create_task(operation)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        try:
            return await task
        except asyncio.CancelledError:
            caller = asyncio.current_task()
            if (
                task.cancelled()
                and self.closed
                and not (caller and caller.cancelling())
            ):
                # stop() ended the operation; the caller itself goes on.
                raise FlashForgeClosedError(
                    "The client was closed while the operation was under way"
                ) from None
            raise

    async def stop(self) -> None:
        """Refuse new operations, cancel those in flight and wait for their end."""
        self.closed = True
        tasks = [task for task in self._tasks if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)
