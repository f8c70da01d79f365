"""Tests for the config flow, against the emulator over loopback."""

from collections.abc import Callable, Generator
import contextlib
from dataclasses import replace
from typing import Any
from unittest.mock import AsyncMock, patch

from homeassistant.config_entries import (
    SOURCE_INTEGRATION_DISCOVERY,
    SOURCE_USER,
    ConfigEntryState,
    ConfigFlowResult,
)
from homeassistant.const import CONF_HOST, CONF_NAME, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, UnknownHandler
from homeassistant.setup import async_setup_component
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.flashforge import discovery
from custom_components.flashforge.const import (
    CONF_CHECK_CODE,
    CONF_SERIAL_NUMBER,
    CONF_TCP_PORT,
    DOMAIN,
)
from custom_components.flashforge.discovery import (
    CONF_PRINTER,
    TARGETS_ENVIRONMENT_VARIABLE,
)
from flashforge_emulator import Emulator, Profile, get_profile
from flashforge_emulator.faults import FaultKind
from tests.conftest import EmulatorFactory
from tests.emulator.helpers import tcp_session

from .conftest import closed_port, entry_for, offline

OTHER_SERIAL = "SNFFEMU00002"


@pytest.fixture
def mock_setup_entry() -> Generator[AsyncMock]:
    """Keep created entries from connecting: these tests are about the flow."""
    with patch(
        "custom_components.flashforge.async_setup_entry", return_value=True
    ) as mock:
        yield mock


@pytest.fixture(autouse=True)
def fast_discovery(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wait a fraction of a second for discovery replies: loopback is quick."""
    monkeypatch.setattr(discovery, "DISCOVERY_TIMEOUT", 0.3)


def scan(monkeypatch: pytest.MonkeyPatch, *emulators: Emulator) -> None:
    """Send discovery to these emulators' responders only."""
    monkeypatch.setenv(
        TARGETS_ENVIRONMENT_VARIABLE,
        ",".join(f"127.0.0.1:{emu.discovery_port}" for emu in emulators),
    )


def address(emu: Emulator, **changes: Any) -> dict[str, Any]:
    """Return the user form's input for an emulator with both APIs."""
    return {
        CONF_HOST: emu.host,
        CONF_PORT: emu.port,
        CONF_TCP_PORT: emu.tcp_port,
        CONF_SERIAL_NUMBER: emu.serial,
        CONF_CHECK_CODE: emu.check_code,
    } | changes


def entry_data(emu: Emulator, *, tcp: bool = True) -> dict[str, Any]:
    """Return the data an entry for an emulator must hold.

    ``tcp`` False: an entry made before the flow asked the TCP API, which
    keeps no TCP port until the coordinator finds one.
    """
    data = {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: emu.port,
        CONF_SERIAL_NUMBER: emu.serial,
        CONF_CHECK_CODE: emu.check_code,
    }
    # The TCP port goes in where the flow found the TCP API answering.
    if not tcp or emu.tcp_port is None:
        return data
    return data | {CONF_TCP_PORT: emu.tcp_port}


def fields(result: ConfigFlowResult) -> dict[str, Any]:
    """Return a form's fields (probatio markers) by key."""
    schema = result["data_schema"]
    assert schema is not None
    return {marker.schema: marker for marker in schema.schema}


def selector(result: ConfigFlowResult, key: str) -> Any:
    """Return the selector of a form's field."""
    schema = result["data_schema"]
    assert schema is not None
    return schema.schema[fields(result)[key]]


def suggested(result: ConfigFlowResult) -> dict[str, Any]:
    """Return a form's suggested values."""
    return {
        key: (marker.description or {}).get("suggested_value")
        for key, marker in fields(result).items()
    }


async def start_user_flow(hass: HomeAssistant) -> ConfigFlowResult:
    """Open the user form."""
    return await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )


async def start_discovery_flow(hass: HomeAssistant, emu: Emulator) -> ConfigFlowResult:
    """Start the flow the integration's discovery starts for an emulator."""
    return await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_INTEGRATION_DISCOVERY},
        data={
            CONF_NAME: emu.detail()["name"],
            CONF_HOST: emu.host,
            CONF_PORT: emu.port,
            CONF_TCP_PORT: emu.tcp_port,
            CONF_SERIAL_NUMBER: emu.serial,
        },
    )


# The user step


