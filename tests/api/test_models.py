"""Tests for the lenient parsing of the printer's answers."""

import json
import math
from pathlib import Path
from typing import Any

import pytest

from custom_components.flashforge.api import (
    DetailParser,
    MachineStatus,
    MaterialMapping,
    PrinterDetail,
    ProductInfo,
)
from custom_components.flashforge.api.const import (
    MAX_NAME_LENGTH,
    MAX_PARTS,
    MAX_TEXT_LENGTH,
)
from custom_components.flashforge.api.fields import parse_version
from custom_components.flashforge.api.models import mappings_as_json, parse_file_list

from ..details import fields_that_differ

FIXTURES = Path(__file__).parent.parent / "fixtures"


def load(name: str) -> dict[str, Any]:
    """Return a JSON fixture."""
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return data


def test_detail_of_a_printing_5m_pro() -> None:
    """Every documented field lands in its typed attribute."""
    detail = PrinterDetail.from_dict(load("detail_5m_pro.json")["detail"])

    assert detail.name == "Adventurer 5M Pro"
    assert detail.pid == 36
    assert detail.status is MachineStatus.PRINTING
    assert detail.raw_status == "printing"
    assert detail.firmware_version == "3.2.7"
    assert detail.mac_address == "88:A9:A7:00:12:34"
    assert detail.nozzle_temperature == 219.6
    assert detail.nozzle_target_temperature == 220
    assert detail.bed_temperature == 59.8
    assert detail.chamber_temperature == 31.2
    assert detail.print_progress == pytest.approx(0.4031)
    assert (detail.print_layer, detail.target_print_layer) == (57, 142)
    assert detail.print_file_name == "Benchy.gcode"
    assert detail.estimated_time == 2710
    assert detail.estimated_length == 4213.5
    assert detail.z_axis_compensation == -0.025
    assert detail.light_on is True
    assert detail.door_open is False
    assert detail.internal_fan_on is True
    assert detail.external_fan_on is False
    assert detail.auto_shutdown is False
    assert detail.error_code is None
    assert detail.camera_stream_url == "http://192.168.1.50:8080/?action=stream"
    assert detail.has_material_station is False
    assert detail.material_station is None
    assert detail.nozzle_temperatures == ()


def test_detail_of_an_ad5x() -> None:
    """The AD5X's hex pid, sentinel chamber and material station are parsed."""
    detail = PrinterDetail.from_dict(load("detail_ad5x.json")["detail"])

    assert detail.pid == 38
    assert detail.chamber_temperature is None
    assert detail.camera_stream_url is None
    assert detail.print_file_name is None
    assert detail.has_material_station is True
    station = detail.material_station
    assert station is not None
    assert station.slot_count == 4
    assert [slot.slot_id for slot in station.slots] == [1, 2, 3, 4]
    assert [slot.has_filament for slot in station.slots] == [True, True, False, True]
    assert station.slots[3].material_name == "PETG"
    assert station.slots[2].material_name is None


def test_material_slots_numbered_from_zero_become_one_based() -> None:
    """Mappings address slots 1-4, whatever numbering the station reports."""
    detail = PrinterDetail.from_dict(
        {
            "matlStationInfo": {
                "slotInfos": [
                    {"slotId": 0, "hasFilament": True, "materialName": "PLA"},
                    {"slotId": 1, "hasFilament": False},
                ]
            }
        }
    )

    assert detail.material_station is not None
    assert [slot.slot_id for slot in detail.material_station.slots] == [1, 2]


def test_detail_of_a_creator_5_with_four_nozzles() -> None:
    """Per-tool temperatures keep their positions; sentinels become None."""
    detail = PrinterDetail.from_dict(load("detail_creator5.json")["detail"])

    assert detail.pid == 40
    assert detail.nozzle_count == 4
    assert detail.nozzle_temperatures == (219.5, 26.0, None, 249.0)
    assert detail.nozzle_target_temperatures == (220, 0, 0, 250)
    assert detail.chamber_target_temperature == 45
    assert detail.door_open is True


