"""Fault scenarios over every platform, each ending in a clean unload.

Each test drives the printer into a fault with the emulator, checks what the
user sees, checks that Home Assistant stays responsive, and unloads the entry
in the fault state; the test plugin's lingering task and timer checks then
prove nothing was left behind.
"""

import asyncio
from collections.abc import Callable
import contextlib
from datetime import timedelta
import logging
import os
from pathlib import Path
from unittest.mock import patch

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.flashforge.api import relay as relay_module
from custom_components.flashforge.button import BUTTONS
from custom_components.flashforge.const import DOMAIN
from custom_components.flashforge.coordinator import FlashForgeCoordinator
from custom_components.flashforge.history_sensor import HISTORY_SENSORS
from flashforge_emulator import Emulator, FaultKind, Status

from ..conftest import EmulatorFactory
from ..integration.conftest import entry_for

pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")

# Generous: the harness is slow, a hang is not.
RESPONSIVE_SECONDS = 1.0


async def tick(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float
) -> None:
    """Move time past an interval and let the coordinator's refresh run."""
    freezer.tick(timedelta(seconds=seconds + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def wall_clock() -> float:
    """Return elapsed real time, which the freezer does not stop."""
    return os.times().elapsed


async def wait_for(condition: Callable[[], bool], seconds: float = 5) -> None:
    """Wait until condition() holds, also while the loop's clock is frozen."""
    deadline = wall_clock() + seconds
    while not condition():
        assert wall_clock() < deadline, "the condition did not come true"
        await asyncio.sleep(0)


async def assert_responsive(hass: HomeAssistant) -> None:
    """A trivial action and a short sleep complete quickly."""
    if not hass.services.has_service("test", "probe"):

        async def probe(call: ServiceCall) -> None:
            """Do nothing."""

        hass.services.async_register("test", "probe", probe)
    started = wall_clock()
    await hass.services.async_call("test", "probe", {}, blocking=True)
    await asyncio.sleep(0)
    hass.states.async_set("test.probe", str(started))
    assert hass.states.get("test.probe") is not None
    assert wall_clock() - started < RESPONSIVE_SECONDS


# Home Assistant keeps the print history: its sensors stay through any fault.
HISTORY_KEYS = frozenset(description.key for description in HISTORY_SENSORS)
# Buttons the printer's state can leave with nothing to do are unavailable then.
STATEFUL_BUTTON_KEYS = frozenset(
    description.key for description in BUTTONS if description.available_fn
)


def states(
    hass: HomeAssistant, entry: MockConfigEntry, skip: frozenset[str] = frozenset()
) -> dict[str, str]:
    """Return the entry's entity states, but those of the description keys skipped."""
    registry = er.async_get(hass)
    return {
        reg.entity_id: state.state
        for reg in er.async_entries_for_config_entry(registry, entry.entry_id)
        if reg.unique_id.removeprefix(f"{entry.unique_id}_") not in skip
        and (state := hass.states.get(reg.entity_id)) is not None
    }


def all_unavailable(hass: HomeAssistant, entry: MockConfigEntry) -> bool:
    """Return whether every entity the printer's answers make is unavailable."""
    current = states(hass, entry, HISTORY_KEYS)
    return bool(current) and all(s == STATE_UNAVAILABLE for s in current.values())


def none_unavailable(hass: HomeAssistant, entry: MockConfigEntry) -> bool:
    """Return whether every entity is available, but buttons with nothing to do."""
    current = states(hass, entry, STATEFUL_BUTTON_KEYS)
    return bool(current) and all(s != STATE_UNAVAILABLE for s in current.values())


async def unload_cleanly(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Unload the entry and check it holds nothing any more."""
    coordinator: FlashForgeCoordinator = entry.runtime_data
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert not coordinator._listeners
    assert coordinator._unsub_refresh is None
    assert all_unavailable(hass, entry) or not states(hass, entry)


def flashforge_lines(caplog: pytest.LogCaptureFixture, text: str) -> int:
    """Count the integration's log lines that contain text."""
    return sum(
        text in record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components.flashforge")
        and record.levelno >= logging.INFO
    )


def status_entity(hass: HomeAssistant, emulator: Emulator) -> str:
    """Return the entity id of the status sensor."""
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{emulator.serial}_status"
    )
    assert entity_id is not None
    return entity_id


async def test_printer_vanishes_mid_poll_and_returns(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Unplugged while a poll waits: unavailable, back at the next poll, a line each way."""
    caplog.set_level(logging.INFO)
    coordinator: FlashForgeCoordinator = init_integration.runtime_data
    interval = coordinator.update_interval
    assert interval is not None
    assert none_unavailable(hass, init_integration)
    emulator.add_fault(FaultKind.LATENCY, path="/detail", count=1, delay=5)
    requests = emulator.request_counts["/detail"]

    freezer.tick(interval + timedelta(seconds=1))
    async_fire_time_changed(hass)
    await wait_for(lambda: emulator.request_counts["/detail"] > requests)
    await emulator.go_offline()  # the answer never comes
    await hass.async_block_till_done(wait_background_tasks=True)

    assert coordinator.last_update_success is False
    assert all_unavailable(hass, init_integration)
    await assert_responsive(hass)
    await tick(hass, freezer, interval.total_seconds())  # still away: no new line

    await emulator.come_back()
    await tick(hass, freezer, interval.total_seconds())

    assert none_unavailable(hass, init_integration)
    assert flashforge_lines(caplog, "Error fetching") == 1
    assert flashforge_lines(caplog, "recovered") == 1
    await unload_cleanly(hass, init_integration)


async def test_unload_while_printer_is_away(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An entry whose printer is gone unloads without waiting for it."""
    await emulator.go_offline()
    await tick(hass, freezer, 30)
    assert all_unavailable(hass, init_integration)

    await unload_cleanly(hass, init_integration)


async def test_answer_slower_than_the_timeout(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    emulator: Emulator,
) -> None:
    """A printer that hangs fails the poll at the timeout; Home Assistant goes on."""
    coordinator: FlashForgeCoordinator = init_integration.runtime_data
    coordinator.printer.request_timeout = 0.3
    emulator.add_fault(FaultKind.LATENCY, path="/detail", count=1, delay=3)

    refresh = hass.async_create_task(coordinator.async_refresh())
    await wait_for(lambda: emulator.request_counts["/detail"] >= 2)
    await assert_responsive(hass)  # while the printer hangs
    started = wall_clock()
    await refresh
    assert wall_clock() - started < 2

    assert coordinator.last_update_success is False
    assert coordinator.last_exception.translation_key == "cannot_connect"  # type: ignore[union-attr]
    assert all_unavailable(hass, init_integration)

    await coordinator.async_refresh()
    assert none_unavailable(hass, init_integration)


async def test_unload_during_a_hanging_poll(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    emulator: Emulator,
) -> None:
    """Unloading while a poll hangs leaves no task or timer behind."""
    coordinator: FlashForgeCoordinator = init_integration.runtime_data
    coordinator.printer.request_timeout = 0.3
    emulator.add_fault(FaultKind.LATENCY, path="/detail", count=1, delay=3)
    refresh = hass.async_create_task(coordinator.async_refresh())
    await wait_for(lambda: emulator.request_counts["/detail"] >= 2)

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await refresh
    await hass.async_block_till_done(wait_background_tasks=True)

    assert init_integration.state is ConfigEntryState.NOT_LOADED
    assert coordinator._unsub_refresh is None


@pytest.fixture
def media(hass: HomeAssistant, tmp_path: Path) -> Path:
    """Return a folder Home Assistant may read, holding a G-code file."""
    folder = tmp_path / "media"
    folder.mkdir()
    move = b"G1 X10 Y10 E0.5 F3000\n"
    (folder / "part.gcode").write_bytes(
        b"; filament_type = PLA\nG28\n" + move * 100_000
    )
    hass.config.allowlist_external_dirs = {str(folder)}
    return folder


def device_id(hass: HomeAssistant, entry: MockConfigEntry, emulator: Emulator) -> str:
    """Return the printer's device id."""
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, emulator.serial), entry.entry_id
    )
    assert device is not None
    return device.id


async def test_connection_reset_during_upload(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    emulator: Emulator,
    media: Path,
) -> None:
    """A reset mid-upload fails the action cleanly; no print; the next upload works.

    The lost connection counts as a failed poll (reading at once could only
    wait again): the entities are unavailable until the printer answers.
    """
    size = (media / "part.gcode").stat().st_size
    emulator.add_fault(
        FaultKind.DROP, path="/uploadGcode", count=1, after_bytes=size // 2
    )
    data = {
        "device_id": device_id(hass, init_integration, emulator),
        "file_path": str(media / "part.gcode"),
        "print_now": True,
    }

    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(DOMAIN, "upload_file", data, blocking=True)

    assert err.value.translation_key == "upload_failed"
    assert emulator.printer.job is None
    assert emulator.printer.status is Status.READY
    assert "part.gcode" not in emulator.files
    assert all_unavailable(hass, init_integration)
    await assert_responsive(hass)

    await hass.services.async_call(DOMAIN, "upload_file", data, blocking=True)

    assert emulator.files["part.gcode"].size == size
    assert emulator.printer.job is not None
    assert none_unavailable(hass, init_integration)
    await unload_cleanly(hass, init_integration)


async def test_command_timeout_waits_once(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    emulator: Emulator,
) -> None:
    """A command that times out fails without a read after it, which would wait again."""
    coordinator: FlashForgeCoordinator = init_integration.runtime_data
    coordinator.printer.request_timeout = 0.3
    light = er.async_get(hass).async_get_entity_id(
        "light", DOMAIN, f"{emulator.serial}_light"
    )
    assert light is not None
    emulator.add_fault(FaultKind.LATENCY, path="/control", count=1, delay=3)
    reads = emulator.request_counts["/detail"]

    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "light", "turn_on", {"entity_id": light}, blocking=True
        )

    assert err.value.translation_key == "command_cannot_connect"
    assert emulator.request_counts["/detail"] == reads
    assert all_unavailable(hass, init_integration)
    await assert_responsive(hass)
    await unload_cleanly(hass, init_integration)