async def test_user_creates_entry(
    hass: HomeAssistant, emulator: Emulator, mock_setup_entry: AsyncMock
) -> None:
    result = await start_user_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert not result["errors"]
    form = fields(result)
    assert list(form) == [
        CONF_HOST,
        CONF_PORT,
        CONF_TCP_PORT,
        CONF_SERIAL_NUMBER,
        CONF_CHECK_CODE,
    ]
    assert isinstance(form[CONF_HOST], probatio.Optional)
    assert isinstance(form[CONF_SERIAL_NUMBER], probatio.Optional)
    assert form[CONF_PORT].default() == 8898
    assert isinstance(form[CONF_PORT], probatio.Required)
    assert form[CONF_TCP_PORT].default() == 8899
    assert isinstance(form[CONF_TCP_PORT], probatio.Required)
    # A printer with only the TCP API needs no check code.
    assert isinstance(form[CONF_CHECK_CODE], probatio.Optional)
    assert selector(result, CONF_CHECK_CODE).config["type"] == "password"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], address(emulator)
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == emulator.detail()["name"] == "Adventurer 5M Pro"
    assert result["data"] == entry_data(emulator)
    assert result["options"] == {}
    entry = result["result"]
    assert (entry.version, entry.minor_version) == (1, 2)
    assert entry.unique_id == emulator.serial
    assert entry.data == entry_data(emulator)
    # One without credentials to find the API, one to test them.
    assert emulator.request_counts["/detail"] == 2
    assert len(mock_setup_entry.mock_calls) == 1


async def test_user_strips_whitespace_and_keeps_serial_case(
    hass: HomeAssistant, emulator_factory: EmulatorFactory, mock_setup_entry: AsyncMock
) -> None:
    async with emulator_factory("ad5x", serial="SNad5x0042Ab", name="Workshop") as emu:
        result = await start_user_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            address(
                emu,
                host=f"  {emu.host}\t",
                serial_number=f" {emu.serial} \n",
                check_code=f"\t{emu.check_code}  ",
            ),
        )

        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["title"] == "Workshop"
        assert result["data"] == entry_data(emu)
        assert result["data"][CONF_SERIAL_NUMBER] == "SNad5x0042Ab"
        assert result["result"].unique_id == "SNad5x0042Ab"


async def test_user_title_falls_back_to_serial(
    hass: HomeAssistant, emulator: Emulator, mock_setup_entry: AsyncMock
) -> None:
    emulator.printer.name = ""  # a printer nobody named answers without one
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], address(emulator)
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == emulator.serial


async def test_user_cannot_connect_when_nothing_listens(
    hass: HomeAssistant, emulator: Emulator, mock_setup_entry: AsyncMock
) -> None:
    await emulator.go_offline()
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], address(emulator)
    )

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": "cannot_connect"}
    # What was typed stays, so that trying again is quick; the check code is
    # typed again, as no form carries it back to the browser.
    assert suggested(result) == {**address(emulator), CONF_CHECK_CODE: None}

    await emulator.come_back()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], address(emulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(
    ("fault", "count", "error"),
    [
        # The probe's request and the read both get the broken answer.
        (FaultKind.HTML_ERROR, 2, "cannot_connect"),
        (FaultKind.INVALID_JSON, 2, "cannot_connect"),
        # An HTTP port that hangs up counts as none; TCP does not answer here.
        (FaultKind.DROP, 1, "cannot_connect"),
    ],
)
async def test_user_errors_on_bad_answers(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    mock_setup_entry: AsyncMock,
    fault: FaultKind,
    count: int,
    error: str,
) -> None:
    async with emulator_factory("creator5", command_seconds=0) as emu:
        emu.add_fault(fault, "/detail", count=count)
        typed = address(emu, tcp_port=closed_port())
        result = await start_user_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], typed
        )

        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {"base": error}

        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], typed
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["data"] == entry_data(emu)


async def test_user_invalid_auth(
    hass: HomeAssistant, emulator: Emulator, mock_setup_entry: AsyncMock
) -> None:
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], address(emulator, check_code="00000000")
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    assert suggested(result)[CONF_SERIAL_NUMBER] == emulator.serial
    assert suggested(result)[CONF_CHECK_CODE] is None

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], address(emulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_CHECK_CODE] == emulator.check_code


@pytest.mark.parametrize(
    ("target", "logged"),
    [
        (
            "custom_components.flashforge.api.FlashForgePrinter.detail",
            "Unexpected error reading the printer at 127.0.0.1",
        ),
        (
            "custom_components.flashforge.printer_flow.probe_printer",
            "Unexpected error asking the printer at 127.0.0.1",
        ),
    ],
)
async def test_user_unknown_error(
    hass: HomeAssistant,
    emulator: Emulator,
    mock_setup_entry: AsyncMock,
    caplog: pytest.LogCaptureFixture,
    target: str,
    logged: str,
) -> None:
    result = await start_user_flow(hass)
    with patch(target, side_effect=RuntimeError("boom")):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], address(emulator)
        )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unknown"}
    assert logged in caplog.text
    assert emulator.check_code not in caplog.text

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], address(emulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_incomplete_address(
    hass: HomeAssistant, emulator: Emulator, mock_setup_entry: AsyncMock
) -> None:
    """A serial number without an address is neither a printer nor a search."""
    result = await start_user_flow(hass)
    user_input = address(emulator)
    del user_input[CONF_HOST]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "incomplete_address"}
    assert emulator.request_counts["/detail"] == 0
    assert emulator.tcp_commands == []

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], address(emulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_already_configured_updates_address(
    hass: HomeAssistant, emulator: Emulator, mock_setup_entry: AsyncMock
) -> None:
    entry = entry_for(emulator)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, data=entry.data | {CONF_HOST: "localhost", CONF_PORT: closed_port()}
    )

    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], address(emulator)
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data == entry_data(emulator)
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


