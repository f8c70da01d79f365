"""Keep each printer's print history in Home Assistant's storage, and hand on its events.

The keeper also works out the current or last job's times, from the history
at start-up and then poll by poll.
"""

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .api import (
    HISTORY_FIELDS,
    JOB_TIME_FIELDS,
    JobTimes,
    PrintHistory,
    TrackedEvent,
    history_as_data,
    history_from_data,
    times_as_data,
    times_from_data,
)
from .const import DOMAIN

if TYPE_CHECKING:
    # The coordinator holds its keeper: it imports this module.
    from .coordinator import FlashForgeConfigEntry, FlashForgeCoordinator

STORAGE_VERSION: Final = 1
# Jobs start and end rarely; a burst of changes (a reconnect) is one write.
SAVE_DELAY: Final = 10  # seconds
# Where the store keeps the job's times beside the history.
TIMES_KEY: Final = "job_times"

type EventListener = Callable[[TrackedEvent], None]


def history_store(hass: HomeAssistant, entry: FlashForgeConfigEntry) -> Store[Any]:
    """Return the store of an entry's print history."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.history.{entry.entry_id}")


class PrintHistoryKeeper:
    """Record a printer's jobs as the coordinator reads it, and save them.

    It follows the printer whether or not the event entity is enabled; the
    entity and the history sensors listen to it. It also works out the
    current or last job's times, which the time sensors read: once per
    update, by whichever asks first, so the order in which the coordinator
    calls them does not matter.
    """

    def __init__(
        self,
        coordinator: FlashForgeCoordinator,
        store: Store[Any],
        history: PrintHistory,
        times: JobTimes | None = None,
    ) -> None:
        """Keep a history and job times read from a store, for a coordinator."""
        self.coordinator = coordinator
        self.history = history
        # The current or last job's times, as kept; a store without them
        # (an older version's) has the history tell them.
        self._times = JobTimes.kept_in(history) if times is None else times
        # The update the times were last worked out for: its detail and time.
        self._timed: tuple[object, object] | None = None
        self._store = store
        self._saved = history.revision
        self._saved_times = self._times
        self._event_listeners: list[EventListener] = []
        self._listeners: list[CALLBACK_TYPE] = []

    @classmethod
    async def async_load(
        cls, hass: HomeAssistant, coordinator: FlashForgeCoordinator
    ) -> PrintHistoryKeeper:
        """Read the history saved for the coordinator's entry; a bad store reads empty."""
        store = history_store(hass, coordinator.config_entry)
        data = await store.async_load()
        times = data.get(TIMES_KEY) if isinstance(data, Mapping) else None
        return cls(coordinator, store, history_from_data(data), times_from_data(times))

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        """Take the printer's state now as the baseline; follow its job from here."""
        self._async_update()
        self.job_times()
        coordinator = self.coordinator
        stops = (
            coordinator.async_add_listener(
                self._async_update, frozenset(HISTORY_FIELDS)
            ),
            coordinator.async_add_listener(
                self._async_follow_times, frozenset(JOB_TIME_FIELDS)
            ),
        )

        @callback
        def stop() -> None:
            for stop_listening in stops:
                stop_listening()

        return stop

    async def async_stop(self) -> None:
        """Write what has not been written yet: the entry unloads."""
        if self.history.revision != self._saved or self._times != self._saved_times:
            await self._store.async_save(self._data())

    @callback
    def async_add_event_listener(self, listener: EventListener) -> CALLBACK_TYPE:
        """Call listener with each event of a job; return how to stop."""
        self._event_listeners.append(listener)
        return lambda: self._event_listeners.remove(listener)

    @callback
    def async_add_listener(self, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call listener when the history changed; return how to stop."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def _async_update(self) -> None:
        """Follow the printer's new state; save and tell what changed."""
        coordinator = self.coordinator
        if not coordinator.last_update_success:
            # What happens while the printer is away is unknown: the first
            # answer after it is a new baseline, not a change to report.
            self.history.forget()
            return
        revision = self.history.revision
        tracked = self.history.see(coordinator.data, dt_util.utcnow())
        if self.history.revision != revision:
            self._store.async_delay_save(self._data, SAVE_DELAY)
            for listener in list(self._listeners):
                listener()
        if tracked is not None:
            for event_listener in list(self._event_listeners):
                event_listener(tracked)

    @callback
    def _async_follow_times(self) -> None:
        """Work the times out also while no time sensor asks, to store them."""
        self.job_times()

    @callback
    def job_times(self) -> JobTimes:
        """Return the current or last job's times, worked out once per update."""
        coordinator = self.coordinator
        # A failed poll leaves the last detail: no news of the job.
        if not coordinator.last_update_success:
            return self._times
        detail, timed = coordinator.data, self._timed
        update = (detail, coordinator.last_update_success_time)
        if timed is not None and timed[0] is detail and timed[1] == update[1]:
            return self._times
        self._timed = update
        last = self._times
        self._times = times = last.next(detail, dt_util.utcnow())
        if (times.started, times.running) != (last.started, last.running):
            # A job started or ended: kept, as the history drops a job
            # whose end nobody saw. A moved estimate waits for the next save.
            self._store.async_delay_save(self._data, SAVE_DELAY)
        return times

    @callback
    def _data(self) -> dict[str, Any]:
        """Return the history and the job's times to write, noting them written."""
        self._saved, self._saved_times = self.history.revision, self._times
        return {**history_as_data(self.history), TIMES_KEY: times_as_data(self._times)}
