"""Tests for the sensor platform."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.sensor import SensorExtraStoredData
from homeassistant.const import STATE_UNKNOWN, Platform
from homeassistant.core import (
    Event,
    EventStateChangedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.helpers import entity_registry as er, translation
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    mock_restore_cache_with_extra_data,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.flashforge.api import FlashForgePrinter
from flashforge_emulator import Clock, Emulator, Profile, get_profile

from ..conftest import EmulatorFactory
from .conftest import entry_for, setup_platform
from .test_entity import key_of, written

PROFILES = {
    "5m_pro": "5m-pro",
    "5m": "5m",
    "ad5x": "ad5x",
    "creator5": "creator5",
    "5m_pro_no_chamber": replace(get_profile("5m-pro"), chamber_sensor=False),
}


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("profile", PROFILES)
async def test_sensors(
    hass: HomeAssistant,
    quick_emulator: EmulatorFactory,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    profile: str,
) -> None:
    """Each profile gets the sensors its hardware has, with idle values."""
    async with quick_emulator(PROFILES[profile]) as emulator:
        entry_id = (await setup_platform(hass, emulator, Platform.SENSOR)).entry_id
        await snapshot_platform(hass, entity_registry, snapshot, entry_id)
        assert await hass.config_entries.async_unload(entry_id)


async def entity_id(hass: HomeAssistant, emulator: Emulator, key: str) -> str:
    """Return the entity id of a sensor by its key."""
    found = er.async_get(hass).async_get_entity_id(
        "sensor", "flashforge", f"{emulator.serial}_{key}"
    )
    assert found is not None
    return found


async def sensor_state(hass: HomeAssistant, emulator: Emulator, key: str) -> State:
    """Return the state of a sensor by its key."""
    state = hass.states.get(await entity_id(hass, emulator, key))
    assert state is not None
    return state


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_sensors_while_printing(
    hass: HomeAssistant, emulator_factory: EmulatorFactory
) -> None:
    """Job sensors follow the print; the end time stays put while the estimate holds."""
    clock = Clock.manual()
    async with emulator_factory(
        "5m-pro", clock=clock, command_seconds=0, heating_seconds=10, print_seconds=600
    ) as emulator:
        entry_id = (await setup_platform(hass, emulator, Platform.SENSOR)).entry_id
        coordinator = hass.config_entries.async_get_entry(entry_id).runtime_data
        async with FlashForgePrinter(
            emulator.host, emulator.serial, emulator.check_code, port=emulator.port
        ) as client:
            await client.print_file("3DBenchy_PLA.gcode")
        emulator.advance(10 + 300)
        await coordinator.async_refresh()

        def state(key: str) -> str:
            return hass.states.get(hass_entity_ids[key]).state

        hass_entity_ids = {
            key: await entity_id(hass, emulator, key)
            for key in (
                "status",
                "progress",
                "file_name",
                "time_remaining",
                "print_end_time",
                "filament_length",
                "nozzle_temperature",
            )
        }
        assert state("status") == "printing"
        assert float(state("progress")) == pytest.approx(50, abs=1)
        assert state("file_name") == "3DBenchy_PLA.gcode"
        assert float(state("time_remaining")) == pytest.approx(5, abs=0.5)  # minutes
        assert float(state("filament_length")) > 0
        end = dt_util.parse_datetime(state("print_end_time"))
        assert end is not None
        assert abs(end - dt_util.utcnow() - timedelta(minutes=5)) < timedelta(seconds=3)

        # Thirty seconds on, the estimate moved with the clock: the end stays.
        emulator.advance(30)
        await coordinator.async_refresh()
        assert dt_util.parse_datetime(state("print_end_time")) == end

        emulator.advance(600)
        await coordinator.async_refresh()
        assert state("status") == "completed"
        assert float(state("time_remaining")) == 0
        assert await hass.config_entries.async_unload(entry_id)


# The sensors of a job, which the test below follows from start to end.
JOB_KEYS = (
    "status",
    "file_name",
    "filament_type",
    "time_remaining",
    "print_start_time",
    "print_end_time",
)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_a_job_from_start_to_end(
    hass: HomeAssistant,
    quick_emulator: EmulatorFactory,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The start is fixed, the end steady; once ended, 0 is left and the job stays shown.

    The logbook records each change of a text sensor's state: the file and
    the filament change once, when the job starts, and not again at its end.
    """
    async with quick_emulator(
        "5m-pro", heating_seconds=10, print_seconds=600
    ) as emulator:
        entry = await setup_platform(hass, emulator, Platform.SENSOR)
        coordinator = entry.runtime_data
        ids = {key: await entity_id(hass, emulator, key) for key in JOB_KEYS}
        changes: dict[str, list[str]] = {key: [] for key in JOB_KEYS}
        keys = {entity_id: key for key, entity_id in ids.items()}

        @callback
        def note(event: Event[EventStateChangedData]) -> None:
            if (new := event.data["new_state"]) is not None:
                changes[keys[new.entity_id]].append(new.state)

        async_track_state_change_event(hass, list(ids.values()), note)

        def state(key: str) -> str:
            return hass.states.get(ids[key]).state

        async def poll(seconds: float) -> datetime:
            emulator.advance(seconds)
            freezer.tick(timedelta(seconds=seconds))
            await coordinator.async_refresh()
            await hass.async_block_till_done()
            return dt_util.utcnow().replace(microsecond=0)

        assert [state(key) for key in JOB_KEYS[1:]] == [STATE_UNKNOWN] * 2 + [
            "0.0",
            STATE_UNKNOWN,
            STATE_UNKNOWN,
        ]

        await coordinator.printer.print_file("3DBenchy_PLA.gcode")
        started = await poll(1)
        starts, ends = set(), set()
        for _ in range(20):
            await poll(29)
            starts.add(state("print_start_time"))
            ends.add(state("print_end_time"))
        assert state("status") == "printing"
        assert starts == {started.isoformat()}
        assert len(ends) == 1

        ended = await poll(600)
        assert state("status") == "completed"
        await coordinator.printer.clear_platform()
        await poll(60)

        assert state("status") == "ready"
        assert float(state("time_remaining")) == 0
        assert state("print_start_time") == started.isoformat()
        assert state("print_end_time") == ended.isoformat()
        assert changes["file_name"] == ["3DBenchy_PLA.gcode"]
        assert changes["filament_type"] == ["PLA"]
        assert STATE_UNKNOWN not in changes["print_end_time"]
        assert await hass.config_entries.async_unload(entry.entry_id)