# Searching the network from the user step


async def test_search_then_pick_creates_entry(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    mock_setup_entry: AsyncMock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with (
        emulator_factory("ad5x", discovery_port=0) as emu,
        emulator_factory(
            "5m", discovery_port=0, serial=OTHER_SERIAL, name="Garage"
        ) as other,
    ):
        scan(monkeypatch, emu, other)
        result = await start_user_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_PORT: 8898, CONF_CHECK_CODE: emu.check_code}
        )

        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == "pick_printer"
        assert selector(result, CONF_PRINTER).config["options"] == [
            {"value": emu.serial, "label": "AD5X (127.0.0.1)"},
            {"value": OTHER_SERIAL, "label": "Garage (127.0.0.1)"},
        ]

        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_PRINTER: emu.serial}
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["title"] == "AD5X"
        # The ports come from the printer's discovery reply, not the form. A
        # modern reply names the firmware's TCP port, 8899, not the emulator's:
        # whether anything serves 8899 here is none of this test's business.
        data = dict(result["data"])
        assert data.pop(CONF_TCP_PORT, 8899) == 8899
        assert data == entry_data(emu, tcp=False)
        assert result["result"].unique_id == emu.serial
        await hass.async_block_till_done()


async def test_search_pick_error_returns_to_user_form(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    mock_setup_entry: AsyncMock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with emulator_factory(discovery_port=0) as emu:
        scan(monkeypatch, emu)
        result = await start_user_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_PORT: 8898, CONF_CHECK_CODE: "00000000"}
        )
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_PRINTER: emu.serial}
        )

        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == "user"
        assert result["errors"] == {"base": "invalid_auth"}
        # The picked printer's address is filled in; the code is typed again,
        # as a form never carries it back to the browser.
        assert suggested(result) == {
            **address(emu, tcp_port=8899),  # as the discovery reply names it
            CONF_CHECK_CODE: None,
        }

        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], address(emu)
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["data"] == entry_data(emu)
        await hass.async_block_till_done()


async def test_search_finds_nothing(
    hass: HomeAssistant, emulator: Emulator, mock_setup_entry: AsyncMock
) -> None:
    # The autouse fixture leaves no discovery targets: nobody can answer.
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_HOST: " ", CONF_PORT: 8898, CONF_SERIAL_NUMBER: "", CONF_CHECK_CODE: "1"},
    )

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": "no_printers_found"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], address(emulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_search_skips_configured_printers(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    mock_setup_entry: AsyncMock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with emulator_factory(discovery_port=0) as emu:
        entry_for(emu).add_to_hass(hass)
        scan(monkeypatch, emu)
        result = await start_user_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_PORT: 8898, CONF_CHECK_CODE: emu.check_code}
        )

        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {"base": "no_printers_found"}
        assert emu.request_counts["/detail"] == 0


# Integration discovery


async def test_discovery_creates_entry(
    hass: HomeAssistant, emulator: Emulator, mock_setup_entry: AsyncMock
) -> None:
    result = await start_discovery_flow(hass, emulator)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "discovery_confirm"
    assert list(fields(result)) == [CONF_CHECK_CODE]
    assert result["description_placeholders"] == {
        "name": "Adventurer 5M Pro",
        "host": "127.0.0.1",
        "serial_number": emulator.serial,
    }
    (flow,) = hass.config_entries.flow.async_progress()
    assert flow["context"]["title_placeholders"] == {
        "name": "Adventurer 5M Pro",
        "host": "127.0.0.1",
    }

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CHECK_CODE: "00000000"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "discovery_confirm"
    assert result["errors"] == {"base": "invalid_auth"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CHECK_CODE: f" {emulator.check_code} "}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Adventurer 5M Pro"
    assert result["data"] == entry_data(emulator)
    assert result["result"].unique_id == emulator.serial


