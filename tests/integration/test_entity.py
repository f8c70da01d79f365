"""Tests for the shared entity behaviour: state writes only for what changed."""

from collections.abc import AsyncIterator, Iterator, Mapping
import contextlib
from typing import Any

from homeassistant.const import (
    EVENT_STATE_CHANGED,
    EVENT_STATE_REPORTED,
    STATE_UNAVAILABLE,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.flashforge.api import FlashForgePrinter
from custom_components.flashforge.coordinator import FlashForgeCoordinator
from custom_components.flashforge.history_sensor import HISTORY_SENSORS
from flashforge_emulator import Emulator

from ..conftest import EmulatorFactory
from .conftest import entry_for

PRINT_SECONDS = 36_000.0


@pytest.fixture
async def emulator(quick_emulator: EmulatorFactory) -> AsyncIterator[Emulator]:
    """Return a 5M Pro on a clock that moves only when a test moves it."""
    async with quick_emulator(
        "5m-pro", heating_seconds=10, print_seconds=PRINT_SECONDS
    ) as emu:
        yield emu


@pytest.fixture
async def coordinator(
    hass: HomeAssistant, emulator: Emulator, client: FlashForgePrinter
) -> AsyncIterator[FlashForgeCoordinator]:
    """Set up every platform for a printer that is printing."""
    entry: MockConfigEntry = entry_for(emulator)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await client.print_file(next(iter(emulator.files)))
    emulator.advance(10 + 645)
    coordinator: FlashForgeCoordinator = entry.runtime_data
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    yield coordinator
    assert await hass.config_entries.async_unload(entry.entry_id)


@contextlib.contextmanager
def written(hass: HomeAssistant) -> Iterator[list[str]]:
    """Collect the entity ids whose state is written, changed or not."""
    entity_ids: list[str] = []

    @callback
    def collect(event: Event) -> None:
        entity_ids.append(event.data["entity_id"])

    @callback
    def every_event(_data: Mapping[str, Any]) -> bool:
        return True

    unsubscribers = [
        hass.bus.async_listen(event_type, collect, event_filter=every_event)
        for event_type in (EVENT_STATE_CHANGED, EVENT_STATE_REPORTED)
    ]
    try:
        yield entity_ids
    finally:
        for unsubscribe in unsubscribers:
            unsubscribe()


def key_of(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's description key, from its unique id."""
    entry = er.async_get(hass).async_get(entity_id)
    assert entry is not None
    return entry.unique_id.split("_", 1)[1]


async def test_a_printer_change_writes_only_the_entities_showing_it(
    hass: HomeAssistant, coordinator: FlashForgeCoordinator, emulator: Emulator
) -> None:
    """Switching the light on the printer rewrites the light and nothing else."""
    emulator.printer.light_on = not emulator.printer.light_on

    with written(hass) as entity_ids:
        await coordinator.async_refresh()

    assert [key_of(hass, entity_id) for entity_id in entity_ids] == ["light"]


async def test_a_poll_changing_nothing_shown_writes_nothing(
    hass: HomeAssistant, coordinator: FlashForgeCoordinator, emulator: Emulator
) -> None:
    """A second of printing changes the answer but nothing an entity shows."""
    previous = coordinator.data
    emulator.advance(1)

    with written(hass) as entity_ids:
        await coordinator.async_refresh()

    assert coordinator.data != previous
    assert entity_ids == []


async def test_durations_are_written_once_a_minute(
    hass: HomeAssistant, coordinator: FlashForgeCoordinator, emulator: Emulator
) -> None:
    """Elapsed and remaining time move in whole minutes, not every second."""
    durations = {"print_duration", "time_remaining"}
    ids = {key: f"sensor.adventurer_5m_pro_{key}" for key in sorted(durations)}
    shown = {key: float(hass.states.get(ids[key]).state) for key in durations}
    assert all(value == int(value) for value in shown.values())  # minutes

    emulator.advance(20)
    with written(hass) as seconds_later:
        await coordinator.async_refresh()
    emulator.advance(60)
    with written(hass) as a_minute_later:
        await coordinator.async_refresh()

    assert durations.isdisjoint(key_of(hass, entity_id) for entity_id in seconds_later)
    assert durations <= {key_of(hass, entity_id) for entity_id in a_minute_later}
    assert (
        float(hass.states.get(ids["print_duration"]).state)
        == shown["print_duration"] + 1
    )
    assert (
        float(hass.states.get(ids["time_remaining"]).state)
        == shown["time_remaining"] - 1
    )


async def test_availability_is_written_for_every_entity(
    hass: HomeAssistant, coordinator: FlashForgeCoordinator, emulator: Emulator
) -> None:
    """Going away and coming back rewrites each entity, whatever it shows.

    The print history is Home Assistant's own: its sensors stay as they were.
    """
    history_ids = {
        f"{coordinator.printer.serial_number}_{description.key}"
        for description in HISTORY_SENSORS
    }
    entries = [
        entry
        for entry in er.async_entries_for_config_entry(
            er.async_get(hass), coordinator.config_entry.entry_id
        )
        if entry.disabled_by is None
    ]
    entity_ids = {entry.entity_id for entry in entries}
    kept = {entry.entity_id for entry in entries if entry.unique_id in history_ids}
    assert len(kept) == len(HISTORY_SENSORS)
    before = {entity_id: hass.states.get(entity_id) for entity_id in entity_ids}

    await emulator.go_offline()
    await coordinator.async_refresh()
    states = [hass.states.get(entity_id) for entity_id in entity_ids - kept]
    assert {state.state for state in states} == {STATE_UNAVAILABLE}
    assert {entity_id: hass.states.get(entity_id) for entity_id in kept} == {
        entity_id: before[entity_id] for entity_id in kept
    }

    await emulator.come_back()
    await coordinator.async_refresh()
    # Each shows what it did before, available or not (a button with
    # nothing to do for an idle printer stays unavailable).
    after = {entity_id: hass.states.get(entity_id) for entity_id in entity_ids}
    assert {
        entity_id: state.state if state else None for entity_id, state in after.items()
    } == {
        entity_id: state.state if state else None for entity_id, state in before.items()
    }
    assert any(state.state == STATE_UNAVAILABLE for state in before.values())


# What earlier versions showed twice, and the control that shows it now.
DUPLICATES: dict[tuple[str, str], tuple[str, str]] = {
    ("sensor", "print_speed"): ("number", "print_speed"),
    ("sensor", "z_offset"): ("number", "z_offset"),
    ("sensor", "cooling_fan_speed"): ("fan", "cooling_fan"),
    ("sensor", "chamber_fan_speed"): ("fan", "chamber_fan"),
    ("sensor", "nozzle_target_temperature"): ("number", "nozzle_target_temperature"),
    ("sensor", "bed_target_temperature"): ("number", "bed_target_temperature"),
    ("sensor", "chamber_target_temperature"): (
        "number",
        "chamber_target_temperature",
    ),
    ("switch", "camera_stream"): ("camera", "camera"),
}


@pytest.mark.parametrize(
    ("model", "twins"),
    [
        (
            "5m-pro",
            set(DUPLICATES.values()) - {("number", "chamber_target_temperature")},
        ),
        # The Creator 5 sets its tools' targets only as a whole.
        (
            "creator5",
            set(DUPLICATES.values()) - {("number", "nozzle_target_temperature")},
        ),
    ],
)
async def test_duplicates_of_controls_leave_the_registry(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    entity_registry: er.EntityRegistry,
    model: str,
    twins: set[tuple[str, str]],
) -> None:
    """A sensor or switch an earlier version made beside its control is removed."""
    async with emulator_factory(model, command_seconds=0) as emulator:
        entry = entry_for(emulator)
        entry.add_to_hass(hass)
        for domain, key in DUPLICATES:
            entity_registry.async_get_or_create(
                domain, "flashforge", f"{emulator.serial}_{key}", config_entry=entry
            )

        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()

        registered = {
            (reg.domain, reg.unique_id.removeprefix(f"{emulator.serial}_"))
            for reg in er.async_entries_for_config_entry(
                entity_registry, entry.entry_id
            )
        }
        assert registered.isdisjoint(DUPLICATES)
        assert twins <= registered
        assert await hass.config_entries.async_unload(entry.entry_id)
