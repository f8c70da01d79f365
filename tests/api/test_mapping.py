"""Tests for the AD5X material-mapping solver."""

from collections.abc import Sequence
import json
from pathlib import Path

import pytest

from custom_components.flashforge.api import (
    FileTool,
    FlashForgeMappingError,
    MappingProblem,
    MaterialMapping,
    MaterialSlot,
    MaterialStation,
    PrinterDetail,
    ToolSlot,
    material_mappings,
    station_in_use,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"


def slot(slot_id: int, material: str | None, color: str | None) -> MaterialSlot:
    """Return a slot; one without a material holds no filament."""
    return MaterialSlot(
        slot_id=slot_id,
        has_filament=material is not None,
        material_name=material,
        material_color=color,
    )


def station(*slots: MaterialSlot) -> MaterialStation:
    """Return a station holding the slots."""
    return MaterialStation(
        slot_count=len(slots),
        current_slot=None,
        current_load_slot=None,
        state_action=None,
        state_step=None,
        slots=slots,
    )


# White and black PLA, green PETG, slot 4 empty: the emulated AD5X's station.
AD5X = station(
    slot(1, "PLA", "#FFFFFF"),
    slot(2, "PLA", "#161616"),
    slot(3, "PETG", "#0ACC38"),
    slot(4, None, None),
)


def tools(*materials: tuple[str | None, str | None]) -> tuple[FileTool, ...]:
    """Return a file's tools 0, 1, … with (material, colour) each."""
    return tuple(
        FileTool(
            tool_id=tool_id,
            material_name=material,
            material_color=color,
            filament_weight=None,
            slot_id=None,
        )
        for tool_id, (material, color) in enumerate(materials)
    )


def pairs(mappings: Sequence[MaterialMapping]) -> list[ToolSlot]:
    """Return the (tool, slot) pairs of mappings."""
    return [(mapping.tool_id, mapping.slot_id) for mapping in mappings]


@pytest.mark.parametrize(
    ("file_tools", "expected"),
    [
        (tools(("PLA", "#FFFFFF")), [(0, 1)]),
        (tools(("PETG", "#0ACC38")), [(0, 3)]),
        # The exact colour wins over the first slot of the material.
        (tools(("PLA", "#161616"), ("PLA", "#FFFFFF")), [(0, 2), (1, 1)]),
        # Without an exact colour, the nearest one.
        (tools(("PLA", "#202020")), [(0, 2)]),
        # ... among slots no other tool uses.
        (tools(("PLA", "#FFFFFF"), ("PLA", "#FEFEFE")), [(0, 1), (1, 2)]),
        # The exact colour wins even when another tool uses the slot.
        (tools(("PLA", "#FFFFFF"), ("PLA", "#FFFFFF")), [(0, 1), (1, 1)]),
        # Names and colours compare without case or surrounding spaces.
        (tools((" pla ", "#161616".lower())), [(0, 2)]),
        (tools(("PLA", " #161616 ")), [(0, 2)]),
        # Without a colour, the first slot of the material.
        (tools(("pla", None)), [(0, 1)]),
        (tools(("PLA", "#GGGGGG")), [(0, 1)]),
    ],
)
def test_automatic_mappings(
    file_tools: tuple[FileTool, ...], expected: list[ToolSlot]
) -> None:
    """Each tool goes to a loaded slot of its material, preferring its colour."""
    assert pairs(material_mappings(AD5X, None, file_tools)) == expected


@pytest.mark.parametrize(
    "unreadable",
    [None, "", "#FFF", "#GGGGGG", "FFFFFFFF", "#00_000", "+00000", " 0000 "],
)
def test_unreadable_slot_colour_is_farthest(unreadable: str | None) -> None:
    """A slot whose colour is not #RRGGBB loses to any readable one, however far."""
    near_white = station(slot(1, "PLA", unreadable), slot(2, "PLA", "#FFFFFF"))

    mappings = material_mappings(near_white, None, tools(("PLA", "#000000")))

    assert pairs(mappings) == [(0, 2)]


def test_nearest_colour_by_rgb_distance() -> None:
    """Colours compare by their distance in RGB, not by their text."""
    greys = station(slot(1, "PLA", "#000010"), slot(2, "PLA", "#0A0A0A"))

    # #000000 is 16 from #000010 and about 17.3 from #0A0A0A.
    assert pairs(material_mappings(greys, None, tools(("PLA", "#000000")))) == [(0, 1)]
    assert pairs(material_mappings(greys, None, tools(("PLA", "#0B0B0B")))) == [(0, 2)]


@pytest.mark.parametrize(
    ("requested", "file_tools", "expected"),
    [
        (
            [(1, 1), (0, 2)],
            tools(("PLA", "#161616"), ("PLA", "#FFFFFF")),
            [(0, 2), (1, 1)],
        ),
        # Without the file's tools, the firmware's rule stands: tools 0 to n-1.
        ([(0, 3)], (), [(0, 3)]),
        ([(1, 2), (0, 1)], (), [(0, 1), (1, 2)]),
    ],
)
def test_given_mappings(
    requested: list[ToolSlot],
    file_tools: tuple[FileTool, ...],
    expected: list[ToolSlot],
) -> None:
    """Given pairs are checked and sent in tool order, whatever the material."""
    assert pairs(material_mappings(AD5X, requested, file_tools)) == expected


@pytest.mark.parametrize(
    ("file_tools", "expected"),
    [
        (
            tools(("PLA", "#FFFFFF")),
            MaterialMapping(
                tool_id=0,
                slot_id=2,
                material_name="PLA",
                tool_material_color="#FFFFFF",
                slot_material_color="#161616",
            ),
        ),
        # A file that does not say takes the slot's material and colour.
        (
            (),
            MaterialMapping(
                tool_id=0,
                slot_id=2,
                material_name="PLA",
                tool_material_color="#161616",
                slot_material_color="#161616",
            ),
        ),
    ],
    ids=["from the file", "from the slot"],
)
def test_given_mapping_is_filled_in(
    file_tools: tuple[FileTool, ...], expected: MaterialMapping
) -> None:
    """A mapping names the file's material and both colours."""
    assert material_mappings(AD5X, [(0, 2)], file_tools) == [expected]


@pytest.mark.parametrize(
    ("the_station", "requested", "file_tools"),
    [
        (None, None, tools(("PLA", "#FFFFFF"))),
        (None, [], tools(("PLA", "#FFFFFF"))),
        (AD5X, [], tools(("ABS", "#2750E0"))),
    ],
    ids=["no station, auto", "no station, empty", "station, empty"],
)
def test_no_mappings(
    the_station: MaterialStation | None,
    requested: list[ToolSlot] | None,
    file_tools: tuple[FileTool, ...],
) -> None:
    """Without a station, or with an empty request, the print uses no station."""
    assert material_mappings(the_station, requested, file_tools) == []


BLUE_ABS = tools(("ABS", "#2750E0"))
TWO_PLA = tools(("PLA", "#161616"), ("PLA", "#FFFFFF"))


@pytest.mark.parametrize(
    ("the_station", "requested", "file_tools", "problem", "placeholders"),
    [
        (None, [(0, 1)], (), MappingProblem.NO_MATERIAL_STATION, {}),
        (AD5X, None, (), MappingProblem.TOOLS_UNKNOWN, {}),
        (AD5X, [(0, 5)], (), MappingProblem.SLOT_NOT_FOUND, {"slot": "5"}),
        (AD5X, [(0, 4)], (), MappingProblem.SLOT_EMPTY, {"slot": "4"}),
        (AD5X, [(0, 1), (0, 2)], TWO_PLA, MappingProblem.DUPLICATE_TOOL, {"tool": "0"}),
        (AD5X, [(1, 1)], BLUE_ABS, MappingProblem.UNKNOWN_TOOL, {"tool": "1"}),
        # Without the file's tools, one pair stands for tool 0 only.
        (AD5X, [(1, 1)], (), MappingProblem.UNKNOWN_TOOL, {"tool": "1"}),
        (AD5X, [(0, 1)], TWO_PLA, MappingProblem.TOOL_NOT_MAPPED, {"tool": "1"}),
        # Pairs are checked in tool order: the slot of tool 0 first.
        (AD5X, [(0, 5), (0, 1)], TWO_PLA, MappingProblem.SLOT_NOT_FOUND, {"slot": "5"}),
        (
            AD5X,
            None,
            tools(("PLA", "#FFFFFF"), ("ABS", "#2750E0")),
            MappingProblem.NO_MATCHING_SLOT,
            {"tool": "1", "material": "ABS", "color": "#2750E0"},
        ),
        (
            AD5X,
            None,
            tools((None, None)),
            MappingProblem.NO_MATCHING_SLOT,
            {"tool": "0", "material": "?", "color": "?"},
        ),
        # An empty slot's material does not count, even if it is reported.
        (
            station(
                MaterialSlot(
                    slot_id=1,
                    has_filament=False,
                    material_name="PLA",
                    material_color="#FFFFFF",
                )
            ),
            None,
            tools(("PLA", "#FFFFFF")),
            MappingProblem.NO_MATCHING_SLOT,
            {"tool": "0", "material": "PLA", "color": "#FFFFFF"},
        ),
    ],
)
def test_mapping_refused(
    the_station: MaterialStation | None,
    requested: list[ToolSlot] | None,
    file_tools: tuple[FileTool, ...],
    problem: MappingProblem,
    placeholders: dict[str, str],
) -> None:
    """Mappings that do not fit say which problem, with the values that explain it."""
    with pytest.raises(FlashForgeMappingError) as err:
        material_mappings(the_station, requested, file_tools)

    assert err.value.problem is problem
    assert err.value.placeholders == placeholders
    assert str(problem) in str(err.value)


def test_station_in_use() -> None:
    """A print is mapped only on a printer that reports its station in use."""
    ad5x = json.loads((FIXTURES / "detail_ad5x.json").read_text())["detail"]

    station_of_ad5x = station_in_use(PrinterDetail.from_dict(ad5x))
    switched_off = station_in_use(
        PrinterDetail.from_dict(ad5x | {"hasMatlStation": False})
    )

    assert station_of_ad5x is not None
    assert [slot.slot_id for slot in station_of_ad5x.slots] == [1, 2, 3, 4]
    assert switched_off is None
    assert station_in_use(PrinterDetail.from_dict({})) is None