async def test_discovery_already_in_progress(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    result = await start_discovery_flow(hass, emulator)
    assert result["type"] is FlowResultType.FORM

    result = await start_discovery_flow(hass, emulator)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_in_progress"


async def test_user_flow_replaces_discovery_flow(
    hass: HomeAssistant, emulator: Emulator, mock_setup_entry: AsyncMock
) -> None:
    await start_discovery_flow(hass, emulator)
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], address(emulator)
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    # The pending discovery of the same printer is gone with it.
    assert not hass.config_entries.flow.async_progress()


async def test_discovery_of_configured_printer_updates_address_and_reloads(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    # The printer got a new address: the entry cannot reach it any more.
    entry = entry_for(emulator)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, data=entry.data | {CONF_HOST: "localhost", CONF_PORT: closed_port()}
    )
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY

    result = await start_discovery_flow(hass, emulator)
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data == entry_data(emulator, tcp=False)
    assert entry.state is ConfigEntryState.LOADED


async def test_discovery_of_configured_printer_at_same_address(
    hass: HomeAssistant, init_integration: MockConfigEntry, emulator: Emulator
) -> None:
    detail_reads = emulator.request_counts["/detail"]
    result = await start_discovery_flow(hass, emulator)
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert init_integration.state is ConfigEntryState.LOADED
    # Nothing changed, so nothing reloaded.
    assert emulator.request_counts["/detail"] == detail_reads


# Reauthentication


async def test_reauth(
    hass: HomeAssistant, init_integration: MockConfigEntry, emulator: Emulator
) -> None:
    emulator.set_check_code("87654321")
    result = await init_integration.start_reauth_flow(hass)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert list(fields(result)) == [CONF_CHECK_CODE]
    assert result["description_placeholders"] == {"name": "Adventurer 5M Pro"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CHECK_CODE: "00000000"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}

    await emulator.go_offline()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CHECK_CODE: "87654321"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}

    await emulator.come_back()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CHECK_CODE: " 87654321 "}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert init_integration.data[CONF_CHECK_CODE] == "87654321"
    assert init_integration.state is ConfigEntryState.LOADED
    assert init_integration.runtime_data.last_update_success


async def test_reauth_leaves_no_flow_behind(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    emulator: Emulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    emulator.set_check_code("87654321")
    result = await init_integration.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CHECK_CODE: "87654321"}
    )
    await hass.async_block_till_done()

    assert result["reason"] == "reauth_successful"
    assert not hass.config_entries.flow.async_progress()
    assert "has an update listener" not in caplog.text


# Reconfiguration


async def test_reconfigure_to_new_address(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    emulator: Emulator,
    emulator_factory: EmulatorFactory,
) -> None:
    result = await init_integration.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    # The stored check code is not sent to the browser.
    assert suggested(result) == {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: emulator.port,
        CONF_CHECK_CODE: None,
    }
    assert fields(result)[CONF_CHECK_CODE].default is probatio.UNDEFINED

    # The same printer, now answering elsewhere with a new check code.
    async with emulator_factory(serial=emulator.serial, check_code="24682468") as moved:
        await emulator.go_offline()
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {
                CONF_HOST: " 127.0.0.1 ",
                CONF_PORT: moved.port,
                CONF_CHECK_CODE: "24682468",
            },
        )
        await hass.async_block_till_done()

        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "reconfigure_successful"
        assert init_integration.data == entry_data(moved, tcp=False)
        assert init_integration.state is ConfigEntryState.LOADED
        assert init_integration.runtime_data.printer.port == moved.port

        assert await hass.config_entries.async_unload(init_integration.entry_id)


async def test_reconfigure_cannot_connect(
    hass: HomeAssistant, init_integration: MockConfigEntry, emulator: Emulator
) -> None:
    port = closed_port()
    result = await init_integration.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_HOST: "127.0.0.1", CONF_PORT: port, CONF_CHECK_CODE: "11112222"},
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    # The form keeps the address typed, never a check code.
    assert suggested(result) == {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: port,
        CONF_CHECK_CODE: None,
    }
    assert init_integration.data == entry_data(emulator, tcp=False)


@pytest.mark.parametrize("check_code", [None, "", "  "])
async def test_reconfigure_without_check_code_keeps_the_stored_one(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    emulator: Emulator,
    emulator_factory: EmulatorFactory,
    check_code: str | None,
) -> None:
    """A check code left empty (or not sent) is the stored one, tested at the new port."""
    typed = {} if check_code is None else {CONF_CHECK_CODE: check_code}
    async with emulator_factory(
        serial=emulator.serial, check_code=emulator.check_code
    ) as moved:
        result = await init_integration.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_HOST: moved.host, CONF_PORT: moved.port, **typed}
        )
        await hass.async_block_till_done()

        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "reconfigure_successful"
        assert init_integration.data == entry_data(moved, tcp=False)
        assert moved.request_counts["/detail"] >= 1
        assert await hass.config_entries.async_unload(init_integration.entry_id)