def test_details_differing_only_in_unread_fields_are_equal() -> None:
    """A field nothing reads is kept for diagnostics but is no change."""
    answer = load("detail_5m_pro.json")["detail"]
    detail = PrinterDetail.from_dict(answer)
    with_extra = PrinterDetail.from_dict(answer | {"newFirmwareField": 1})

    assert with_extra == detail
    assert with_extra.raw["newFirmwareField"] == 1
    assert PrinterDetail.from_dict(answer | {"rightTemp": -1.0}) != detail


def test_unchanged_fields_are_kept_from_the_last_detail() -> None:
    """A printing poll reads again only what moved; the rest is the last detail's."""
    answer = load("detail_ad5x.json")["detail"]
    parser = DetailParser()
    first = parser.parse(answer)

    second = parser.parse(json.loads(json.dumps(answer)) | {"rightTemp": 221.5})

    assert second.nozzle_temperature == 221.5
    assert second.material_station is first.material_station
    fresh = PrinterDetail.from_dict(answer | {"rightTemp": 221.5})
    assert second == fresh
    assert second.raw == fresh.raw


# Values Python calls equal that the readers tell apart, and a dropped key.
ALIKE_BUT_NOT_SAME = [
    ({"printLayer": 1}, {"printLayer": True}, "print_layer", None),
    ({"lightStatus": 1}, {"lightStatus": 1.0}, "light_on", None),
    ({"pid": 36}, {"pid": 36.0}, "pid", None),
    ({"platTemp": True}, {"platTemp": 1}, "bed_temperature", 1.0),
    ({"nozzleTemps": [1]}, {"nozzleTemps": [True]}, "nozzle_temperatures", (None,)),
    (
        {"matlStationInfo": {"slotInfos": [{"slotId": 1}]}},
        {"matlStationInfo": {"slotInfos": [{"slotId": True}]}},
        "material_station",
        PrinterDetail.from_dict({"matlStationInfo": {}}).material_station,
    ),
    ({"name": "P"}, {}, "name", None),
]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        *((before, after) for before, after, _, _ in ALIKE_BUT_NOT_SAME),
        (
            {"printProgress": 0.5, "printLayer": 3},
            {"printProgress": 0.51, "printLayer": 3},
        ),
        ({"zAxisCompensation": 0.0}, {"zAxisCompensation": -0.0}),
        ({"rightTemp": 200}, {"rightTemp": 200.0}),
        ({"status": "printing"}, {}),
    ],
)
def test_the_parser_tells_which_fields_changed(
    before: dict[str, Any], after: dict[str, Any]
) -> None:
    """The fields the parser says changed are those comparing each field finds."""
    parser = DetailParser()
    first = parser.parse(before)
    second = parser.parse(after)

    assert parser.changes(first, second) == fields_that_differ(first, second)


def test_the_parser_tells_only_of_its_last_two_details() -> None:
    """Any other pair is not told: the caller compares it."""
    answer = load("detail_ad5x.json")["detail"]
    parser = DetailParser()
    first = parser.parse(answer)
    second = parser.parse(answer | {"rightTemp": 1.0})
    third = parser.parse(answer | {"rightTemp": 2.0})

    assert parser.changes(second, third) == {"nozzle_temperature"}
    assert parser.changes(first, second) is None
    assert parser.changes(first, third) is None
    assert parser.changes(third, second) is None
    assert DetailParser().changes(second, third) is None


@pytest.mark.parametrize(
    ("before", "after", "attribute", "expected"), ALIKE_BUT_NOT_SAME
)
def test_values_read_apart_are_read_again(
    before: dict[str, Any], after: dict[str, Any], attribute: str, expected: object
) -> None:
    """1, 1.0 and True are equal in Python, yet a field read from them differs."""
    parser = DetailParser()
    parser.parse(before)

    assert getattr(parser.parse(after), attribute) == expected


