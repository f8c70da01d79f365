"""What a printer reports reaches titles, the device registry and states bounded."""

from dataclasses import replace

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import ATTR_FRIENDLY_NAME, CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest

from custom_components.flashforge.api.const import (
    MAX_ANSWER_BYTES,
    MAX_NAME_LENGTH,
    MAX_TEXT_LENGTH,
)
from custom_components.flashforge.const import (
    CONF_CHECK_CODE,
    CONF_SERIAL_NUMBER,
    DOMAIN,
)
from flashforge_emulator import get_profile

from ..conftest import EmulatorFactory

# Three of these fit in one answer under the cap, far beyond any real value.
LONG = MAX_ANSWER_BYTES // 4


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_long_name_firmware_and_mac_are_bounded(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """A huge name is cut for the title; a huge firmware and MAC are dropped."""
    profile = replace(get_profile("5m-pro"), firmware_version="3.2.7" + "7" * LONG)
    name = "Work\nshop" + "N" * LONG
    async with emulator_factory(profile, name=name, command_seconds=0) as emu:  # type: ignore[arg-type]
        emu.core.mac_addr = "88:A9:A7:00:12:34" + "F" * LONG
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_USER}
        )
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {
                CONF_HOST: emu.host,
                CONF_PORT: emu.port,
                CONF_SERIAL_NUMBER: emu.serial,
                CONF_CHECK_CODE: emu.check_code,
            },
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        entry = result["result"]
        await hass.async_block_till_done()

        assert entry.state is ConfigEntryState.LOADED
        assert entry.title == ("Work shop" + "N" * LONG)[:MAX_NAME_LENGTH]
        [device] = dr.async_entries_for_config_entry(device_registry, entry.entry_id)
        assert device.name == entry.title
        assert device.model == "Adventurer 5M Pro"
        assert device.sw_version is None
        assert device.connections == set()
        entities = er.async_entries_for_config_entry(entity_registry, entry.entry_id)
        assert entities
        for entity in entities:
            state = hass.states.get(entity.entity_id)
            assert state is not None
            assert len(state.state) <= MAX_TEXT_LENGTH
            assert str(state.attributes[ATTR_FRIENDLY_NAME]).startswith(entry.title)
            assert len(str(state.attributes[ATTR_FRIENDLY_NAME])) < 2 * MAX_NAME_LENGTH
        assert await hass.config_entries.async_unload(entry.entry_id)