async def test_reconfigure_with_stored_check_code_refused(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    emulator: Emulator,
) -> None:
    """An empty check code the printer now refuses is a wrong check code."""
    stored = emulator.check_code
    emulator.set_check_code("87654321")
    result = await init_integration.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: emulator.host, CONF_PORT: emulator.port}
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    assert suggested(result)[CONF_CHECK_CODE] is None
    assert init_integration.data[CONF_CHECK_CODE] == stored


async def test_reconfigure_form_sent_to_the_browser_holds_no_check_code(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    emulator: Emulator,
) -> None:
    """The form as the frontend receives it, first and after an error, has no code."""
    assert await async_setup_component(hass, "config", {})
    client = await hass_client()
    response = await client.post(
        "/api/config/config_entries/flow",
        json={"handler": DOMAIN, "entry_id": init_integration.entry_id},
    )
    assert response.status == 200
    form = await response.json()
    assert form["step_id"] == "reconfigure"
    assert emulator.check_code not in await response.text()

    response = await client.post(
        f"/api/config/config_entries/flow/{form['flow_id']}",
        json={CONF_HOST: "127.0.0.1", CONF_PORT: closed_port()},
    )
    assert response.status == 200
    assert (await response.json())["errors"] == {"base": "cannot_connect"}
    assert emulator.check_code not in await response.text()


async def test_reconfigure_invalid_auth(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with emulator_factory(discovery_port=0) as emu:
        entry = entry_for(emu)
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()

        # Nothing answers discovery: a rejection is a wrong check code.
        result = await entry.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {CONF_HOST: emu.host, CONF_PORT: emu.port, CONF_CHECK_CODE: "00000000"},
        )
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {"base": "invalid_auth"}

        # The printer there reports the configured serial: still the code.
        scan(monkeypatch, emu)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {CONF_HOST: emu.host, CONF_PORT: emu.port, CONF_CHECK_CODE: "00000000"},
        )
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {"base": "invalid_auth"}

        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {CONF_HOST: emu.host, CONF_PORT: emu.port, CONF_CHECK_CODE: emu.check_code},
        )
        await hass.async_block_till_done()
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "reconfigure_successful"
        assert entry.state is ConfigEntryState.LOADED

        assert await hass.config_entries.async_unload(entry.entry_id)


async def test_reconfigure_wrong_device(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    emulator: Emulator,
    emulator_factory: EmulatorFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with emulator_factory(
        "ad5x", discovery_port=0, serial=OTHER_SERIAL, check_code="13572468"
    ) as other:
        scan(monkeypatch, other)
        result = await init_integration.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {CONF_HOST: other.host, CONF_PORT: other.port, CONF_CHECK_CODE: "13572468"},
        )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_device"
    assert result["description_placeholders"] == {CONF_SERIAL_NUMBER: OTHER_SERIAL}
    assert init_integration.data == entry_data(emulator, tcp=False)
    assert init_integration.state is ConfigEntryState.LOADED


# Options


async def test_no_options(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Polling is not the user's to set: the entry offers no options."""
    assert init_integration.supports_options is False
    with pytest.raises(UnknownHandler):
        await hass.config_entries.options.async_init(init_integration.entry_id)


# Printers that speak only TCP

# A 5M on firmware before 3.1.3: its HTTP port answers, without what is needed.
OLD_5M = replace(get_profile("5m"), firmware_version="3.0.9")
# The same, with a machine type that does not name the model: /detail tells.
OLD_5M_UNNAMED = replace(OLD_5M, machine_type="Flashforge 3D Printer")


def tcp_address(emu: Emulator, **changes: Any) -> dict[str, Any]:
    """Return the user form's input for an emulator, found by its address alone."""
    return {
        CONF_HOST: emu.host,
        CONF_PORT: emu.port or closed_port(),
        CONF_TCP_PORT: emu.tcp_port,
    } | changes


def tcp_entry_data(emu: Emulator, unique_id: str | None = None) -> dict[str, Any]:
    """Return the data an entry for an emulator that speaks only TCP must hold."""
    return {
        CONF_HOST: "127.0.0.1",
        CONF_SERIAL_NUMBER: unique_id or emu.serial,
        CONF_TCP_PORT: emu.tcp_port,
    }


async def start_tcp_discovery_flow(
    hass: HomeAssistant, emu: Emulator
) -> ConfigFlowResult:
    """Start the flow discovery starts for a legacy reply (no serial, no HTTP port)."""
    return await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_INTEGRATION_DISCOVERY},
        data={
            CONF_NAME: emu.detail()["name"],
            CONF_HOST: emu.host,
            CONF_PORT: None,
            CONF_TCP_PORT: emu.tcp_port,
            CONF_SERIAL_NUMBER: None,
        },
    )