def test_negative_zero_is_read_again() -> None:
    """0.0 and -0.0 are equal, yet shown apart."""
    parser = DetailParser()
    parser.parse({"zAxisCompensation": 0.0})

    assert str(parser.parse({"zAxisCompensation": -0.0}).z_axis_compensation) == "-0.0"


def test_empty_detail_parses_to_unknowns() -> None:
    """A printer that reports nothing gives None everywhere, never an error."""
    detail = PrinterDetail.from_dict({})

    assert detail.status is MachineStatus.UNKNOWN
    assert detail.raw_status is None
    assert detail.name is None
    assert detail.nozzle_temperature is None
    assert detail.light_on is None
    assert detail.material_station is None


@pytest.mark.parametrize(
    ("field", "value", "attribute", "expected"),
    [
        ("rightTemp", -108, "nozzle_temperature", None),
        ("chamberTemp", -109, "chamber_temperature", None),
        ("chamberTemp", -51, "chamber_temperature", None),
        ("chamberTemp", -20, "chamber_temperature", -20.0),
        ("platTemp", "61.5", "bed_temperature", 61.5),
        ("platTemp", "hot", "bed_temperature", None),
        ("platTemp", True, "bed_temperature", None),
        ("platTemp", math.nan, "bed_temperature", None),
        ("platTemp", math.inf, "bed_temperature", None),
        ("platTemp", [60], "bed_temperature", None),
        ("printLayer", 12.7, "print_layer", 12),
        ("printLayer", 10**30, "print_layer", None),
        ("printLayer", None, "print_layer", None),
        ("pid", 36, "pid", 36),
        ("pid", "0024", "pid", 36),
        ("pid", "0026", "pid", 38),
        ("pid", "nonsense", "pid", None),
        ("pid", False, "pid", None),
        ("pid", 3.5, "pid", None),
        ("lightStatus", "open", "light_on", True),
        ("lightStatus", "CLOSE", "light_on", False),
        ("lightStatus", 1, "light_on", True),
        ("lightStatus", "dim", "light_on", None),
        ("doorStatus", {"open": True}, "door_open", None),
        ("name", "  Printer  ", "name", "Printer"),
        ("name", 42, "name", None),
        ("name", "", "name", None),
        ("errorCode", "E0088", "error_code", "E0088"),
        ("hasMatlStation", True, "has_material_station", True),
        ("hasMatlStation", "yes", "has_material_station", False),
        ("nozzleTemps", "220,230", "nozzle_temperatures", ()),
        ("nozzleTemps", [220, "x", None], "nozzle_temperatures", (220, None, None)),
        ("matlStationInfo", [], "material_station", None),
    ],
)
def test_mistyped_fields_become_none(
    field: str, value: object, attribute: str, expected: object
) -> None:
    """A missing, mistyped or sentinel value never raises."""
    detail = PrinterDetail.from_dict({field: value})

    assert getattr(detail, attribute) == expected


@pytest.mark.parametrize(
    ("reported", "status"),
    [
        ("ready", MachineStatus.READY),
        ("printing", MachineStatus.PRINTING),
        ("calibrate_doing", MachineStatus.CALIBRATE_DOING),
        ("pause", MachineStatus.PAUSE),
        ("canceling", MachineStatus.CANCELING),
        ("PAUSED", MachineStatus.PAUSED),
        ("warming_up", MachineStatus.UNKNOWN),
        (7, MachineStatus.UNKNOWN),
    ],
)
def test_status_keeps_unknown_strings(reported: object, status: MachineStatus) -> None:
    """Known states map to members; the raw string survives for the rest."""
    detail = PrinterDetail.from_dict({"status": reported})

    assert detail.status is status
    assert detail.raw_status == (reported if isinstance(reported, str) else None)


