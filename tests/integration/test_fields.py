"""Tests for the fields entities declare: they read no other, and update when one changes."""

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
import dataclasses
from enum import Enum
from types import ModuleType, NoneType, UnionType
from typing import Any, get_args, get_origin

from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import device_registry as dr, entity_platform
from homeassistant.helpers.update_coordinator import CoordinatorEntity, UpdateFailed
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.flashforge import (
    binary_sensor,
    button,
    camera,
    event,
    fan,
    image,
    light,
    number,
    part_sensors,
    select,
    sensor,
    switch,
)
from custom_components.flashforge.api import (
    FlashForgePrinter,
    MaterialSlot,
    MaterialStation,
    PrinterDetail,
)
from custom_components.flashforge.const import DOMAIN
from custom_components.flashforge.coordinator import FlashForgeCoordinator
from custom_components.flashforge.entity import (
    DEVICE_FIELDS,
    FlashForgeEntityDescription,
    device_info,
)
from flashforge_emulator import PROFILES, Emulator, Status

from ..conftest import EmulatorFactory
from ..recording import Recording
from .conftest import entry_for
from .test_entity import written

PLATFORMS: tuple[ModuleType, ...] = (
    binary_sensor,
    button,
    camera,
    event,
    fan,
    image,
    light,
    number,
    select,
    sensor,
    switch,
)
HEATING_SECONDS = 30.0
PRINT_SECONDS = 3000.0
PAUSING_SECONDS = 2.0

type Entities = dict[str, CoordinatorEntity[FlashForgeCoordinator]]


@pytest.fixture
async def coordinator(
    hass: HomeAssistant,
    quick_emulator: EmulatorFactory,
    entity_registry_enabled_by_default: None,
    request: pytest.FixtureRequest,
) -> AsyncIterator[FlashForgeCoordinator]:
    """Set up every platform, every entity enabled, on a printer of the model."""
    async with quick_emulator(
        request.param, heating_seconds=HEATING_SECONDS, print_seconds=PRINT_SECONDS
    ) as emulator:
        # The Adventurer 3 and 4 speak only TCP: they get the entry the flow makes.
        entry = entry_for(emulator, extras=True)
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        coordinator: FlashForgeCoordinator = entry.runtime_data
        coordinator.emulator = emulator  # type: ignore[attr-defined]
        yield coordinator
        assert await hass.config_entries.async_unload(entry.entry_id)


def emulator_of(coordinator: FlashForgeCoordinator) -> Emulator:
    """Return the emulator the coordinator polls."""
    emulator: Emulator = coordinator.emulator  # type: ignore[attr-defined]
    return emulator


def fewest_entities(coordinator: FlashForgeCoordinator) -> int:
    """Return how many entities the printer has at least: TCP-only ones fewer."""
    return 30 if coordinator.printer.has_http else 15


async def walk_through_a_job(
    hass: HomeAssistant,
    coordinator: FlashForgeCoordinator,
    after_poll: Callable[[], Awaitable[None]] | None = None,
) -> list[PrinterDetail]:
    """Take the printer through a job's states; return the detail of each.

    after_poll runs after each poll, once Home Assistant has seen it.
    """
    emulator = emulator_of(coordinator)
    printer = coordinator.printer
    file_name = next(iter(emulator.files))
    details: list[PrinterDetail] = []

    async def read() -> None:
        await coordinator.async_refresh()
        await hass.async_block_till_done()
        details.append(coordinator.data)
        if after_poll is not None:
            await after_poll()

    async def start() -> None:
        await printer.print_file(file_name)
        emulator.advance(1)  # heating
        await read()
        emulator.advance(HEATING_SECONDS + PRINT_SECONDS / 3)  # printing
        await read()

    await read()  # idle
    await start()
    if not printer.has_http:
        await walk_through_a_tcp_job(emulator, printer, read)
        # The Adventurer 3 reports a finished job as idle.
        assert {detail.status for detail in details} >= {"ready", "printing", "paused"}
        return details
    await printer.pause_print()
    emulator.advance(PAUSING_SECONDS)  # paused
    await read()
    await printer.resume_print()
    emulator.printer.current_slot = 1  # a station feeds the nozzle, where there is one
    emulator.advance(PRINT_SECONDS / 10)
    await read()
    emulator.advance(PRINT_SECONDS)  # completed
    await read()
    await printer.clear_platform()
    await read()
    await start()
    await printer.cancel_print()
    await read()
    await printer.clear_platform()
    await start()
    emulator.printer.set_error("E0011")
    await read()
    assert {detail.status for detail in details} >= {
        "ready",
        "heating",
        "printing",
        "paused",
        "completed",
        "cancel",
        "error",
    }
    return details