@pytest.mark.parametrize(
    ("model", "typed", "title"),
    [
        ("adventurer3", {}, "Adventurer 3"),
        ("adventurer4", {}, "Adventurer 4"),
        # What is typed for an HTTP printer does not matter to a TCP one.
        ("adventurer4", {CONF_SERIAL_NUMBER: "SNOTHER", CONF_CHECK_CODE: "x"}, None),
        (OLD_5M, {}, "Adventurer 5M"),
        (OLD_5M, {CONF_SERIAL_NUMBER: "SNFFEMU00001", CONF_CHECK_CODE: "1"}, None),
    ],
)
async def test_user_adds_tcp_only_printer(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    mock_setup_entry: AsyncMock,
    model: Profile | str,
    typed: dict[str, str],
    title: str | None,
) -> None:
    """A printer without a usable HTTP API is added by its address, without a code."""
    async with emulator_factory(model, command_seconds=0) as emu:
        result = await start_user_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], tcp_address(emu, **typed)
        )

        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["title"] == (title or emu.detail()["name"])
        assert result["data"] == tcp_entry_data(emu)
        assert result["result"].unique_id == emu.serial
        # The session was released: the printer is free for other programs.
        assert not emu.tcp_control_held


@pytest.mark.parametrize("model", ["adventurer3", "adventurer4", OLD_5M])
async def test_tcp_only_entry_sets_up(
    hass: HomeAssistant, emulator_factory: EmulatorFactory, model: Profile | str
) -> None:
    """What the flow stores is what the integration needs to reach the printer."""
    async with emulator_factory(model, command_seconds=0) as emu:
        result = await start_user_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], tcp_address(emu)
        )
        await hass.async_block_till_done(wait_background_tasks=True)

        entry = result["result"]
        assert entry.state is ConfigEntryState.LOADED
        assert entry.runtime_data.last_update_success
        assert await hass.config_entries.async_unload(entry.entry_id)


async def test_old_5m_known_by_its_detail_is_added_as_tcp(
    hass: HomeAssistant, emulator_factory: EmulatorFactory, mock_setup_entry: AsyncMock
) -> None:
    """Where M115 does not name the model, /detail tells the firmware is too old."""
    async with emulator_factory(OLD_5M_UNNAMED, command_seconds=0) as emu:
        result = await start_user_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], tcp_address(emu)
        )
        # Nothing tells the HTTP API is unusable until it is read.
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {"base": "http_credentials_required"}
        assert suggested(result)[CONF_SERIAL_NUMBER] == emu.serial

        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], address(emu)
        )

        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["data"] == tcp_entry_data(emu)


@pytest.mark.parametrize(
    ("serial", "mac", "unique_id"),
    [("", "02:20:5D:33:4D:9D", "02:20:5D:33:4D:9D"), ("SNA4X0001", "", "SNA4X0001")],
)
async def test_tcp_only_printer_unique_id_is_serial_else_mac(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    mock_setup_entry: AsyncMock,
    serial: str,
    mac: str,
    unique_id: str,
) -> None:
    async with emulator_factory("adventurer4", serial=serial) as emu:
        emu.core.mac_addr = mac
        result = await start_user_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], tcp_address(emu)
        )

        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["data"] == tcp_entry_data(emu, unique_id)
        assert result["result"].unique_id == unique_id


async def test_tcp_only_printer_without_identity(
    hass: HomeAssistant, emulator_factory: EmulatorFactory, mock_setup_entry: AsyncMock
) -> None:
    """Neither a serial number nor a MAC address: nothing to tell it apart by."""
    async with emulator_factory("adventurer3", serial="") as emu:
        emu.core.mac_addr = ""
        result = await start_user_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], tcp_address(emu)
        )

        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {"base": "no_serial_number"}
        assert not hass.config_entries.async_entries(DOMAIN)