def test_material_station_skips_broken_slots() -> None:
    """Slots without an id or that are not objects are left out."""
    detail = PrinterDetail.from_dict(
        {
            "matlStationInfo": {
                "slotCnt": "4",
                "slotInfos": [
                    {"slotId": 1, "hasFilament": 1, "materialColor": "#FFFFFF"},
                    {"hasFilament": True},
                    "slot",
                    {"slotId": "x"},
                ],
            }
        }
    )

    station = detail.material_station
    assert station is not None
    assert station.slot_count == 4
    assert len(station.slots) == 1
    assert station.slots[0].has_filament is True
    assert station.slots[0].material_color == "#FFFFFF"


def test_a_flood_of_parts_is_cut_to_a_printer_s_worth() -> None:
    """Slots, tools and per-nozzle temperatures past MAX_PARTS are dropped, repeats too."""
    many = MAX_PARTS * 50
    detail = PrinterDetail.from_dict(
        {
            "nozzleTemps": [200.0] * many,
            "matlStationInfo": {
                "slotInfos": [{"slotId": 1}, {"slotId": 1, "hasFilament": 1}]
                + [{"slotId": index} for index in range(2, many)]
            },
        }
    )
    (file,) = parse_file_list(
        {
            "code": 0,
            "gcodeListDetail": [
                {
                    "gcodeFileName": "a.gcode",
                    "gcodeToolDatas": [{"toolId": index} for index in range(many)],
                }
            ],
        }
    )

    station = detail.material_station
    assert station is not None
    assert [slot.slot_id for slot in station.slots] == list(range(1, MAX_PARTS))
    assert station.slots[0].has_filament is False
    assert len(detail.nozzle_temperatures) == MAX_PARTS
    assert len(file.tools) == MAX_PARTS


def test_product_flags() -> None:
    """Controllable features are True, the rest False."""
    product = ProductInfo.from_dict(load("product_5m_pro.json")["product"])

    assert product.light_control is True
    assert product.internal_fan_control is True
    assert product.external_fan_control is True
    assert product.chamber_temperature_control is False
    assert product.nozzle_temperature_control is True
    assert product.bed_temperature_control is True


def test_product_missing_flags_mean_not_controllable() -> None:
    """An absent or odd flag is not a capability."""
    product = ProductInfo.from_dict({"lightCtrlState": "1", "internalFanCtrlState": 2})

    assert product.light_control is False
    assert product.internal_fan_control is False


def test_file_list_with_details() -> None:
    """The AD5X's detailed list carries tool data per file."""
    files = parse_file_list(load("gcode_list_ad5x.json"))

    assert [file.name for file in files] == ["Dragon_2color.3mf", "Cube_PLA.gcode"]
    dragon = files[0]
    assert dragon.tool_count == 2
    assert dragon.use_material_station is True
    assert dragon.printing_time == 7260
    assert [tool.material_color for tool in dragon.tools] == ["#FFFFFF", "#F72224"]
    assert dragon.tools[1].filament_weight == 8.2


@pytest.mark.parametrize(
    ("answer", "names"),
    [
        ({"gcodeList": ["a.gcode", "b.3mf"]}, ["a.gcode", "b.3mf"]),
        ({"gcodeList": ["a.gcode", 3, "", None]}, ["a.gcode"]),
        ({"gcodeList": "a.gcode"}, []),
        ({}, []),
        (
            {"gcodeListDetail": [{"printingTime": 3}, {"gcodeFileName": "x.gx"}]},
            ["x.gx"],
        ),
    ],
)
def test_file_list_is_lenient(answer: dict[str, Any], names: list[str]) -> None:
    """Odd entries are skipped rather than raising."""
    assert [file.name for file in parse_file_list(answer)] == names


def test_material_mapping_json() -> None:
    """Mappings serialise to the firmware's field names."""
    mapping = MaterialMapping(
        tool_id=0,
        slot_id=3,
        material_name="PLA",
        tool_material_color="#FF0000",
        slot_material_color="#F72224",
    )

    assert mappings_as_json([mapping]) == [
        {
            "toolId": 0,
            "slotId": 3,
            "materialName": "PLA",
            "toolMaterialColor": "#FF0000",
            "slotMaterialColor": "#F72224",
        }
    ]