async def walk_through_a_tcp_job(
    emulator: Emulator,
    printer: FlashForgePrinter,
    read: Callable[[], Awaitable[None]],
) -> None:
    """Take a TCP-only printer on from printing: its API has fewer states."""
    await printer.pause_print()
    emulator.advance(PAUSING_SECONDS)  # paused
    await read()
    await printer.resume_print()
    emulator.advance(PRINT_SECONDS / 10)
    await read()
    emulator.advance(PRINT_SECONDS)  # completed
    await read()
    # Over TCP a finished job is cleared on the printer's screen.
    emulator.printer.status = Status.READY
    await read()
    await printer.print_file(next(iter(emulator.files)))
    emulator.advance(HEATING_SECONDS + PRINT_SECONDS / 3)
    await read()
    await printer.cancel_print()
    await read()


def entities_of(hass: HomeAssistant, coordinator: FlashForgeCoordinator) -> Entities:
    """Return the printer's entities, by entity id."""
    return {
        entity_id: entity
        for platform in entity_platform.async_get_platforms(hass, DOMAIN)
        if platform.config_entry is coordinator.config_entry
        for entity_id, entity in platform.entities.items()
        if isinstance(entity, CoordinatorEntity)
    }


def descriptions(entities: Entities) -> Iterator[FlashForgeEntityDescription]:
    """Yield the platforms' descriptions and those of the entities made from parts."""
    for platform in PLATFORMS:
        for value in vars(platform).values():
            for item in value if isinstance(value, tuple) else (value,):
                if isinstance(item, FlashForgeEntityDescription):
                    yield item
    for entity in entities.values():
        assert isinstance(entity.entity_description, FlashForgeEntityDescription)
        yield entity.entity_description


def detail_functions(
    description: FlashForgeEntityDescription,
) -> dict[str, Callable[[PrinterDetail], object]]:
    """Return the description's functions of a PrinterDetail, by name."""
    functions = {}
    for field in dataclasses.fields(description):
        if get_origin(field.type) is Callable and get_args(field.type)[0] == [
            PrinterDetail
        ]:
            functions[field.name] = getattr(description, field.name)
    return functions


# What a description may name: the detail's fields and properties.
DETAIL_NAMES = {field.name for field in dataclasses.fields(PrinterDetail)} | {
    name for name, value in vars(PrinterDetail).items() if isinstance(value, property)
}


@pytest.mark.parametrize("coordinator", sorted(PROFILES), indirect=True)
async def test_descriptions_read_only_the_fields_they_declare(
    hass: HomeAssistant, coordinator: FlashForgeCoordinator
) -> None:
    """Every function of every description reads only the fields it names."""
    details = await walk_through_a_job(hass, coordinator)
    undeclared: dict[str, set[str]] = {}
    functions_run = 0

    for description in descriptions(entities_of(hass, coordinator)):
        assert set(description.fields) <= DETAIL_NAMES
        for name, function in detail_functions(description).items():
            reads: set[str] = set()
            for detail in details:
                function(Recording(detail, reads))  # type: ignore[arg-type]
            functions_run += 1
            if extra := reads - set(description.fields):
                undeclared[f"{description.key}.{name}"] = extra

    assert functions_run > fewest_entities(coordinator)
    assert undeclared == {}