@pytest.fixture
def large_file(media: Path) -> Path:
    """Return a G-code file far larger than what loopback sockets buffer."""
    path = media / "large.gcode"
    with path.open("wb") as handle:
        handle.write(b"; filament_type = PLA\nG28\n")
        for _ in range(32):
            handle.write(b"G1 X10 Y10 E0.5 F3000\n" * 48_000)
    return path


@pytest.mark.parametrize("stop", ["unload", "reload"])
async def test_unload_stops_an_upload_before_its_print(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    emulator: Emulator,
    large_file: Path,
    stop: str,
) -> None:
    """Unloaded or reloaded mid-upload with print_now: the printer neither stores nor prints.

    The printer stops reading for a while, so the upload is halfway when
    the entry goes; the action fails with a translated error.
    """
    emulator.add_fault(FaultKind.LATENCY, path="/uploadGcode", count=1, delay=2.0)
    data = {
        "device_id": device_id(hass, init_integration, emulator),
        "file_path": str(large_file),
        "print_now": True,
    }
    upload = hass.async_create_task(
        hass.services.async_call(DOMAIN, "upload_file", data, blocking=True)
    )
    await wait_for(lambda: emulator.request_counts["/uploadGcode"] >= 1)

    if stop == "unload":
        assert await hass.config_entries.async_unload(init_integration.entry_id)
    else:
        assert await hass.config_entries.async_reload(init_integration.entry_id)

    with pytest.raises(HomeAssistantError) as err:
        await upload
    assert err.value.translation_key == "upload_stopped"
    assert err.value.translation_placeholders == {
        "file_name": "large.gcode",
        "name": init_integration.title,
    }
    # The printer got to the body after its pause, and found it cut short.
    await wait_for(
        lambda: emulator.max_concurrent_commands >= 1 and not emulator.core.executing
    )
    assert "large.gcode" not in emulator.files
    assert emulator.printer.job is None
    assert emulator.printer.status is Status.READY
    await assert_responsive(hass)
    if stop == "reload":
        assert none_unavailable(hass, init_integration)
        await unload_cleanly(hass, init_integration)


