"""Tests for printers on the legacy TCP API: TCP-only entries, and TCP extras on HTTP ones."""

import asyncio
from collections.abc import AsyncIterator
import contextlib
import dataclasses
from functools import partial
import logging

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.components.light import DOMAIN as LIGHT_DOMAIN
from homeassistant.components.light.const import ATTR_RGB_COLOR
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.util import slugify
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.flashforge import coordinator as coordinator_module
from custom_components.flashforge.const import CONF_TCP_PORT, DOMAIN
from custom_components.flashforge.issues import firmware_issue_id
from flashforge_emulator import Emulator
from flashforge_emulator.profiles import get_profile

from ..conftest import EmulatorFactory
from .conftest import closed_port, entry_for
from .test_camera import read_frames


async def set_up(hass: HomeAssistant, entry: MockConfigEntry) -> MockConfigEntry:
    """Add the entry and set it up."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.fixture
async def adventurer4(quick_emulator: EmulatorFactory) -> AsyncIterator[Emulator]:
    """Return an Adventurer 4 emulator that answers at once, its time moved by hand."""
    async with quick_emulator(
        "adventurer4", heating_seconds=0.5, print_seconds=600
    ) as emulator:
        yield emulator


ENTITY_SETS = {
    "adventurer3": ("adventurer3", partial(entry_for, extras=True)),
    "adventurer4": ("adventurer4", partial(entry_for, extras=True)),
    "5m_old_firmware": (
        dataclasses.replace(get_profile("5m"), firmware_version="3.0.5"),
        partial(entry_for, tcp_only=True, extras=True),
    ),
    "5m_pro_with_tcp": ("5m-pro", partial(entry_for, extras=True)),
}


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("profile", ENTITY_SETS)
async def test_entities(
    hass: HomeAssistant,
    quick_emulator: EmulatorFactory,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    profile: str,
) -> None:
    """Each TCP printer gets the entities its API reports, keyed as HTTP printers'."""
    model, make_entry = ENTITY_SETS[profile]
    async with quick_emulator(model) as emu:
        entry = await set_up(hass, make_entry(emu))
        entries = er.async_entries_for_config_entry(entity_registry, entry.entry_id)
        states = {
            reg.entity_id: (
                reg.unique_id.removeprefix(f"{emu.serial}_"),
                reg.translation_key,
                reg.disabled_by,
                state.state if (state := hass.states.get(reg.entity_id)) else None,
            )
            for reg in entries
        }
        assert states == snapshot
        assert await hass.config_entries.async_unload(entry.entry_id)


@contextlib.asynccontextmanager
async def another_program(emulator: Emulator) -> AsyncIterator[None]:
    """Hold the printer's TCP control as a slicer does, until the block ends."""
    assert emulator.tcp_port is not None
    reader, writer = await asyncio.open_connection(emulator.host, emulator.tcp_port)
    writer.write(b"~M601 S1\r\n")
    await writer.drain()
    while (await reader.readline()).strip() != b"ok":
        pass
    assert emulator.tcp_control_held
    try:
        yield
    finally:
        writer.write(b"~M602\r\n")
        await writer.drain()
        writer.close()
        await writer.wait_closed()


def slug(emulator: Emulator) -> str:
    """Return the object id prefix of an emulated printer's entities."""
    return slugify(emulator.printer.name)


def status_of(hass: HomeAssistant, name: str) -> str:
    """Return the state of a printer's status sensor."""
    state = hass.states.get(f"sensor.{name}")
    assert state is not None
    return state.state