@pytest.mark.parametrize("coordinator", sorted(PROFILES), indirect=True)
async def test_entities_read_only_the_fields_they_declare(
    hass: HomeAssistant, coordinator: FlashForgeCoordinator
) -> None:
    """What an entity reads on an update (a job's events, the camera's stream) it declares.

    The details go through each entity's update in the order they came, so
    that the event entity sees the job's changes and names what they read.
    """
    details = await walk_through_a_job(hass, coordinator)
    entities = entities_of(hass, coordinator)
    undeclared: dict[str, set[str]] = {}

    for entity_id, entity in entities.items():
        reads: set[str] = set()
        for detail in details:
            coordinator.data = Recording(detail, reads)  # type: ignore[assignment]
            # The listener the coordinator calls when a declared field changed.
            entity._handle_coordinator_update()
        if extra := reads - entity.coordinator_context:
            undeclared[entity_id] = extra
        coordinator.data = details[-1]

    assert len(entities) > fewest_entities(coordinator)
    assert undeclared == {}


# The listeners that are no entity, what they run, and the fields they declare.
FOLLOWERS: dict[str, tuple[Callable[[FlashForgeCoordinator], object], set[str]]] = {
    "device": (device_info, set(DEVICE_FIELDS)),
    "station": (part_sensors.station_sensors, set(part_sensors.PART_FIELDS)),
    "tools": (part_sensors.tool_sensors, set(part_sensors.PART_FIELDS)),
    "slot selects": (select.slot_selects, set(select.STATION_FIELDS)),
    "station buttons": (button.station_buttons, set(button.STATION_FIELDS)),
}


@pytest.mark.parametrize("coordinator", sorted(PROFILES), indirect=True)
async def test_followers_read_only_the_fields_they_declare(
    hass: HomeAssistant, coordinator: FlashForgeCoordinator
) -> None:
    """The device and the parts (station, tools) follow only the fields they name."""
    details = await walk_through_a_job(hass, coordinator)
    undeclared: dict[str, set[str]] = {}

    for name, (follow, fields) in FOLLOWERS.items():
        reads: set[str] = set()
        for detail in details:
            coordinator.data = Recording(detail, reads)  # type: ignore[assignment]
            follow(coordinator)
        if extra := reads - fields:
            undeclared[name] = extra
    coordinator.data = details[-1]

    assert undeclared == {}


# Another value for a field of each plain type.
OTHER_VALUES: dict[type, Callable[[Any], Any]] = {
    bool: lambda value: not value,
    int: lambda value: (value or 0) + 1,
    float: lambda value: (value or 0) + 1,
    str: lambda value: f"{value or ''}x",
}


def other_value(value: Any, kind: Any) -> Any:
    """Return a value of the field's type that differs from the value."""
    if isinstance(kind, UnionType):
        (kind,) = (member for member in get_args(kind) if member is not NoneType)
    if get_origin(kind) is tuple:
        return tuple((entry or 0.0) + 1 for entry in value) or (1.0,)
    if kind in OTHER_VALUES:
        return OTHER_VALUES[kind](value)
    if isinstance(kind, type) and issubclass(kind, Enum):
        members = list(kind)
        return members[(members.index(value) + 1) % len(members)]
    if kind is MaterialStation:
        if value is not None:
            return dataclasses.replace(
                value, current_slot=(value.current_slot or 0) + 1
            )
        slot = MaterialSlot(
            slot_id=1, has_filament=True, material_name="PLA", material_color="#FFFFFF"
        )
        return MaterialStation(
            slot_count=1,
            current_slot=1,
            current_load_slot=0,
            state_action=0,
            state_step=0,
            slots=(slot,),
        )
    raise AssertionError(f"no other value for a field of type {kind}")


def shown(
    hass: HomeAssistant, coordinator: FlashForgeCoordinator, entity_ids: set[str]
) -> dict[str, Any]:
    """Return what each entity shows, which entities there are, and the device."""
    states: dict[str, State | None] = {
        entity_id: hass.states.get(entity_id) for entity_id in entity_ids
    }
    (device,) = dr.async_entries_for_config_entry(
        dr.async_get(hass), coordinator.config_entry.entry_id
    )
    return {
        entity_id: (state.state, dict(state.attributes))
        for entity_id, state in states.items()
        if state is not None
    } | {
        "entities": set(entities_of(hass, coordinator)),
        "device": (device.name, device.model, device.sw_version, device.connections),
    }