# What the sensors of the last job showed before Home Assistant restarted.
BEFORE_RESTART: dict[str, str | datetime] = {
    "current_file": "Cube_PETG.gcode",
    "filament_type": "PETG",
    "print_start_time": datetime(2026, 11, 30, 8, 0, tzinfo=UTC),
    "print_end_time": datetime(2026, 11, 30, 9, 30, tzinfo=UTC),
}


@pytest.mark.parametrize("printing", [False, True], ids=["idle", "printing"])
async def test_the_last_job_survives_a_restart(
    hass: HomeAssistant, quick_emulator: EmulatorFactory, printing: bool
) -> None:
    """The last job's file and filament stand after a restart, until a job runs.

    Its times come from the print history, not from the states restored
    (test_job_times.py): here the history holds no job.
    """
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(f"sensor.adventurer_5m_pro_{key}", str(value)),
                SensorExtraStoredData(value, None).as_dict(),
            )
            for key, value in BEFORE_RESTART.items()
        ],
    )
    async with quick_emulator(
        "5m-pro", heating_seconds=0, print_seconds=3000
    ) as emulator:
        if printing:
            async with FlashForgePrinter(
                emulator.host, emulator.serial, emulator.check_code, port=emulator.port
            ) as client:
                await client.print_file("3DBenchy_PLA.gcode")
            emulator.advance(120)
        await setup_platform(hass, emulator, Platform.SENSOR)
        shown = {
            key: hass.states.get(f"sensor.adventurer_5m_pro_{key}").state
            for key in BEFORE_RESTART
        }

        if not printing:
            assert shown == {
                "current_file": "Cube_PETG.gcode",
                "filament_type": "PETG",
                "print_start_time": STATE_UNKNOWN,
                "print_end_time": STATE_UNKNOWN,
            }
            return
        assert shown["current_file"] == "3DBenchy_PLA.gcode"
        assert shown["filament_type"] == "PLA"
        started = dt_util.parse_datetime(shown["print_start_time"])
        assert started is not None
        assert abs(dt_util.utcnow() - timedelta(seconds=120) - started) < timedelta(
            seconds=30
        )
        ends = dt_util.parse_datetime(shown["print_end_time"])
        assert ends is not None
        assert ends > dt_util.utcnow()


