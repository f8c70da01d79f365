"""Tests for polling: adaptive intervals, errors, recovery and repair issues."""

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
import logging
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.flashforge.api import FlashForgeCommandError, FlashForgePrinter
from custom_components.flashforge.const import DOMAIN
from custom_components.flashforge.coordinator import FlashForgeCoordinator
from flashforge_emulator import Clock, Emulator, FaultKind, Status, get_profile

from .conftest import closed_port, entry_for


async def tick(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float
) -> None:
    """Move time past an interval and let the coordinator's refresh run."""
    # The coordinator schedules up to a second late to spread its polls.
    freezer.tick(timedelta(seconds=seconds + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.fixture
def coordinator(init_integration: MockConfigEntry) -> Iterator[FlashForgeCoordinator]:
    """Return the coordinator with a listener, as entities would add.

    A coordinator nobody listens to does not poll.
    """
    coordinator = init_integration.runtime_data
    unsubscribe = coordinator.async_add_listener(lambda: None)
    yield coordinator
    unsubscribe()


async def start_print(emulator: Emulator) -> None:
    """Start printing the emulator's first file, as the user would."""
    async with FlashForgePrinter(
        emulator.host, emulator.serial, emulator.check_code, port=emulator.port
    ) as client:
        await client.print_file(next(iter(emulator.files)))


async def test_polls_fast_while_printing_and_slowly_while_idle(
    hass: HomeAssistant,
    coordinator: FlashForgeCoordinator,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The interval follows the printer's state."""
    assert coordinator.update_interval == timedelta(seconds=30)

    await start_print(emulator)
    await tick(hass, freezer, 30)
    assert coordinator.data.status in {"heating", "printing"}
    assert coordinator.update_interval == timedelta(seconds=5)

    emulator.advance(3600)
    await tick(hass, freezer, 5)
    assert coordinator.data.status == "completed"
    assert coordinator.update_interval == timedelta(seconds=30)


async def test_a_state_change_shows_within_one_fast_interval(
    hass: HomeAssistant,
    coordinator: FlashForgeCoordinator,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """While printing, a pause on the printer is read at the next fast poll."""
    await start_print(emulator)
    await tick(hass, freezer, 30)
    requests = emulator.request_counts["/detail"]

    emulator.printer.status = Status.PAUSED
    await tick(hass, freezer, 5)

    assert coordinator.data.status == "paused"
    assert emulator.request_counts["/detail"] == requests + 1


async def test_unchanged_printer_notifies_nobody(
    hass: HomeAssistant,
    emulator_factory: object,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An idle printer that reports the same values calls no listener."""
    async with emulator_factory(clock=Clock.manual()) as emulator:  # type: ignore[operator]
        entry = entry_for(emulator)
        entry.add_to_hass(hass)
        await hass.config_entries.async_setup(entry.entry_id)
        coordinator = entry.runtime_data
        calls: list[None] = []
        unsubscribe = coordinator.async_add_listener(lambda: calls.append(None))

        await tick(hass, freezer, 30)
        await tick(hass, freezer, 30)
        assert calls == []
        assert emulator.request_counts["/detail"] == 3

        emulator.printer.light_on = not emulator.printer.light_on
        await tick(hass, freezer, 30)
        assert len(calls) == 1

        unsubscribe()
        assert await hass.config_entries.async_unload(entry.entry_id)


async def test_offline_and_back_logs_once_each_way(
    hass: HomeAssistant,
    coordinator: FlashForgeCoordinator,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Unavailable then available again, with one log line each way."""
    caplog.set_level(logging.INFO)
    await emulator.go_offline()

    await tick(hass, freezer, 30)
    await tick(hass, freezer, 30)
    assert coordinator.last_update_success is False
    assert coordinator.last_exception is not None
    assert coordinator.last_exception.translation_key == "cannot_connect"  # type: ignore[attr-defined]

    await emulator.come_back()
    await tick(hass, freezer, 30)

    assert coordinator.last_update_success is True
    flashforge_lines = [
        record
        for record in caplog.records
        if record.name.startswith("custom_components.flashforge")
    ]
    assert (
        sum("Error fetching" in record.getMessage() for record in flashforge_lines) == 1
    )
    assert sum("recovered" in record.getMessage() for record in flashforge_lines) == 1


async def test_unreadable_answer_is_not_offline(
    hass: HomeAssistant,
    coordinator: FlashForgeCoordinator,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Garbage from the printer is reported as such."""
    emulator.add_fault(FaultKind.INVALID_JSON, path="/detail", count=1)

    await tick(hass, freezer, 30)

    assert coordinator.last_update_success is False
    assert coordinator.last_exception.translation_key == "invalid_response"  # type: ignore[union-attr]


async def test_refused_read_is_an_update_failure(
    hass: HomeAssistant,
    coordinator: FlashForgeCoordinator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A non-zero code on /detail fails the update, naming the printer's reason."""
    # The emulator never refuses a read; firmware that does is stood in for here.
    refusal = FlashForgeCommandError(1, "Error")
    with patch.object(coordinator.printer, "detail", side_effect=refusal):
        await tick(hass, freezer, 30)

    assert coordinator.last_update_success is False
    assert coordinator.last_exception.translation_key == "update_failed"  # type: ignore[union-attr]


async def test_check_code_changed_while_running_starts_reauth(
    hass: HomeAssistant,
    coordinator: FlashForgeCoordinator,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A code-3 answer mid-run asks for the new check code."""
    # Not digits: a number of some state could hold them (274.3486111111 h).
    emulator.set_check_code("zq9Kx3Wm")

    await tick(hass, freezer, 30)

    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_long_unreachable_printer_raises_a_repair_issue(
    hass: HomeAssistant,
    coordinator: FlashForgeCoordinator,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """After an hour away a repair issue appears; it goes when the printer is back."""
    issue_id = f"unreachable_{coordinator.config_entry.entry_id}"
    await emulator.go_offline()

    await tick(hass, freezer, 30)
    await tick(hass, freezer, 30 * 60)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None

    await tick(hass, freezer, 31 * 60)
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "printer_unreachable"

    await emulator.come_back()
    await tick(hass, freezer, 30)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def retry_setup_for(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, minutes: int
) -> None:
    """Let the setup retries run for so many minutes, five at a time."""
    for _ in range(minutes // 5):
        await tick(hass, freezer, 5 * 60)


async def set_up_offline_for_55_minutes(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> str:
    """Set the entry up with its printer off, retrying for 55 minutes; return the issue id."""
    await emulator.go_offline()
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await retry_setup_for(hass, freezer, 55)
    return f"unreachable_{config_entry.entry_id}"


async def test_printer_never_reached_raises_a_repair_issue(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A printer off since Home Assistant started raises the issue after an hour."""
    issue_id = await set_up_offline_for_55_minutes(
        hass, config_entry, emulator, freezer
    )
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None

    # The retries back off to ten minutes apart.
    await retry_setup_for(hass, freezer, 15)
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "printer_unreachable"
    assert issue.translation_placeholders == {
        "name": config_entry.title,
        "host": emulator.host,
    }

    await emulator.come_back()
    await retry_setup_for(hass, freezer, 10)
    assert config_entry.state is ConfigEntryState.LOADED
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_new_address_starts_the_hour_again(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A printer moved to an address that does not answer yet gets its full hour."""
    issue_id = await set_up_offline_for_55_minutes(
        hass, config_entry, emulator, freezer
    )

    port = closed_port()
    hass.config_entries.async_update_entry(
        config_entry, data={**config_entry.data, CONF_PORT: port}
    )
    await hass.config_entries.async_reload(config_entry.entry_id)
    await retry_setup_for(hass, freezer, 15)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None

    await retry_setup_for(hass, freezer, 55)
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert config_entry.runtime_data.printer.port == port


async def test_old_firmware_raises_a_repair_issue(
    hass: HomeAssistant,
    emulator_factory: object,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A 5M Pro on firmware without the full HTTP API is told to update."""
    profile = replace(get_profile("5m-pro"), firmware_version="v3.1.2")
    async with emulator_factory(profile) as emulator:  # type: ignore[operator]
        entry = entry_for(emulator)
        entry.add_to_hass(hass)
        await hass.config_entries.async_setup(entry.entry_id)

        issue = issue_registry.async_get_issue(
            DOMAIN, f"firmware_too_old_{entry.entry_id}"
        )
        assert issue is not None
        assert issue.translation_placeholders == {
            "name": entry.title,
            "version": "v3.1.2",
            "minimum": "3.1.3",
        }

        await hass.config_entries.async_remove(entry.entry_id)
        assert (
            issue_registry.async_get_issue(DOMAIN, f"firmware_too_old_{entry.entry_id}")
            is None
        )


@pytest.mark.parametrize(
    "version",
    ["9" * 5000, "3." + "1" * 5000 + ".3", "1." * 5000 + "x"],
    ids=["digits", "long part", "many parts"],
)
async def test_any_firmware_version_sets_up(
    hass: HomeAssistant,
    emulator_factory: object,
    issue_registry: ir.IssueRegistry,
    caplog: pytest.LogCaptureFixture,
    version: str,
) -> None:
    """A firmware version no one can read sets up without an issue or a traceback."""
    profile = replace(get_profile("5m-pro"), firmware_version=version)
    async with emulator_factory(profile) as emulator:  # type: ignore[operator]
        entry = entry_for(emulator)
        entry.add_to_hass(hass)
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()

        assert entry.state is ConfigEntryState.LOADED
        assert (
            issue_registry.async_get_issue(DOMAIN, f"firmware_too_old_{entry.entry_id}")
            is None
        )
        assert "Traceback" not in caplog.text
        assert await hass.config_entries.async_unload(entry.entry_id)


async def test_current_firmware_raises_no_issue(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A 5M Pro on 3.2.7 is fine."""
    assert (
        issue_registry.async_get_issue(
            DOMAIN, f"firmware_too_old_{init_integration.entry_id}"
        )
        is None
    )