async def test_tcp_only_printer_in_use(
    hass: HomeAssistant, emulator_factory: EmulatorFactory, mock_setup_entry: AsyncMock
) -> None:
    """Another program holds control: say so, and add it once it lets go."""
    async with emulator_factory("adventurer4") as emu:
        result = await start_user_flow(hass)
        async with tcp_session(emu):
            result = await hass.config_entries.flow.async_configure(
                result["flow_id"], tcp_address(emu)
            )

            assert result["type"] is FlowResultType.FORM
            assert result["step_id"] == "user"
            assert result["errors"] == {"base": "in_use"}

        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], tcp_address(emu)
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_tcp_only_printer_cannot_connect(
    hass: HomeAssistant, emulator_factory: EmulatorFactory, mock_setup_entry: AsyncMock
) -> None:
    async with emulator_factory("adventurer3") as emu:
        typed = tcp_address(emu)
        await emu.go_offline()
        result = await start_user_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], typed
        )

        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {"base": "cannot_connect"}
        assert suggested(result) == {
            **typed,
            CONF_SERIAL_NUMBER: "",
            CONF_CHECK_CODE: None,
        }

        await emu.come_back()
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], typed
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(
    "typed",
    [{}, {CONF_SERIAL_NUMBER: "SNFFEMU00001"}, {CONF_CHECK_CODE: "12345678"}],
)
async def test_http_printer_needs_serial_and_check_code(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    mock_setup_entry: AsyncMock,
    typed: dict[str, str],
) -> None:
    """A printer with the HTTP API and no TCP API to tell its serial needs both."""
    async with emulator_factory("creator5") as emu:
        result = await start_user_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], tcp_address(emu, tcp_port=closed_port(), **typed)
        )

        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {"base": "http_credentials_required"}
        assert emu.request_counts["/detail"] == 1  # the probe's, refused

        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], address(emu, tcp_port=closed_port())
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["data"] == entry_data(emu)


async def test_http_printer_serial_from_tcp(
    hass: HomeAssistant, emulator: Emulator, mock_setup_entry: AsyncMock
) -> None:
    """Where the TCP API answers too, its M115 tells the serial number."""
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], address(emulator, serial_number="")
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == entry_data(emulator)
    assert result["result"].unique_id == emulator.serial


async def test_tcp_only_printer_already_configured_updates_address(
    hass: HomeAssistant, emulator_factory: EmulatorFactory, mock_setup_entry: AsyncMock
) -> None:
    async with emulator_factory("adventurer4") as emu:
        entry = entry_for(emu, host="localhost", tcp_port=closed_port())
        entry.add_to_hass(hass)

        result = await start_user_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], tcp_address(emu)
        )

        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "already_configured"
        assert entry.data == tcp_entry_data(emu)


async def test_search_then_pick_legacy_printer(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    mock_setup_entry: AsyncMock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A legacy printer is listed by name and added without a check code."""
    async with (
        emulator_factory("adventurer4", discovery_port=0, name="Shed") as legacy,
        emulator_factory("ad5x", discovery_port=0, serial=OTHER_SERIAL) as modern,
    ):
        scan(monkeypatch, legacy, modern)
        result = await start_user_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_PORT: 8898, CONF_TCP_PORT: 8899}
        )

        assert result["step_id"] == "pick_printer"
        key = f"127.0.0.1:{legacy.tcp_port}"
        assert selector(result, CONF_PRINTER).config["options"] == [
            {"value": key, "label": "Shed (127.0.0.1)"},
            {"value": OTHER_SERIAL, "label": "AD5X (127.0.0.1)"},
        ]

        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_PRINTER: key}
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["title"] == "Shed"
        # The TCP port is the one the legacy reply names.
        assert result["data"] == tcp_entry_data(legacy)
        # The HTTP API a legacy reply does not name is not asked.
        assert modern.request_counts["/detail"] == 0


async def test_search_skips_configured_legacy_printers(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    mock_setup_entry: AsyncMock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with emulator_factory("adventurer3", discovery_port=0) as emu:
        entry_for(emu).add_to_hass(hass)
        scan(monkeypatch, emu)
        result = await start_user_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_PORT: 8898, CONF_TCP_PORT: 8899}
        )

        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {"base": "no_printers_found"}
        assert emu.tcp_commands == []


# Discovery of printers that speak only TCP


async def test_tcp_discovery_creates_entry(
    hass: HomeAssistant, emulator_factory: EmulatorFactory, mock_setup_entry: AsyncMock
) -> None:
    async with emulator_factory("adventurer3") as emu:
        result = await start_tcp_discovery_flow(hass, emu)

        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == "discovery_confirm_tcp"
        assert result["data_schema"] is None  # nothing to type: confirm only
        assert result["description_placeholders"] == {
            "name": "Adventurer 3",
            "host": "127.0.0.1",
        }
        (flow,) = hass.config_entries.flow.async_progress()
        # M115 told who it is: a second scan's flow gives way to this one.
        assert flow["context"]["unique_id"] == emu.serial
        assert flow["context"]["confirm_only"] is True
        assert (await start_tcp_discovery_flow(hass, emu))[
            "reason"
        ] == "already_in_progress"

        result = await hass.config_entries.flow.async_configure(result["flow_id"], {})

        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["title"] == "Adventurer 3"
        assert result["data"] == tcp_entry_data(emu)
        assert result["result"].unique_id == emu.serial


async def test_tcp_discovery_while_in_use(
    hass: HomeAssistant, emulator_factory: EmulatorFactory, mock_setup_entry: AsyncMock
) -> None:
    """Unread, the printer is offered by its address, once; the confirmation reads it."""
    async with emulator_factory("adventurer4") as emu:
        async with tcp_session(emu):
            result = await start_tcp_discovery_flow(hass, emu)
            assert result["step_id"] == "discovery_confirm_tcp"
            again = await start_tcp_discovery_flow(hass, emu)
            assert again["type"] is FlowResultType.ABORT
            assert again["reason"] == "already_in_progress"

            result = await hass.config_entries.flow.async_configure(
                result["flow_id"], {}
            )
            assert result["type"] is FlowResultType.FORM
            assert result["errors"] == {"base": "in_use"}

        result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["data"] == tcp_entry_data(emu)


async def test_tcp_discovery_of_configured_printer_at_same_address(
    hass: HomeAssistant, emulator_factory: EmulatorFactory
) -> None:
    """A legacy reply from a configured printer's address costs the printer nothing."""
    async with emulator_factory("adventurer4") as emu:
        entry_for(emu).add_to_hass(hass)

        result = await start_tcp_discovery_flow(hass, emu)

        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "already_configured"
        assert emu.tcp_commands == []


async def test_tcp_discovery_of_moved_printer_updates_address(
    hass: HomeAssistant, emulator_factory: EmulatorFactory, mock_setup_entry: AsyncMock
) -> None:
    async with emulator_factory("adventurer3") as emu:
        entry = entry_for(emu, tcp_port=closed_port())
        entry.add_to_hass(hass)

        result = await start_tcp_discovery_flow(hass, emu)
        await hass.async_block_till_done()

        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "already_configured"
        assert entry.data == tcp_entry_data(emu)


# Reconfiguring a printer that speaks only TCP


async def test_tcp_reconfigure_to_new_address(
    hass: HomeAssistant, emulator_factory: EmulatorFactory, mock_setup_entry: AsyncMock
) -> None:
    async with emulator_factory("adventurer4") as emu:
        entry = entry_for(emu, tcp_port=closed_port())
        entry.add_to_hass(hass)

        result = await entry.start_reconfigure_flow(hass)
        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == "reconfigure_tcp"
        assert suggested(result) == {
            CONF_HOST: "127.0.0.1",
            CONF_TCP_PORT: entry.data[CONF_TCP_PORT],
        }

        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_HOST: " 127.0.0.1 ", CONF_TCP_PORT: emu.tcp_port}
        )
        await hass.async_block_till_done()

        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "reconfigure_successful"
        assert entry.data == tcp_entry_data(emu)