async def test_unload_stops_waiting_for_a_print(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    emulator: Emulator,
) -> None:
    """A print_file waiting for its answer when the entry unloads fails, translated.

    The gone entry is not read afterwards (that used to raise an untranslated
    AttributeError).
    """
    emulator.add_fault(FaultKind.LATENCY, path="/printGcode", count=1, delay=0.5)
    data = {
        "device_id": device_id(hass, init_integration, emulator),
        "file_name": "Calibration_Cube.gcode",
    }
    start = hass.async_create_task(
        hass.services.async_call(DOMAIN, "print_file", data, blocking=True)
    )
    await wait_for(lambda: emulator.request_counts["/printGcode"] >= 1)

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    reads = emulator.request_counts["/detail"]

    with pytest.raises(HomeAssistantError) as err:
        await start
    assert err.value.translation_key == "entry_unloaded"
    await hass.async_block_till_done(wait_background_tasks=True)
    assert emulator.request_counts["/detail"] == reads
    await assert_responsive(hass)


async def test_busy_command_is_not_retried(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    emulator: Emulator,
) -> None:
    """Busy gives the translated error once per call, with no retries."""
    light = er.async_get(hass).async_get_entity_id(
        "light", DOMAIN, f"{emulator.serial}_light"
    )
    assert light is not None
    emulator.add_fault(FaultKind.BUSY, path="/control")  # busy until cleared
    before = emulator.request_counts["/control"]

    for attempt in range(1, 4):
        with pytest.raises(HomeAssistantError) as err:
            await hass.services.async_call(
                "light", "turn_off", {"entity_id": light}, blocking=True
            )
        assert err.value.translation_key == "printer_busy"
        await hass.async_block_till_done(wait_background_tasks=True)
        await asyncio.sleep(0.2)  # room for a retry, if there were one
        assert emulator.request_counts["/control"] == before + attempt

    assert none_unavailable(hass, init_integration)
    await assert_responsive(hass)
    emulator.clear_faults()
    await hass.services.async_call(
        "light", "turn_off", {"entity_id": light}, blocking=True
    )
    assert emulator.printer.light_on is False
    emulator.add_fault(FaultKind.BUSY, path="/control")
    await unload_cleanly(hass, init_integration)