def fields_changed(
    entities: Entities, old: PrinterDetail, new: PrinterDetail
) -> frozenset[str]:
    """Return the declared fields (derived ones too) whose value differs."""
    declared = {
        name for entity in entities.values() for name in entity.coordinator_context
    }
    return frozenset(
        name for name in declared if getattr(old, name) != getattr(new, name)
    )


async def push(
    hass: HomeAssistant, coordinator: FlashForgeCoordinator, detail: PrinterDetail
) -> None:
    """Give the coordinator a new detail, as a poll would."""
    coordinator.async_set_updated_data(detail)
    await hass.async_block_till_done()


async def rewrite_all(hass: HomeAssistant, coordinator: FlashForgeCoordinator) -> None:
    """Have every entity work out and write its state, as after a blip offline."""
    detail = coordinator.data
    coordinator.async_set_update_error(UpdateFailed("gone for a moment"))
    await push(hass, coordinator, detail)


@pytest.mark.parametrize("coordinator", sorted(PROFILES), indirect=True)
async def test_a_changed_field_updates_exactly_the_entities_reading_it(
    hass: HomeAssistant, coordinator: FlashForgeCoordinator
) -> None:
    """Each field changed alone rewrites only its readers, and leaves nothing stale.

    Every field of the detail changes to another value of its type and back,
    one at a time. What the entities show then must be what they show once
    each has worked out its state again; and only entities declaring a
    field whose value changed may have written.
    """
    emulator = emulator_of(coordinator)
    await coordinator.printer.print_file(next(iter(emulator.files)))
    emulator.advance(HEATING_SECONDS + PRINT_SECONDS / 3)
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    base = coordinator.data
    stale: dict[str, dict[str, tuple[Any, Any]]] = {}
    wrong_writers: dict[str, set[str]] = {}
    checked = 0

    for field in dataclasses.fields(PrinterDetail):
        if not field.compare:
            continue
        changed = dataclasses.replace(
            base, **{field.name: other_value(getattr(base, field.name), field.type)}
        )
        for old, new, label in (
            (base, changed, field.name),
            (changed, base, f"{field.name} back"),
        ):
            entities = entities_of(hass, coordinator)
            allowed = {
                entity_id
                for entity_id, entity in entities.items()
                # The device's name is in every entity's: Home Assistant
                # itself rewrites them all when the device is renamed.
                if old.name != new.name
                or fields_changed(entities, old, new) & entity.coordinator_context
            }
            with written(hass) as writes:
                await push(hass, coordinator, new)
            # Entities of a part that came or went are new or gone, not stale.
            kept = set(entities) & set(entities_of(hass, coordinator))
            after = shown(hass, coordinator, kept)
            await rewrite_all(hass, coordinator)
            rewritten = shown(hass, coordinator, kept)
            if after != rewritten:
                stale[label] = {
                    key: (after.get(key), rewritten.get(key))
                    for key in after.keys() | rewritten.keys()
                    if after.get(key) != rewritten.get(key)
                }
            if extra := (set(writes) & kept) - allowed:
                wrong_writers[label] = extra
            checked += 1

    assert checked > 100
    assert stale == {}
    assert wrong_writers == {}


@pytest.mark.parametrize("coordinator", sorted(PROFILES), indirect=True)
async def test_polls_through_a_job_leave_nothing_stale(
    hass: HomeAssistant, coordinator: FlashForgeCoordinator
) -> None:
    """Polled through a job, every entity shows what it shows once it works it out again.

    Over HTTP the printer's client tells which fields two successive polls
    changed; over TCP the coordinator compares each field. Neither may leave
    an entity behind.
    """
    previous = coordinator.data
    told: list[bool] = []
    stale: list[dict[str, tuple[Any, Any]]] = []

    async def check() -> None:
        nonlocal previous
        detail = coordinator.data
        told.append(coordinator.printer.detail_changes(previous, detail) is not None)
        kept = set(entities_of(hass, coordinator))
        after = shown(hass, coordinator, kept)
        await rewrite_all(hass, coordinator)
        rewritten = shown(hass, coordinator, kept)
        if after != rewritten:
            stale.append(
                {
                    key: (after.get(key), rewritten.get(key))
                    for key in after.keys() | rewritten.keys()
                    if after.get(key) != rewritten.get(key)
                }
            )
        previous = detail

    await walk_through_a_job(hass, coordinator, check)

    assert stale == []
    assert any(told) is coordinator.printer.has_http