async def test_tcp_reconfigure_wrong_device(
    hass: HomeAssistant, emulator_factory: EmulatorFactory
) -> None:
    async with (
        emulator_factory("adventurer4") as emu,
        emulator_factory("adventurer3", serial=OTHER_SERIAL) as other,
    ):
        entry = entry_for(emu)
        entry.add_to_hass(hass)

        result = await entry.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_HOST: other.host, CONF_TCP_PORT: other.tcp_port}
        )

        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "wrong_device"
        assert result["description_placeholders"] == {CONF_SERIAL_NUMBER: OTHER_SERIAL}
        assert entry.data == tcp_entry_data(emu)


@pytest.mark.parametrize(
    ("trouble", "error"),
    [(offline, "cannot_connect"), (tcp_session, "in_use")],
)
async def test_tcp_reconfigure_errors(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    trouble: Callable[[Emulator], Any],
    error: str,
) -> None:
    async with emulator_factory("adventurer3") as emu:
        entry = entry_for(emu)
        entry.add_to_hass(hass)
        typed = {CONF_HOST: emu.host, CONF_TCP_PORT: emu.tcp_port}
        result = await entry.start_reconfigure_flow(hass)

        async with contextlib.AsyncExitStack() as stack:
            held = trouble(emu)
            if isinstance(held, contextlib.AbstractAsyncContextManager):
                await stack.enter_async_context(held)
            else:
                await held
            result = await hass.config_entries.flow.async_configure(
                result["flow_id"], typed
            )

        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == "reconfigure_tcp"
        assert result["errors"] == {"base": error}
        assert suggested(result) == typed
        assert entry.data == tcp_entry_data(emu)


async def test_discovered_old_5m_needs_no_check_code(
    hass: HomeAssistant, emulator_factory: EmulatorFactory, mock_setup_entry: AsyncMock
) -> None:
    """A 5M before 3.1.3 sends the modern reply, but is added over TCP, without a code."""
    async with emulator_factory(OLD_5M, command_seconds=0) as emu:
        result = await start_discovery_flow(hass, emu)

        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == "discovery_confirm_tcp"
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {})

        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["data"] == tcp_entry_data(emu)
        assert result["result"].unique_id == emu.serial
