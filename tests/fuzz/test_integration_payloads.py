"""Fuzz target 3: the whole integration on generated /product and /detail answers."""

from collections.abc import AsyncIterator, Iterator
import contextlib
from datetime import datetime
import itertools
import json
import logging
import math
from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from hypothesis import example, given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.flashforge.api.const import MAX_NAME_LENGTH, MAX_VERSION_LENGTH
from custom_components.flashforge.const import (
    CONF_CHECK_CODE,
    CONF_SERIAL_NUMBER,
    DOMAIN,
)

from .peer import RawPeer, raw_peer
from .profiles import INTEGRATION
from .strategies import detail_objects, product_objects, raw_answers, to_json

CHECK_CODE = "fuzzcheck42"
# The code a printer answers with when the serial number or check code is wrong.
ACCESS_REFUSED = 3
# A new printer per example: Home Assistant removes a device's entities lazily.
_serials = itertools.count(1)
NO_VALUE = {STATE_UNKNOWN, STATE_UNAVAILABLE}
ON_OFF = {"on", "off", *NO_VALUE}
# Loggers that speak about the test machine, not the integration.
ENVIRONMENT_LOGGERS = {"homeassistant.components.camera.img_util"}

# Sensors that show one detail key as is: without the key, they are unknown.
SENSOR_KEYS: dict[str, str] = {
    "current_layer": "printLayer",
    "total_layers": "targetPrintLayer",
    "print_duration": "printDuration",
    "nozzle_size": "nozzleModel",
    "lifetime_filament": "cumulativeFilament",
    "lifetime_print_time": "cumulativePrintTime",
    "free_disk_space": "remainingDiskSpace",
    "ip_address": "ipAddr",
    "firmware_version": "firmwareVersion",
    "tvoc": "tvoc",
}
# Of those, the counts, sizes, durations and percentages: negative is unreported.
NON_NEGATIVE_KEYS = set(SENSOR_KEYS) - {
    "nozzle_size",
    "ip_address",
    "firmware_version",
}


@pytest.fixture
async def peer(socket_enabled: None) -> AsyncIterator[RawPeer]:
    """Return a raw peer on loopback."""
    async with raw_peer() as running:
        yield running


@st.composite
def answers(draw: st.DrawFn) -> tuple[dict[str, Any] | None, bytes, bytes]:
    """Return (the detail object if sent whole, /detail bytes, /product bytes)."""
    product = draw(
        st.one_of(
            product_objects().map(
                lambda obj: to_json({"code": 0, "message": "", "product": obj})
            ),
            raw_answers("product", product_objects()),
        )
    )
    if draw(st.integers(0, 4)) == 0:
        return None, draw(raw_answers("detail", detail_objects())), product
    detail = draw(detail_objects())
    return detail, to_json({"code": 0, "message": "", "detail": detail}), product


def check_state(domain: str, state: str, attributes: dict[str, Any]) -> None:
    """Check that a state has the type its entity promises."""
    if state in NO_VALUE:
        return
    assert len(state) <= 255
    if domain in {"binary_sensor", "switch", "light", "fan"}:
        assert state in ON_OFF
    elif domain == "number":
        assert not math.isnan(float(state))
    elif domain == "sensor":
        if "options" in attributes:
            assert state in attributes["options"]
        elif attributes.get("device_class") == "timestamp":
            datetime.fromisoformat(state)
        elif "unit_of_measurement" in attributes or "state_class" in attributes:
            # A finite 1.7976931348623157e308 is shown rounded, which reads
            # back as inf: a number still, so only NaN is refused here.
            assert not math.isnan(float(state))


@contextlib.contextmanager
def no_unexpected_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail on error records other than a failed poll's one line."""
    caplog.clear()
    yield
    bad = [
        record
        for record in caplog.records
        if record.levelno >= logging.ERROR
        and record.name not in ENVIRONMENT_LOGGERS
        and (record.exc_info or not record.getMessage().startswith("Error fetching"))
    ]
    assert not bad, [(r.name, r.getMessage(), r.exc_text) for r in bad]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@INTEGRATION
