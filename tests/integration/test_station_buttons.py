"""Tests for the material station's buttons: load a slot, unload the filament."""

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from flashforge_emulator import Emulator, ReceivedCommand, Status

from ..conftest import EmulatorFactory
from .conftest import setup_platform

UNLOAD = "button.ad5x_unload_filament"
LOAD = [f"button.ad5x_load_slot_{slot}" for slot in range(1, 5)]


async def press(hass: HomeAssistant, entity_id: str) -> None:
    """Press a button and wait for the command to finish."""
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


def available(hass: HomeAssistant) -> set[str]:
    """Return the station's buttons that are available now."""
    return {
        entity_id
        for entity_id in (UNLOAD, *LOAD)
        if (state := hass.states.get(entity_id)) is not None
        and state.state != STATE_UNAVAILABLE
    }


async def poll(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Read the printer now, as the next poll would."""
    await entry.runtime_data.async_refresh()
    await hass.async_block_till_done()


async def test_load_then_unload(hass: HomeAssistant, ad5x: Emulator) -> None:
    """A loaded slot can be unloaded; an empty one cannot be loaded."""
    await setup_platform(hass, ad5x, Platform.BUTTON)
    assert available(hass) == set(LOAD[:3])

    await press(hass, LOAD[1])

    assert available(hass) == {UNLOAD, *LOAD[:3]}
    await press(hass, UNLOAD)

    assert ad5x.commands == [
        ReceivedCommand("ms_cmd", {"action": 0, "slot": 2}),
        ReceivedCommand("ms_cmd", {"action": 1, "slot": 2}),
    ]
    assert available(hass) == set(LOAD[:3])


@pytest.mark.parametrize("status", [Status.PRINTING, Status.PAUSED, Status.BUSY])
async def test_unavailable_while_the_printer_works(
    hass: HomeAssistant, ad5x: Emulator, status: Status
) -> None:
    """While a job is loaded or the printer is busy, no station button can act."""
    ad5x.printer.current_slot = 1
    entry = await setup_platform(hass, ad5x, Platform.BUTTON)
    assert available(hass) == {UNLOAD, *LOAD[:3]}

    ad5x.printer.status = status
    await poll(hass, entry)

    assert available(hass) == set()


async def test_refused_when_printing_began_since_the_poll(
    hass: HomeAssistant, ad5x: Emulator
) -> None:
    """A press after a print began on the screen is refused, and nothing is sent."""
    await setup_platform(hass, ad5x, Platform.BUTTON)
    ad5x.printer.status = Status.PRINTING

    with pytest.raises(HomeAssistantError) as raised:
        await press(hass, LOAD[0])

    assert raised.value.translation_key == "station_while_printing"
    assert ad5x.commands == []


async def test_refused_when_the_slot_emptied_since_the_poll(
    hass: HomeAssistant, ad5x: Emulator
) -> None:
    """A press on a slot emptied since the poll is refused by the library, in words."""
    await setup_platform(hass, ad5x, Platform.BUTTON)
    ad5x.printer.slots[0].has_filament = False

    with pytest.raises(HomeAssistantError) as raised:
        await press(hass, LOAD[0])

    assert raised.value.translation_key == "station_slot_empty"
    assert raised.value.translation_placeholders == {"slot": "1"}
    assert ad5x.commands == []


@pytest.mark.parametrize("model", ["5m-pro", "creator5"])
async def test_no_station_buttons_elsewhere(
    hass: HomeAssistant, emulator_factory: EmulatorFactory, model: str
) -> None:
    """Printers without the AD5X's station have none of its buttons."""
    async with emulator_factory(model, command_seconds=0) as emulator:
        await setup_platform(hass, emulator, Platform.BUTTON)

        assert available(hass) == set()
        assert hass.states.get(UNLOAD) is None