# Sensors whose state is a word of the integration's, which Home Assistant
# shows in the user's language: the model, the key, the state, its words.
WORDS = {
    "no error": ("5m-pro", "error_code", "none", {"en": "None", "de": "Keiner"}),
    "empty slot": ("ad5x", "slot_4", "empty", {"en": "Empty", "de": "Leer"}),
}


@pytest.mark.parametrize(("model", "key", "word", "words"), WORDS.values(), ids=WORDS)
async def test_states_in_words(
    hass: HomeAssistant,
    quick_emulator: EmulatorFactory,
    model: str,
    key: str,
    word: str,
    words: dict[str, str],
) -> None:
    """A printer without an error, or a slot without filament, says so in words.

    Neither sensor is an enum (an error code or a material is the printer's
    own text): core translates a state by the entity's translation key
    whatever its device class, as the frontend and the logbook do.
    """
    async with quick_emulator(model) as emulator:
        await setup_platform(hass, emulator, Platform.SENSOR)
        entry = er.async_get(hass).async_get(await entity_id(hass, emulator, key))
        assert entry is not None
        state = hass.states.get(entry.entity_id)
        assert state is not None
        assert "device_class" not in state.attributes
        shown = {}
        for language in words:
            hass.config.language = language
            await translation.async_load_integrations(hass, {"flashforge"})
            shown[language] = translation.async_translate_state(
                hass, state.state, "sensor", "flashforge", entry.translation_key, None
            )

        assert state.state == word
        assert shown == words


async def test_an_error_code_is_shown(hass: HomeAssistant, emulator: Emulator) -> None:
    """The printer's error code replaces "none" while it reports one."""
    entry = await setup_platform(hass, emulator, Platform.SENSOR)

    emulator.printer.set_error("E0011")
    await entry.runtime_data.async_refresh()
    await hass.async_block_till_done()

    assert (await sensor_state(hass, emulator, "error_code")).state == "E0011"


async def test_nozzle_size_is_a_length(hass: HomeAssistant, emulator: Emulator) -> None:
    """The printer's "0.4mm" is 0.4 millimetres."""
    await setup_platform(hass, emulator, Platform.SENSOR)
    state = await sensor_state(hass, emulator, "nozzle_size")

    assert (state.state, state.attributes["unit_of_measurement"]) == ("0.4", "mm")
    assert state.attributes["device_class"] == "distance"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_material_slots(hass: HomeAssistant, ad5x: Emulator) -> None:
    """Each AD5X slot shows its material, or empty, with colour and load state."""
    await setup_platform(hass, ad5x, Platform.SENSOR)
    loaded = await sensor_state(hass, ad5x, "slot_1")
    empty = await sensor_state(hass, ad5x, "slot_4")

    assert (
        loaded.state,
        loaded.attributes["color"],
        loaded.attributes["loaded"],
    ) == ("PLA", "#FFFFFF", True)
    assert (empty.state, empty.attributes["loaded"]) == ("empty", False)


STATION = {"active_slot", "slot_1", "slot_2", "slot_3", "slot_4"}
# Each tool's target is a number.
TOOLS = {f"tool_{tool}_temperature" for tool in range(1, 5)}
# A printer part whose sensors come and go with it: the model, the profile
# flag that makes the printer report the part, and the part's sensors.
PARTS = {
    "station": ("ad5x", "has_material_station", STATION),
    "tools": ("creator5", "has_tool_temperatures", TOOLS),
}


def registered(hass: HomeAssistant, emulator: Emulator, entry_id: str) -> set[str]:
    """Return the keys of the printer's registered sensors."""
    return {
        reg.unique_id.removeprefix(f"{emulator.serial}_")
        for reg in er.async_entries_for_config_entry(er.async_get(hass), entry_id)
        if reg.domain == "sensor"
    }