@given(case=answers())
# Found by the fuzzer: a refused check code stops the entry and asks for a new one.
@example(
    case=(
        None,
        to_json({"code": ACCESS_REFUSED, "message": "", "detail": {}}),
        to_json({"code": 0, "message": "", "product": {}}),
    )
)
async def test_integration_on_fuzzed_answers(
    hass: HomeAssistant,
    peer: RawPeer,
    caplog: pytest.LogCaptureFixture,
    case: tuple[dict[str, Any] | None, bytes, bytes],
) -> None:
    """No unhandled exception, typed states, and unreported values are unknown."""
    _, detail_bytes, product_bytes = case
    peer.bodies = {"/detail": detail_bytes, "/product": product_bytes}
    serial = f"SNFUZZ{next(_serials):06d}"
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Fuzzed printer",
        unique_id=serial,
        data={
            CONF_HOST: "127.0.0.1",
            CONF_PORT: peer.port,
            CONF_SERIAL_NUMBER: serial,
            CONF_CHECK_CODE: CHECK_CODE,
        },
    )
    entry.add_to_hass(hass)
    try:
        await check_entry(hass, entry, case, caplog)
    finally:
        if hass.config_entries.async_get_entry(entry.entry_id) is not None:
            await hass.config_entries.async_remove(entry.entry_id)
            await hass.async_block_till_done()
    assert CHECK_CODE not in caplog.text


def check_device(device: dr.DeviceEntry) -> None:
    """Check that the printer's strings reached the device registry bounded."""
    for text, limit in (
        (device.sw_version, MAX_VERSION_LENGTH),
        (device.model, MAX_NAME_LENGTH),
    ):
        assert text is None or (len(text) <= limit and text.isprintable()), text
    for kind, mac in device.connections:
        assert kind == dr.CONNECTION_NETWORK_MAC
        assert len(mac) == len("02:00:00:00:00:00"), mac


def unreported(key: str, value: object) -> bool:
    """Return whether a sensor's source value stands for "not reported"."""
    if value is None:
        return True
    negative = (
        isinstance(value, int | float) and not isinstance(value, bool) and value < 0
    )
    return negative and key in NON_NEGATIVE_KEYS


def refuses_access(body: bytes) -> bool:
    """Return whether an answer is the printer's refusal of the check code."""
    try:
        answer = json.loads(body)
    except ValueError, RecursionError:
        return False
    return (
        isinstance(answer, dict)
        and type(answer.get("code")) is int
        and (answer["code"] == ACCESS_REFUSED)
    )


async def check_entry(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    case: tuple[dict[str, Any] | None, bytes, bytes],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Set the entry up, check its states, unload it."""
    detail, detail_bytes, product_bytes = case
    with no_unexpected_errors(caplog):
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        if entry.state is ConfigEntryState.SETUP_ERROR:
            # Only a printer refusing the check code stops the entry for good,
            # and then the user is asked for a new one.
            assert refuses_access(detail_bytes) or refuses_access(product_bytes)
            assert any(entry.async_get_active_flows(hass, {SOURCE_REAUTH}))
            return
        assert entry.state in {ConfigEntryState.LOADED, ConfigEntryState.SETUP_RETRY}

        for device in dr.async_entries_for_config_entry(
            dr.async_get(hass), entry.entry_id
        ):
            check_device(device)
        registry = er.async_get(hass)
        for reg in er.async_entries_for_config_entry(registry, entry.entry_id):
            state = hass.states.get(reg.entity_id)
            assert state is not None, reg.entity_id
            check_state(reg.domain, state.state, dict(state.attributes))
            key = reg.unique_id.removeprefix(f"{entry.unique_id}_")
            if (
                detail is not None
                and reg.domain == "sensor"
                and (source := SENSOR_KEYS.get(key)) is not None
                and unreported(key, detail.get(source))
            ):
                assert state.state == STATE_UNKNOWN, (key, state.state)

        assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.NOT_LOADED