async def test_check_code_changed_on_the_printer(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    emulator: Emulator,
    emulator_factory: EmulatorFactory,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A new check code asks for reauthentication; nothing else breaks."""
    async with emulator_factory(
        "5m", serial="SNFFEMU00002", command_seconds=0
    ) as other_printer:
        other = entry_for(other_printer)
        other.add_to_hass(hass)
        assert await hass.config_entries.async_setup(other.entry_id)
        await hass.async_block_till_done()

        emulator.set_check_code("87654321")
        await tick(hass, freezer, 30)
        await tick(hass, freezer, 30)

        flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
        assert flows[0]["context"]["entry_id"] == init_integration.entry_id
        assert all_unavailable(hass, init_integration)
        assert other.state is ConfigEntryState.LOADED
        assert none_unavailable(hass, other)
        await assert_responsive(hass)

        await unload_cleanly(hass, init_integration)
        await unload_cleanly(hass, other)


async def test_reboot_cycles_through_states(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Off, booting (garbage, then busy), then ready: each shows, none breaks."""
    status = status_entity(hass, emulator)
    assert hass.states.get(status).state == "ready"  # type: ignore[union-attr]

    await emulator.go_offline()
    await tick(hass, freezer, 30)
    assert all_unavailable(hass, init_integration)

    # Booting: the web server is up before the firmware answers sensibly.
    await emulator.come_back()
    emulator.add_fault(FaultKind.HTML_ERROR, path="/detail", count=1)
    emulator.printer.status = Status.BUSY
    await tick(hass, freezer, 30)
    assert all_unavailable(hass, init_integration)
    await assert_responsive(hass)

    await tick(hass, freezer, 30)
    assert hass.states.get(status).state == "busy"  # type: ignore[union-attr]
    assert none_unavailable(hass, init_integration)

    emulator.printer.status = Status.READY
    await tick(hass, freezer, 5)  # busy polls fast
    assert hass.states.get(status).state == "ready"  # type: ignore[union-attr]

    await emulator.go_offline()  # and it reboots again
    await tick(hass, freezer, 30)
    await unload_cleanly(hass, init_integration)


async def read_frame(response: aiohttp.ClientResponse) -> bytes:
    """Read up to the end of the first JPEG of an MJPEG response."""
    data = b""
    async with asyncio.timeout(10):
        while b"\xff\xd9" not in data:
            chunk = await response.content.read(65536)
            if not chunk:
                raise ConnectionError("the stream ended")
            data += chunk
    return data


async def test_camera_drops_and_returns(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    emulator: Emulator,
) -> None:
    """A viewer's stream ends when the printer goes; a new viewer can watch after."""
    coordinator: FlashForgeCoordinator = init_integration.runtime_data
    camera = er.async_get(hass).async_get_entity_id(
        "camera", DOMAIN, f"{emulator.serial}_camera"
    )
    assert camera is not None
    client = await hass_client()
    response = await client.get(f"/api/camera_proxy_stream/{camera}")
    assert b"\xff\xd8" in await read_frame(response)

    with patch.object(relay_module, "RECONNECT_DELAY", 0.01):
        await emulator.go_offline()
        async with asyncio.timeout(20):
            with contextlib.suppress(aiohttp.ClientError):
                while await response.content.read(65536):
                    pass
    response.close()
    await coordinator.async_refresh()
    assert hass.states.get(camera).state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    await assert_responsive(hass)

    await emulator.come_back()
    await coordinator.async_refresh()
    assert hass.states.get(camera).state != STATE_UNAVAILABLE  # type: ignore[union-attr]
    response = await client.get(f"/api/camera_proxy_stream/{camera}")
    assert response.status == 200
    assert b"\xff\xd8" in await read_frame(response)

    # Unload with a viewer attached and the printer gone again.
    await emulator.go_offline()
    await unload_cleanly(hass, init_integration)
    response.close()