def entity_ids(hass: HomeAssistant, emulator: Emulator, keys: set[str]) -> list[str]:
    """Return the entity ids of the registered sensors among these keys."""
    registry = er.async_get(hass)
    return [
        entity_id
        for key in keys
        if (
            entity_id := registry.async_get_entity_id(
                "sensor", "flashforge", f"{emulator.serial}_{key}"
            )
        )
    ]


def report(emulator: Emulator, flag: str, *, on: bool) -> None:
    """Make the printer report a part from its next answer on, or stop."""
    emulator.printer.profile = replace(emulator.printer.profile, **{flag: on})


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize(("model", "flag", "part"), PARTS.values(), ids=PARTS)
async def test_a_part_brings_and_takes_its_sensors(
    hass: HomeAssistant,
    quick_emulator: EmulatorFactory,
    model: str,
    flag: str,
    part: set[str],
) -> None:
    """A station or tools that appear get sensors at the next poll; gone, they go."""
    profile = replace(get_profile(model), **{flag: False})
    async with quick_emulator(profile) as emulator:
        entry = await setup_platform(hass, emulator, Platform.SENSOR)
        coordinator = entry.runtime_data
        others = registered(hass, emulator, entry.entry_id)
        assert others.isdisjoint(part)

        report(emulator, flag, on=True)
        await coordinator.async_refresh()
        await hass.async_block_till_done()
        assert registered(hass, emulator, entry.entry_id) == others | part
        shown = entity_ids(hass, emulator, part)
        assert len(shown) == len(part)
        assert all(hass.states.get(entity_id) for entity_id in shown)

        report(emulator, flag, on=False)
        await coordinator.async_refresh()
        await hass.async_block_till_done()
        assert registered(hass, emulator, entry.entry_id) == others
        assert [hass.states.get(entity_id) for entity_id in shown] == [None] * len(part)
        assert await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_a_slot_that_goes_takes_its_sensor(
    hass: HomeAssistant, quick_emulator: EmulatorFactory
) -> None:
    """Slots leaving the station take their sensors; the others stay."""
    async with quick_emulator("ad5x") as emulator:
        entry = await setup_platform(hass, emulator, Platform.SENSOR)
        before = registered(hass, emulator, entry.entry_id)
        gone = entity_ids(hass, emulator, {"slot_3", "slot_4"})
        kept = entity_ids(hass, emulator, {"slot_1", "slot_2"})

        del emulator.printer.slots[2:]
        await entry.runtime_data.async_refresh()
        await hass.async_block_till_done()

        assert registered(hass, emulator, entry.entry_id) == before - {
            "slot_3",
            "slot_4",
        }
        assert [hass.states.get(entity_id) for entity_id in gone] == [None, None]
        assert all(hass.states.get(entity_id) for entity_id in kept)
        assert await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize(("model", "flag", "part"), PARTS.values(), ids=PARTS)
async def test_a_part_gone_while_stopped_leaves_at_setup(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    entity_registry: er.EntityRegistry,
    model: str,
    flag: str,
    part: set[str],
) -> None:
    """Sensors registered for a part the printer no longer has are removed."""
    profile: Profile = replace(get_profile(model), **{flag: False})
    async with emulator_factory(profile, command_seconds=0) as emulator:
        entry = entry_for(emulator)
        entry.add_to_hass(hass)
        for key in part:
            entity_registry.async_get_or_create(
                "sensor", "flashforge", f"{emulator.serial}_{key}", config_entry=entry
            )

        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()

        assert registered(hass, emulator, entry.entry_id).isdisjoint(part)
        assert await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_one_tool_warming_writes_only_its_sensors(
    hass: HomeAssistant, quick_emulator: EmulatorFactory
) -> None:
    """The tools share one field of the detail; a tool whose value holds is not written."""
    async with quick_emulator("creator5") as emulator:
        entry = await setup_platform(hass, emulator, Platform.SENSOR)
        emulator.printer.nozzle_temp = 100.0  # the first tool's

        with written(hass) as entity_ids:
            await entry.runtime_data.async_refresh()

        assert sorted(key_of(hass, entity_id) for entity_id in entity_ids) == [
            "nozzle_temperature",
            "tool_1_temperature",
        ]
        assert await hass.config_entries.async_unload(entry.entry_id)