# Every count, size, duration, amount and percentage the detail reports.
NON_NEGATIVE_DETAIL_FIELDS = [
    ("printLayer", "print_layer"),
    ("targetPrintLayer", "target_print_layer"),
    ("printDuration", "print_duration"),
    ("estimatedTime", "estimated_time"),
    ("estimatedRightLen", "estimated_length"),
    ("estimatedRightWeight", "estimated_weight"),
    ("estimatedLeftLen", "estimated_left_length"),
    ("estimatedLeftWeight", "estimated_left_weight"),
    ("cumulativeFilament", "cumulative_filament"),
    ("cumulativePrintTime", "cumulative_print_time"),
    ("remainingDiskSpace", "remaining_disk_space"),
    ("nozzleCnt", "nozzle_count"),
    ("autoShutdownTime", "auto_shutdown_time"),
    ("fillAmount", "fill_amount"),
    ("printSpeedAdjust", "print_speed_adjust"),
    ("currentPrintSpeed", "current_print_speed"),
    ("coolingFanSpeed", "cooling_fan_speed"),
    ("coolingFanLeftSpeed", "cooling_left_fan_speed"),
    ("chamberFanSpeed", "chamber_fan_speed"),
    ("tvoc", "tvoc"),
]


@pytest.mark.parametrize(("field", "attribute"), NON_NEGATIVE_DETAIL_FIELDS)
@pytest.mark.parametrize(
    ("value", "expected"),
    [(-1, None), (-0.5, None), ("-3", None), (-(2**40), None), (0, 0), (7, 7)],
)
def test_negative_counts_are_not_reported(
    field: str, attribute: str, value: object, expected: object
) -> None:
    """A negative count, size or duration is unknown, as a sentinel is; 0 is a value."""
    detail = PrinterDetail.from_dict({field: value})

    assert getattr(detail, attribute) == expected


@pytest.mark.parametrize(
    ("field", "attribute"),
    [
        ("slotCnt", "slot_count"),
        ("currentSlot", "current_slot"),
        ("currentLoadSlot", "current_load_slot"),
    ],
)
def test_negative_station_counts_are_not_reported(field: str, attribute: str) -> None:
    """The material station's counts and slot numbers are never negative."""
    detail = PrinterDetail.from_dict(
        {"matlStationInfo": {field: -1, "slotInfos": [{"slotId": -2}, {"slotId": 1}]}}
    )

    station = detail.material_station
    assert station is not None
    assert getattr(station, attribute) is None
    assert [slot.slot_id for slot in station.slots] == [1]


@pytest.mark.parametrize(
    ("entry", "attribute"),
    [
        ({"printingTime": -60}, "printing_time"),
        ({"totalFilamentWeight": -1.5}, "total_filament_weight"),
        ({"gcodeToolCnt": -1}, "tool_count"),
    ],
)
def test_negative_file_values_are_not_reported(
    entry: dict[str, Any], attribute: str
) -> None:
    """A file's negative duration, weight or tool count is unknown."""
    [file] = parse_file_list({"gcodeListDetail": [{"gcodeFileName": "a.gx", **entry}]})

    assert getattr(file, attribute) is None


def test_negative_tool_values_are_not_reported() -> None:
    """A tool's negative weight or slot is unknown; a negative tool id is no tool."""
    [file] = parse_file_list(
        {
            "gcodeListDetail": [
                {
                    "gcodeFileName": "a.gx",
                    "gcodeToolDatas": [
                        {"toolId": 0, "filamentWeight": -2, "slotId": -1},
                        {"toolId": -1, "filamentWeight": 3},
                    ],
                }
            ]
        }
    )

    [tool] = file.tools
    assert (tool.filament_weight, tool.slot_id) == (None, None)


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("3.2.7", (3, 2, 7)),
        ("v3.1.3", (3, 1, 3)),
        ("V1.2.1-beta", (1, 2, 1)),
        ("release", None),
        ("", None),
        (None, None),
        ("9" * 5000, None),
        ("3." + "1" * 5000 + ".3", None),
        ("1." * 5000, None),
        ("v" + "." * 10**6, None),
        ("3.1.3" + "x" * 10**6, (3, 1, 3)),
    ],
    ids=lambda value: repr(value)[:20],
)
def test_parse_version(version: str | None, expected: tuple[int, ...] | None) -> None:
    """Firmware versions compare as tuples; nothing makes the parser raise."""
    assert parse_version(version) == expected


