"""The clock that drives the simulation.

Time only moves when `PrinterState.update(now)` is called (the server calls it
on every request, `Emulator.advance` and `Emulator.printer` call it too), so
nothing burns CPU between requests and a manual clock steps time
deterministically.
"""

from __future__ import annotations

from collections.abc import Callable
import time


class Clock:
    """A monotonic clock that can also be moved forward by hand."""

    def __init__(self, source: Callable[[], float] = time.monotonic) -> None:
        """Wrap a time source; the offset accumulates manual advances."""
        self._source = source
        self._offset = 0.0

    @classmethod
    def manual(cls, start: float = 0.0) -> Clock:
        """Return a clock that stands still until advance() is called."""
        return cls(lambda: start)

    def now(self) -> float:
        """Return the current time in seconds."""
        return self._source() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        if seconds < 0:
            raise ValueError("time only moves forward")
        self._offset += seconds
