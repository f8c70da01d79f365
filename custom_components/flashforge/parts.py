"""Entities of parts that come and go: the material station's slots, the tools.

A printer reports its slots and tools in its state, and may report others
after a firmware update or once the station is attached: each platform
describes the entities of the parts reported now, and follows the changes.
"""

from collections.abc import Callable, Iterable
from operator import attrgetter
import re

from homeassistant.const import Platform
from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import PrinterDetail
from .coordinator import FlashForgeConfigEntry, FlashForgeCoordinator
from .entity import FlashForgeEntityDescription, async_remove_entities, unique_id


@callback
def async_follow_parts[DescriptionT: FlashForgeEntityDescription](
    entry: FlashForgeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    platform: Platform,
    *,
    keys: re.Pattern[str],
    fields: Iterable[str],
    describe: Callable[[FlashForgeCoordinator], Iterable[DescriptionT]],
    entity: Callable[[FlashForgeCoordinator, DescriptionT], Entity],
) -> None:
    """Add the entities of the parts the printer has, and follow its parts.

    ``describe`` reads only ``fields``, which the coordinator watches; ``keys``
    matches the keys of the platform's part entities, so that those an
    earlier run registered for parts now gone are removed.
    """
    coordinator = entry.runtime_data
    shown: set[str] = set()

    @callback
    def _async_follow() -> None:
        """Add the entities of a part that appeared, remove those of one gone."""
        parts = {description.key: description for description in describe(coordinator)}
        async_remove_entities(coordinator, platform, shown - parts.keys())
        if new := [part for key, part in parts.items() if key not in shown]:
            async_add_entities(entity(coordinator, description) for description in new)
        shown.clear()
        shown.update(parts)

    _async_follow()
    async_remove_entities(
        coordinator, platform, _registered(coordinator, platform, keys) - shown
    )
    entry.async_on_unload(
        coordinator.async_add_listener(_async_follow, frozenset(fields))
    )


def _registered(
    coordinator: FlashForgeCoordinator, platform: Platform, keys: re.Pattern[str]
) -> set[str]:
    """Return the keys of the platform's part entities registered for the printer."""
    prefix = unique_id(coordinator, "")
    registered = er.async_entries_for_config_entry(
        er.async_get(coordinator.hass), coordinator.config_entry.entry_id
    )
    return {
        key
        for reg in registered
        if reg.domain == platform
        and keys.fullmatch(key := reg.unique_id.removeprefix(prefix))
    }


def tool_value(field: str, index: int) -> Callable[[PrinterDetail], float | None]:
    """Return a value_fn: a tool's entry (index from 0) in a per-tool field."""
    read: Callable[[PrinterDetail], tuple[float | None, ...]] = attrgetter(field)
    return lambda detail: values[index] if len(values := read(detail)) > index else None
