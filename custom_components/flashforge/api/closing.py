"""The ``async with`` protocol of the library's objects that hold connections."""

from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self


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