# Changes to the detail, and the test listeners they reach, in order.
LISTENER_CASES: dict[
    str, tuple[Callable[[PrinterDetail], PrinterDetail], list[str]]
] = {
    "nothing": (lambda detail: detail, ["every update"]),
    "light": (
        lambda detail: dataclasses.replace(detail, light_on=not detail.light_on),
        ["light", "every update"],
    ),
    # No entity reads the location: the listener's field is watched anyway.
    "location": (
        lambda detail: dataclasses.replace(detail, location="workshop"),
        ["location", "every update"],
    ),
    "a field no listener here reads": (
        lambda detail: dataclasses.replace(
            detail, bed_temperature=(detail.bed_temperature or 0) + 1
        ),
        ["every update"],
    ),
    "progress below a percent": (
        lambda detail: dataclasses.replace(detail, print_progress=0.421),
        ["every update"],
    ),
    "progress by a percent": (
        lambda detail: dataclasses.replace(detail, print_progress=0.43),
        ["progress", "every update"],
    ),
}


@pytest.mark.parametrize(
    ("change", "expected"), LISTENER_CASES.values(), ids=LISTENER_CASES
)
async def test_a_listener_hears_of_its_fields(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    change: Callable[[PrinterDetail], PrinterDetail],
    expected: list[str],
) -> None:
    """An update calls the listeners whose fields changed and those without fields."""
    coordinator: FlashForgeCoordinator = init_integration.runtime_data
    await push(
        hass, coordinator, dataclasses.replace(coordinator.data, print_progress=0.42)
    )
    calls: list[str] = []
    for name, fields in (
        ("light", {"light_on"}),
        ("location", {"location"}),
        ("progress", {"progress_percent"}),
        ("every update", None),
    ):
        init_integration.async_on_unload(
            coordinator.async_add_listener(
                lambda name=name: calls.append(name),  # type: ignore[misc]
                None if fields is None else frozenset(fields),
            )
        )

    await push(hass, coordinator, change(coordinator.data))

    assert calls == expected


async def test_listeners_removed_are_not_called_and_new_ones_are(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Listeners that come and go between updates are called as they stand."""
    coordinator: FlashForgeCoordinator = init_integration.runtime_data
    calls: list[str] = []

    def listen(name: str) -> Callable[[], None]:
        return coordinator.async_add_listener(
            lambda: calls.append(name), frozenset({"light_on"})
        )

    def toggle_light() -> PrinterDetail:
        return dataclasses.replace(
            coordinator.data, light_on=not coordinator.data.light_on
        )

    stop_first = listen("first")
    await push(hass, coordinator, toggle_light())
    stop_first()
    stop_second = listen("second")
    await push(hass, coordinator, toggle_light())
    stop_second()
    await push(hass, coordinator, toggle_light())

    assert calls == ["first", "second"]


async def test_every_listener_hears_of_the_printer_coming_and_going(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A failed update and the first answer after it reach every listener, once."""
    coordinator: FlashForgeCoordinator = init_integration.runtime_data
    calls: list[str] = []
    init_integration.async_on_unload(
        coordinator.async_add_listener(
            lambda: calls.append("light"), frozenset({"light_on"})
        )
    )

    for _ in range(2):
        coordinator.async_set_update_error(UpdateFailed("away"))
    await push(hass, coordinator, coordinator.data)
    await push(hass, coordinator, coordinator.data)

    assert calls == ["light", "light"]
