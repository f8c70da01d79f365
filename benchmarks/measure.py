"""Measuring tools: CPU time, event-loop lag, memory, state writes."""

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
import statistics
import threading
import time
from typing import Self

from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED
from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    EventStateReportedData,
    HomeAssistant,
    callback,
)
import psutil  # type: ignore[import-untyped]

MS = 1000.0
MB = 1024 * 1024


async def cpu_of(job: Callable[[], Awaitable[object]]) -> float:
    """Return the CPU seconds the whole process spent while the job ran.

    Every thread counts (Home Assistant's executor included); the emulators
    run in another process, so their work does not.
    """
    start = time.process_time()
    await job()
    return time.process_time() - start


def median(values: list[float]) -> float:
    """Return the median, or NaN for no values."""
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], share: float) -> float:
    """Return the value below which `share` of the values lie (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@callback
def _every_event(_data: EventStateReportedData) -> bool:
    return True


class StateWriteCounter:
    """Count ``state_changed`` and ``state_reported`` events on the bus."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Prepare to listen; call start()."""
        self._hass = hass
        self.changed = 0
        self.reported = 0
        self.by_entity: Counter[str] = Counter()
        self._unsubscribe: list[CALLBACK_TYPE] = []

    @property
    def total(self) -> int:
        """Return every state write seen."""
        return self.changed + self.reported

    @callback
    def _on_changed(self, event: Event[EventStateChangedData]) -> None:
        self.changed += 1
        self.by_entity[event.data["entity_id"]] += 1

    @callback
    def _on_reported(self, event: Event[EventStateReportedData]) -> None:
        self.reported += 1
        self.by_entity[event.data["entity_id"]] += 1

    def busiest(self, count: int = 6) -> str:
        """Return the entities written most often, with their write counts."""
        return ", ".join(
            f"{entity_id} {writes}"
            for entity_id, writes in self.by_entity.most_common(count)
        )

    def __enter__(self) -> Self:
        """Start counting."""
        bus = self._hass.bus
        self._unsubscribe = [
            bus.async_listen(EVENT_STATE_CHANGED, self._on_changed),
            # Home Assistant insists on a filter for this event: take them all.
            bus.async_listen(
                EVENT_STATE_REPORTED, self._on_reported, event_filter=_every_event
            ),
        ]
        return self

    def __exit__(self, *_exc: object) -> None:
        """Stop counting."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()


@dataclass
class LoopLagProbe:
    """Sleep 10 ms over and over and record how late each wake-up is."""

    interval: float = 0.01
    lags: list[float] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            start = loop.time()
            await asyncio.sleep(self.interval)
            self.lags.append(loop.time() - start - self.interval)

    def __enter__(self) -> Self:
        """Start probing."""
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *_exc: object) -> None:
        """Stop probing."""
        if self._task is not None:
            self._task.cancel()

    @property
    def worst(self) -> float:
        """Return the largest lag seen, in seconds."""
        return max(self.lags, default=0.0)


class RssSampler:
    """Sample this process's resident memory from a thread every few ms.

    A thread keeps sampling even while the event loop is busy.
    """

    def __init__(self, period: float = 0.005) -> None:
        """Prepare; sampling runs inside `with`."""
        self._process = psutil.Process()
        self._period = period
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.baseline = 0
        self.peak = 0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._process.memory_info().rss)
            self._stop.wait(self._period)

    def __enter__(self) -> Self:
        """Record the baseline and start sampling."""
        self.baseline = self.peak = self._process.memory_info().rss
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        """Stop sampling."""
        self._stop.set()
        self._thread.join()

    @property
    def growth(self) -> int:
        """Return how far the peak rose above the baseline, in bytes."""
        return self.peak - self.baseline
