"""Tests of the demo dashboard dev/bootstrap.py saves, from a real registry."""

from collections.abc import AsyncIterator, Iterator
import contextlib
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest

from custom_components.flashforge.discovery import TARGETS_ENVIRONMENT_VARIABLE
from dev.bootstrap import build_dashboard

from ..conftest import EmulatorFactory
from ..integration.conftest import entry_for


def cards(tree: Any) -> Iterator[dict[str, Any]]:
    """Yield every card and entities row of a dashboard, nested ones too."""
    if isinstance(tree, dict):
        if "type" in tree or "entity" in tree:
            yield tree
        for value in tree.values():
            yield from cards(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from cards(value)


async def registry_dump(
    hass: HomeAssistant,
    emulators: contextlib.AsyncExitStack,
    emulator_factory: EmulatorFactory,
    names: list[str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Set printers up; return devices and entities as the websocket lists them."""
    for name in names:
        emulator = await emulators.enter_async_context(
            emulator_factory("5m-pro", name=name)
        )
        entry = entry_for(emulator)
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    devices = [
        {
            "id": device.id,
            "name": device.name,
            "name_by_user": device.name_by_user,
            "identifiers": [list(i) for i in device.identifiers],
            "via_device_id": device.via_device_id,
        }
        for device in dr.async_get(hass).devices
    ]
    entities = [entry.as_partial_dict for entry in er.async_get(hass).entities.values()]
    return devices, entities


@pytest.fixture
async def emulators() -> AsyncIterator[contextlib.AsyncExitStack]:
    """Keep the printers a test starts running until it ends."""
    async with contextlib.AsyncExitStack() as stack:
        yield stack


@pytest.fixture(autouse=True)
def no_network_discovery(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep discovery off the real network."""
    monkeypatch.setenv(TARGETS_ENVIRONMENT_VARIABLE, "")


@pytest.mark.parametrize("names", [["Adventurer 5M Pro"], ["Left", "Right"]])
async def test_cards_are_named_by_what_they_show(
    hass: HomeAssistant,
    emulators: contextlib.AsyncExitStack,
    emulator_factory: EmulatorFactory,
    names: list[str],
) -> None:
    """No card repeats the printer's name; each printer has one heading."""
    devices, entities = await registry_dump(hass, emulators, emulator_factory, names)

    dashboard = build_dashboard(devices, entities)

    named = [card for card in cards(dashboard) if card.get("type") != "heading"]
    assert named
    for card in named:
        if "entity" in card:
            assert card.get("name") or card.get("show_name") is False, card
        for name in names:
            assert name not in str(card.get("name", "")), card
    headings = [card["heading"] for card in cards(dashboard) if "heading" in card]
    assert sorted(set(headings) & set(names)) == sorted(names)


async def test_print_tiles_show_the_job(
    hass: HomeAssistant,
    emulators: contextlib.AsyncExitStack,
    emulator_factory: EmulatorFactory,
) -> None:
    """Status, progress, time remaining, end time, file and layer have tiles."""
    devices, entities = await registry_dump(
        hass, emulators, emulator_factory, ["Printer"]
    )
    keys = {e["entity_id"]: e["translation_key"] for e in entities}

    dashboard = build_dashboard(devices, entities)

    tiles = {
        keys[card["entity"]]: card["name"]
        for card in cards(dashboard)
        if card.get("type") == "tile"
    }
    assert tiles == {
        "status": "Status",
        "progress": "Progress",
        "time_remaining": "Time remaining",
        "print_end_time": "Print end time",
        "file_name": "File",
        "current_layer": "Current layer",
        "total_layers": "Total layers",
        "light": "Light",
    }
    shown = {card["entity"] for card in cards(dashboard) if "entity" in card}
    assert shown <= set(keys)
    logbooks = [card for card in cards(dashboard) if card.get("type") == "logbook"]
    assert [keys[e] for card in logbooks for e in card["target"]["entity_id"]] == [
        "print"
    ]