MEGABYTE = 1024 * 1024


@pytest.mark.parametrize(
    ("field", "value", "attribute", "expected"),
    [
        ("name", "N" * MEGABYTE, "name", "N" * MAX_NAME_LENGTH),
        ("name", "Work\nshop\x00\u2028", "name", "Work shop"),
        ("name", "\x1b[31m\x07", "name", "[31m"),
        ("name", "\ud800Printer", "name", "Printer"),
        ("name", "\x00\x01", "name", None),
        ("firmwareVersion", "3.2.7" + "9" * MEGABYTE, "firmware_version", None),
        ("firmwareVersion", "v" + "1" * MEGABYTE, "firmware_version", None),
        ("firmwareVersion", "3.2.7\r\n", "firmware_version", "3.2.7"),
        ("location", "L" * MEGABYTE, "location", "L" * MAX_TEXT_LENGTH),
        ("errorCode", "E" * MEGABYTE, "error_code", "E" * MAX_TEXT_LENGTH),
        ("macAddr", "88:A9:A7:00:12:34", "mac_address", "88:A9:A7:00:12:34"),
        ("macAddr", "88-a9-a7-00-12-34", "mac_address", "88-a9-a7-00-12-34"),
        ("macAddr", "88a9a7001234", "mac_address", "88a9a7001234"),
        ("macAddr", "88:A9:A7:00:12:34" + "F" * MEGABYTE, "mac_address", None),
        ("macAddr", "88:A9:A7:00:12", "mac_address", None),
        ("macAddr", "88:A9-A7:00:12:34", "mac_address", None),
        ("macAddr", "GG:A9:A7:00:12:34", "mac_address", None),
        ("ipAddr", "192.168.1.50", "ip_address", "192.168.1.50"),
        ("ipAddr", "fe80::1", "ip_address", "fe80::1"),
        ("ipAddr", "1" * 300, "ip_address", None),
        ("ipAddr", "192.168.1.50\nX", "ip_address", None),
        ("printFileName", "Benchy.gcode", "print_file_name", "Benchy.gcode"),
        ("printFileName", "ü" * 126 + ".gx", "print_file_name", "ü" * 126 + ".gx"),
        ("printFileName", "ü" * 127 + ".gx", "print_file_name", None),
        ("printFileName", "a\nb.gcode", "print_file_name", None),
        (
            "cameraStreamUrl",
            "http://192.168.1.50:8080/?action=stream",
            "camera_stream_url",
            "http://192.168.1.50:8080/?action=stream",
        ),
        ("cameraStreamUrl", "http://x/" + "a" * MEGABYTE, "camera_stream_url", None),
        ("cameraStreamUrl", "file:///etc/passwd", "camera_stream_url", None),
        ("printFileThumbUrl", "http://x/a b", "print_file_thumb_url", None),
    ],
    ids=lambda value: repr(value)[:30],
)
def test_printer_strings_are_bounded(
    field: str, value: str, attribute: str, expected: str | None
) -> None:
    """Names and texts are cut short and cleaned; identifiers that do not fit are None."""
    detail = PrinterDetail.from_dict({field: value})

    assert getattr(detail, attribute) == expected


