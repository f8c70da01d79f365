"""Work out which of the coordinator's listeners an update concerns."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields
from itertools import compress
from operator import attrgetter, ne
from typing import Any, NamedTuple, cast

from homeassistant.core import CALLBACK_TYPE

from .api import PrinterDetail

type DetailChanges = Callable[[PrinterDetail, PrinterDetail], frozenset[str] | None]

# The detail's stored fields; listeners may also read its properties
# (progress_percent), which the client does not tell about.
_STORED = frozenset(field.name for field in fields(PrinterDetail))


def _reader(names: tuple[str, ...]) -> Callable[[object], tuple[Any, ...]]:
    """Return a function reading these attributes into a tuple, one for each."""
    if len(names) > 1:
        # One C call for all of them.
        return attrgetter(*names)
    return lambda detail: tuple(getattr(detail, name) for name in names)


class _ListenerIndex(NamedTuple):
    """The listeners, and which of them each field concerns."""

    callbacks: list[CALLBACK_TYPE]  # in the order they came
    every: list[int]  # positions of those called at every update
    by_field: dict[str, list[int]]  # positions of those reading each field


class FieldDispatch:
    """Tell which fields of the printer's state changed, and whose listeners to call.

    A listener's context is the fields of PrinterDetail it reads, or None to
    hear of every update. While printing, every answer differs but few of
    its fields do: those name the few listeners to call.
    """

    def __init__(self, detail_changes: DetailChanges) -> None:
        """Take how the printer's client tells two successive details apart."""
        self._detail_changes = detail_changes
        # The fields listeners read, and how to read them all at once; the
        # detail's properties among them, which the client does not tell of.
        self._watched: tuple[str, ...] = ()
        self._read = _reader(self._watched)
        self._derived: tuple[str, ...] = ()
        self._read_derived = _reader(self._derived)
        # What the last pass told: availability and the data.
        self._told: tuple[bool, object] | None = None
        self._index: _ListenerIndex | None = None

    def listener_added(self, context: Iterable[str] | None) -> None:
        """Watch the fields a new listener reads."""
        self._index = None
        if context is not None and not set(context) <= set(self._watched):
            # A listener removed later leaves its fields watched: comparing
            # a field too many costs less than keeping count.
            self._watched = tuple(sorted({*self._watched, *context}))
            self._read = _reader(self._watched)
            self._derived = tuple(name for name in self._watched if name not in _STORED)
            self._read_derived = _reader(self._derived)

    def listener_removed(self) -> None:
        """Forget the index of listeners: one is gone."""
        self._index = None

    def changed(self, success: bool, data: object) -> frozenset[str] | None:
        """Return the fields changed since the last pass; None for all of them.

        The printer's client tells which fields of two successive answers
        differ (it read them apart); other pairs are compared field by field.
        """
        told, self._told = self._told, (success, data)
        if told is None or told[0] != success:
            return None
        before = told[1]
        if before is data:
            return frozenset()
        if not isinstance(before, PrinterDetail) or not isinstance(data, PrinterDetail):
            return None
        changed = self._detail_changes(before, data)
        if changed is not None:
            read = self._read_derived
            return changed.union(
                compress(self._derived, map(ne, read(before), read(data), strict=True))
            )
        # Compared in C: a printing poll changes a few of some 40 fields.
        read = self._read
        return frozenset(
            compress(self._watched, map(ne, read(before), read(data), strict=True))
        )

    def to_call(
        self,
        listeners: Mapping[Any, tuple[CALLBACK_TYPE, object]],
        changed: frozenset[str] | None,
    ) -> list[CALLBACK_TYPE]:
        """Return the listeners the changed fields concern, in the order they came."""
        index = self._index_of(listeners)
        if changed is None:
            return index.callbacks
        positions = set(index.every)
        for name in changed:
            positions.update(index.by_field.get(name, ()))
        return [index.callbacks[position] for position in sorted(positions)]

    def _index_of(
        self, listeners: Mapping[Any, tuple[CALLBACK_TYPE, object]]
    ) -> _ListenerIndex:
        """Return the index of the listeners, made once after each change of them."""
        if self._index is None:
            # Contexts are what listeners gave: fields, or None for every update.
            entries = cast(
                "list[tuple[CALLBACK_TYPE, Iterable[str] | None]]",
                list(listeners.values()),
            )
            every: list[int] = []
            by_field: dict[str, list[int]] = {}
            for position, (_, fields) in enumerate(entries):
                if fields is None:
                    every.append(position)
                    continue
                for name in fields:
                    by_field.setdefault(name, []).append(position)
            self._index = _ListenerIndex(
                [update_callback for update_callback, _ in entries], every, by_field
            )
        return self._index