async def poll(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Poll the printer once, as the interval would."""
    await entry.runtime_data.async_refresh()
    await hass.async_block_till_done()


async def test_tcp_printer_device(
    hass: HomeAssistant, adventurer4: Emulator, device_registry: dr.DeviceRegistry
) -> None:
    """The device shows the model M115 names, its firmware and its MAC address."""
    entry = await set_up(hass, entry_for(adventurer4, extras=True))

    (device,) = dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    assert device.identifiers == {(DOMAIN, adventurer4.serial)}
    assert device.model == "Adventurer 4"
    assert device.name == adventurer4.printer.name
    assert device.sw_version == "v1.2.1-3.22"
    assert device.connections


async def test_polls_hold_no_control(
    hass: HomeAssistant, adventurer4: Emulator
) -> None:
    """Each poll is one session that releases control: slicers can always get in."""
    entry = await set_up(hass, entry_for(adventurer4, extras=True))
    sessions = adventurer4.tcp_commands.count("~M601 S1")

    for _ in range(3):
        await poll(hass, entry)
        assert not adventurer4.tcp_control_held

    commands = adventurer4.tcp_commands
    assert commands.count("~M601 S1") == sessions + 3
    assert commands.count("~M601 S1") == commands.count("~M602")
    # M115 was read once, at setup: a poll reads only the state.
    assert commands.count("~M115") == 1


async def test_in_use_keeps_values_for_one_poll_then_unavailable(
    hass: HomeAssistant, adventurer4: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    """Another program's control costs one poll unseen, then one log line, no storm."""
    entry = await set_up(hass, entry_for(adventurer4, extras=True))
    name = "adventurer_4"

    async with another_program(adventurer4):
        caplog.clear()
        await poll(hass, entry)
        assert status_of(hass, name) == "ready"
        for _ in range(3):
            await poll(hass, entry)
            assert status_of(hass, name) == STATE_UNAVAILABLE
        logged = [
            record for record in caplog.records if record.levelno >= logging.WARNING
        ]

    assert len(logged) == 1
    assert "another program" in logged[0].getMessage()
    await poll(hass, entry)
    assert status_of(hass, name) == "ready"


async def test_in_use_grace_is_per_stretch(
    hass: HomeAssistant, adventurer4: Emulator
) -> None:
    """A poll that got through gives the next short holder its one poll of grace again."""
    entry = await set_up(hass, entry_for(adventurer4, extras=True))

    for _ in range(2):
        async with another_program(adventurer4):
            await poll(hass, entry)
            assert status_of(hass, "adventurer_4") == "ready"
        await poll(hass, entry)
        assert status_of(hass, "adventurer_4") == "ready"


async def test_command_while_in_use_says_so(
    hass: HomeAssistant, adventurer4: Emulator
) -> None:
    """A button pressed while a slicer holds the printer gets a translated refusal."""
    await set_up(hass, entry_for(adventurer4, extras=True))

    async with another_program(adventurer4):
        with pytest.raises(HomeAssistantError) as caught:
            await hass.services.async_call(
                BUTTON_DOMAIN,
                SERVICE_PRESS,
                {ATTR_ENTITY_ID: "button.adventurer_4_home_axes"},
                blocking=True,
            )

    assert caught.value.translation_key == "printer_in_use"
    assert "~G28" not in adventurer4.tcp_commands


async def test_printer_comes_back_after_a_power_cycle(
    hass: HomeAssistant, adventurer4: Emulator
) -> None:
    """A printer switched off and on again is read again, M115 included."""
    entry = await set_up(hass, entry_for(adventurer4, extras=True))

    await adventurer4.go_offline()
    await poll(hass, entry)
    assert status_of(hass, "adventurer_4") == STATE_UNAVAILABLE
    await adventurer4.come_back()
    await poll(hass, entry)

    assert status_of(hass, "adventurer_4") == "ready"
    assert adventurer4.tcp_commands.count("~M115") == 2
    assert not adventurer4.tcp_control_held


@pytest.mark.parametrize(
    ("service", "data", "sent"),
    [
        (
            (BUTTON_DOMAIN, SERVICE_PRESS),
            {ATTR_ENTITY_ID: "button.adventurer_4_home_axes"},
            "~G28",
        ),
        (
            (BUTTON_DOMAIN, SERVICE_PRESS),
            {ATTR_ENTITY_ID: "button.adventurer_4_emergency_stop"},
            "~M112",
        ),
        (
            (LIGHT_DOMAIN, SERVICE_TURN_ON),
            {ATTR_ENTITY_ID: "light.adventurer_4_light", ATTR_RGB_COLOR: (255, 0, 0)},
            "~M146 r255 g0 b0",
        ),
        (
            ("number", "set_value"),
            {
                ATTR_ENTITY_ID: "number.adventurer_4_nozzle_target_temperature",
                "value": 200,
            },
            "~M104",
        ),
        (
            ("number", "set_value"),
            {ATTR_ENTITY_ID: "number.adventurer_4_bed_target_temperature", "value": 60},
            "~M140",
        ),
    ],
    ids=["home", "emergency stop", "light colour", "nozzle", "bed"],
)
@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_commands_reach_the_printer_over_tcp(
    hass: HomeAssistant,
    adventurer4: Emulator,
    service: tuple[str, str],
    data: dict[str, object],
    sent: str,
) -> None:
    """The entities' commands go out on the TCP API, and leave no control held."""
    await set_up(hass, entry_for(adventurer4, extras=True))

    await hass.services.async_call(*service, data, blocking=True)

    assert any(line.startswith(sent) for line in adventurer4.tcp_commands)
    assert not adventurer4.tcp_control_held


async def test_colour_light_shows_the_colour_set(
    hass: HomeAssistant, adventurer4: Emulator
) -> None:
    """The Adventurer 4's light takes a colour, and shows the one last set."""
    await set_up(hass, entry_for(adventurer4, extras=True))

    await hass.services.async_call(
        LIGHT_DOMAIN,
        SERVICE_TURN_ON,
        {ATTR_ENTITY_ID: "light.adventurer_4_light", ATTR_RGB_COLOR: (0, 0, 255)},
        blocking=True,
    )

    state = hass.states.get("light.adventurer_4_light")
    assert state is not None
    assert state.state == "on"
    assert state.attributes["supported_color_modes"] == ["rgb"]
    assert state.attributes[ATTR_RGB_COLOR] == (0, 0, 255)


async def test_emergency_stop_is_disabled_by_default(
    hass: HomeAssistant, adventurer4: Emulator, entity_registry: er.EntityRegistry
) -> None:
    """One press halts a print for good: the button waits until someone enables it."""
    await set_up(hass, entry_for(adventurer4, extras=True))

    entry = entity_registry.async_get("button.adventurer_4_emergency_stop")
    assert entry is not None
    assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION


async def test_job_buttons_and_thumbnail_follow_a_print(
    hass: HomeAssistant, adventurer4: Emulator, hass_client: ClientSessionGenerator
) -> None:
    """A print started over TCP shows, its preview comes over M662, the buttons work."""
    entry = await set_up(hass, entry_for(adventurer4, extras=True))
    await entry.runtime_data.printer.print_file(next(iter(adventurer4.files)))
    adventurer4.advance(1)
    await poll(hass, entry)
    assert status_of(hass, "adventurer_4") == "printing"

    client = await hass_client()
    state = hass.states.get("image.adventurer_4_thumbnail")
    assert state is not None
    response = await client.get(state.attributes["entity_picture"])
    assert response.status == 200
    assert (await response.read()).startswith(b"\x89PNG")
    assert any(line.startswith("~M662") for line in adventurer4.tcp_commands)

    for button, sent in (("pause_print", "~M25"), ("cancel_print", "~M26")):
        await hass.services.async_call(
            BUTTON_DOMAIN,
            SERVICE_PRESS,
            {ATTR_ENTITY_ID: f"button.adventurer_4_{button}"},
            blocking=True,
        )
        assert sent in adventurer4.tcp_commands


@pytest.mark.parametrize(
    ("model", "found"),
    [("5m-pro", True), ("creator5", False)],
)
async def test_http_entry_learns_whether_tcp_answers(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    monkeypatch: pytest.MonkeyPatch,
    model: str,
    found: bool,
) -> None:
    """An entry made before TCP was used finds and keeps its port; a Creator 5 is not asked."""
    async with (
        emulator_factory("adventurer4") as bystander,
        emulator_factory(model, command_seconds=0) as emulator,
    ):
        # Where the port 8899 of a Creator 5 would be, something answers.
        port = emulator.tcp_port or bystander.tcp_port
        monkeypatch.setattr(coordinator_module, "DEFAULT_TCP_PORT", port)
        entry = await set_up(hass, entry_for(emulator, extras=True))

        assert entry.data.get(CONF_TCP_PORT) == (port if found else None)
        assert (
            hass.states.get(f"button.{slug(emulator)}_home_axes") is not None
        ) is found
        assert bystander.tcp_commands == []
        assert not emulator.tcp_control_held


async def test_http_entry_without_tcp_sets_up_as_before(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where nothing answers on port 8899, the entry keeps no port and gets no extras."""
    async with emulator_factory("5m-pro", tcp_port=None) as emulator:
        monkeypatch.setattr(coordinator_module, "DEFAULT_TCP_PORT", closed_port())
        entry = await set_up(hass, entry_for(emulator, extras=True))

        assert entry.state is ConfigEntryState.LOADED
        assert CONF_TCP_PORT not in entry.data
        assert hass.states.get(f"button.{slug(emulator)}_home_axes") is None
        assert hass.states.get(f"button.{slug(emulator)}_clear_platform") is not None


@pytest.mark.parametrize(
    ("model", "firmware", "suggested"),
    [("5m", "3.0.5", True), ("5m", "3.1.3", False), ("adventurer4", "1.0.0", False)],
)
async def test_firmware_update_is_a_suggestion_where_it_brings_http(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    issue_registry: ir.IssueRegistry,
    model: str,
    firmware: str,
    suggested: bool,
) -> None:
    """A 5M on old firmware works over TCP, and is told (a warning) what an update adds."""
    profile = dataclasses.replace(get_profile(model), firmware_version=firmware)
    async with emulator_factory(profile) as emulator:
        entry = await set_up(hass, entry_for(emulator, extras=True))

        issue = issue_registry.async_get_issue(DOMAIN, firmware_issue_id(entry))
        assert entry.state is ConfigEntryState.LOADED
        assert (issue is not None) is suggested
        if issue is not None:
            assert issue.severity is ir.IssueSeverity.WARNING
            assert issue.translation_key == "firmware_too_old"


async def test_camera_streams_through_the_shared_relay(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    hass_client: ClientSessionGenerator,
) -> None:
    """The Adventurer 4's camera on its own port reaches two viewers over one connection."""
    async with emulator_factory("adventurer4", command_seconds=0) as emulator:
        await set_up(hass, entry_for(emulator, extras=True))
        entity_id = "camera.adventurer_4_camera"
        state = hass.states.get(entity_id)
        assert state is not None
        # Nothing over TCP turns the stream off: the camera offers no on/off.
        assert not state.attributes.get("supported_features")

        client = await hass_client()
        url = f"/api/camera_proxy_stream/{entity_id}"
        first, second = await asyncio.gather(client.get(url), client.get(url))
        assert first.status == second.status == 200
        # The camera takes one viewer at a time: both watching proves the relay.
        frames = await asyncio.gather(read_frames(first, 2), read_frames(second, 2))
        assert all(frame.startswith(b"\xff\xd8") for frame in frames[0] + frames[1])
        first.close()
        second.close()


async def test_print_event_follows_a_tcp_job(
    hass: HomeAssistant, adventurer4: Emulator
) -> None:
    """The print event reads a TCP printer's job as it reads an HTTP printer's."""
    entry = await set_up(hass, entry_for(adventurer4, extras=True))
    printer = entry.runtime_data.printer
    event_types: list[str] = []

    for step in (
        printer.print_file(next(iter(adventurer4.files))),
        printer.pause_print(),
    ):
        await step
        adventurer4.advance(2)
        await poll(hass, entry)
        state = hass.states.get("event.adventurer_4_print_status")
        assert state is not None
        event_types.append(state.attributes["event_type"])

    assert event_types == ["started", "paused"]


async def test_ad5x_home_button_uses_http(
    hass: HomeAssistant, emulator_factory: EmulatorFactory
) -> None:
    """The AD5X homes over its own HTTP command, even with its TCP port known."""
    async with emulator_factory("ad5x", command_seconds=0) as emulator:
        await set_up(hass, entry_for(emulator, extras=True))
        emulator.printer.coordinate = [5.0, 5.0, 5.0]

        await hass.services.async_call(
            BUTTON_DOMAIN,
            SERVICE_PRESS,
            {ATTR_ENTITY_ID: f"button.{slug(emulator)}_home_axes"},
            blocking=True,
        )

        assert emulator.printer.coordinate == [0.0, 0.0, 0.0]
        assert "~G28" not in emulator.tcp_commands