@pytest.mark.parametrize(
    ("reported", "size"),
    [
        ("0.4mm", 0.4),
        ("0.6 MM\t", 0.6),
        ("0.25", 0.25),
        (0.8, 0.8),
        ("1", 1.0),
        ("", None),
        ("0mm", None),
        ("-0.4mm", None),
        ("0.4mm hardened", None),
        ("9" * MEGABYTE, None),
        (None, None),
        (True, None),
    ],
)
def test_nozzle_size(reported: object, size: float | None) -> None:
    """The nozzle's size is a number of millimetres, however the printer words it."""
    assert PrinterDetail.from_dict({"nozzleModel": reported}).nozzle_size == size


@pytest.mark.parametrize(
    ("reported", "code"),
    [
        ("E0011", "E0011"),
        (" E0109 ", "E0109"),
        ("", None),
        ("0", None),
        ("E0", None),
        ("e0000", None),
        (0, None),
        (None, None),
    ],
)
def test_error_code(reported: object, code: str | None) -> None:
    """No code, or a code of zeros, is no error; any other code is one."""
    assert PrinterDetail.from_dict({"errorCode": reported}).error_code == code


def test_file_names_that_do_not_fit_are_skipped() -> None:
    """A listed file whose name the printer could not store is left out."""
    names = ["ok.gcode", "x" * 256, "line\nbreak.gx", "ü" * 200]

    assert [file.name for file in parse_file_list({"gcodeList": names})] == ["ok.gcode"]
    detailed = [{"gcodeFileName": name} for name in names]
    assert [file.name for file in parse_file_list({"gcodeListDetail": detailed})] == [
        "ok.gcode"
    ]


def test_material_names_are_bounded() -> None:
    """Slot and tool materials are texts like any other."""
    long = "P" * MEGABYTE
    detail = PrinterDetail.from_dict(
        {"matlStationInfo": {"slotInfos": [{"slotId": 1, "materialName": long}]}}
    )
    [file] = parse_file_list(
        {
            "gcodeListDetail": [
                {
                    "gcodeFileName": "a.gx",
                    "gcodeToolDatas": [{"toolId": 0, "materialColor": long}],
                }
            ]
        }
    )

    assert detail.material_station is not None
    assert detail.material_station.slots[0].material_name == "P" * MAX_TEXT_LENGTH
    assert file.tools[0].material_color == "P" * MAX_TEXT_LENGTH


def test_raw_answer_is_bounded_for_diagnostics() -> None:
    """The kept answer is cut after eight levels of nesting and 1,024 characters."""
    nested: list[Any] = []
    deep = nested
    for _ in range(5000):
        deep.append([])
        deep = deep[0]
    answer = load("detail_5m_pro.json")["detail"]

    detail = PrinterDetail.from_dict(answer | {"deep": nested, "text": "t" * 5000})
    product = ProductInfo.from_dict({"deep": nested})

    value, depth = detail.raw["deep"], 1
    while isinstance(value, list):
        value, depth = value[0], depth + 1
    assert (value, depth) == ("…", 8)
    assert detail.raw["text"] == "t" * 1024 + "…"
    assert product.raw["deep"] == detail.raw["deep"]
    assert {key: detail.raw[key] for key in answer} == answer


@pytest.mark.parametrize(
    ("answer", "progress", "elapsed", "remaining"),
    [
        ({}, None, None, None),
        (
            {"printProgress": 0.4249, "printDuration": 89, "estimatedTime": 29},
            42,
            1,
            0,
        ),
        (
            {"printProgress": 0.4251, "printDuration": 91, "estimatedTime": 31},
            43,
            2,
            1,
        ),
        ({"printProgress": 1, "printDuration": 3600, "estimatedTime": 0}, 100, 60, 0),
    ],
)
def test_job_figures_in_the_printer_s_own_precision(
    answer: dict[str, Any],
    progress: int | None,
    elapsed: int | None,
    remaining: int | None,
) -> None:
    """Progress is whole percent and durations whole minutes, as on the screen."""
    detail = PrinterDetail.from_dict(answer)

    assert detail.progress_percent == progress
    assert detail.print_duration_minutes == elapsed
    assert detail.estimated_time_minutes == remaining
