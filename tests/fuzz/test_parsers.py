"""Fuzz target 1: the client's parsers on generated and mutated objects."""

from collections.abc import Mapping
import copy
from dataclasses import fields
from enum import Enum
import math
import types
import typing
from typing import Any

from hypothesis import given, strategies as st

from custom_components.flashforge.api.models import (
    DetailParser,
    FileTool,
    MaterialStation,
    PrinterDetail,
    PrinterFile,
    ProductInfo,
    parse_file_list,
)

from ..details import fields_that_differ
from .profiles import FUZZ
from .strategies import MUTANT, detail_objects, file_lists, product_objects

# detail keys read one to one into a field: absent key, None field.
DIRECT_FIELDS: dict[str, str] = {
    "name": "name",
    "firmwareVersion": "firmware_version",
    "macAddr": "mac_address",
    "ipAddr": "ip_address",
    "location": "location",
    "errorCode": "error_code",
    "rightTemp": "nozzle_temperature",
    "rightTargetTemp": "nozzle_target_temperature",
    "platTemp": "bed_temperature",
    "platTargetTemp": "bed_target_temperature",
    "chamberTemp": "chamber_temperature",
    "chamberTargetTemp": "chamber_target_temperature",
    "printFileName": "print_file_name",
    "printLayer": "print_layer",
    "targetPrintLayer": "target_print_layer",
    "printDuration": "print_duration",
    "estimatedTime": "estimated_time",
    "printSpeedAdjust": "print_speed_adjust",
    "coolingFanSpeed": "cooling_fan_speed",
    "chamberFanSpeed": "chamber_fan_speed",
    "zAxisCompensation": "z_axis_compensation",
    "nozzleModel": "nozzle_size",
    "tvoc": "tvoc",
    "cumulativeFilament": "cumulative_filament",
    "cumulativePrintTime": "cumulative_print_time",
    "remainingDiskSpace": "remaining_disk_space",
    "doorStatus": "door_open",
    "lightStatus": "light_on",
    "autoShutdownTime": "auto_shutdown_time",
    "cameraStreamUrl": "camera_stream_url",
}


def conforms(value: Any, annotation: Any) -> bool:  # noqa: PLR0911
    """Return whether a value has its declared type (floats also finite)."""
    if annotation is Any:
        return True
    origin = typing.get_origin(annotation)
    if origin in {types.UnionType, typing.Union}:
        return any(conforms(value, arg) for arg in typing.get_args(annotation))
    if annotation is type(None):
        return value is None
    if origin is tuple:
        item, *_ = typing.get_args(annotation)
        return isinstance(value, tuple) and all(conforms(v, item) for v in value)
    if origin is not None:  # Mapping[str, Any] and the like
        return isinstance(value, origin)
    if annotation is float:
        return type(value) is float and math.isfinite(value)
    if annotation is int:
        return type(value) is int
    if annotation is bool:
        return type(value) is bool
    if annotation is str:
        return type(value) is str and value != ""
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return isinstance(value, annotation)
    if annotation in {MaterialStation, FileTool, PrinterFile}:
        return isinstance(value, annotation) and dataclass_conforms(value)
    if annotation is Mapping:
        return isinstance(value, Mapping)
    return isinstance(value, annotation)


def dataclass_conforms(obj: object) -> bool:
    """Check every field of a parsed dataclass against its annotation."""
    hints = typing.get_type_hints(type(obj))
    bad = [
        (field.name, getattr(obj, field.name))
        for field in fields(obj)  # type: ignore[arg-type]
        if not conforms(getattr(obj, field.name), hints[field.name])
    ]
    assert not bad, bad
    return True


@FUZZ
@given(detail_objects())
def test_detail_parser(data: dict[str, Any]) -> None:
    """PrinterDetail.from_dict never raises; fields are typed; absent means None."""
    detail = PrinterDetail.from_dict(data)

    assert dataclass_conforms(detail)
    for key, name in DIRECT_FIELDS.items():
        if key not in data or data[key] is None:
            assert getattr(detail, name) is None, (key, name)


@FUZZ
@given(st.dictionaries(st.text(max_size=10), MUTANT, max_size=8) | detail_objects())
def test_detail_parser_on_arbitrary_objects(data: dict[str, Any]) -> None:
    """Objects with nothing of the schema parse to a detail of Nones."""
    assert dataclass_conforms(PrinterDetail.from_dict(data))


def alike(value: Any) -> Any:
    """Return a value equal to the given one, with other types where JSON allows.

    1 and 1.0 and True, 0.0 and -0.0 are equal in Python, yet read apart.
    """
    if isinstance(value, list):
        return [alike(item) for item in value]
    if isinstance(value, dict):
        return {key: alike(item) for key, item in value.items()}
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return -value if value == 0 else int(value) if value.is_integer() else value
    if isinstance(value, int):
        return float(value) if abs(value) < 2**53 else value
    return value


# Fields the 5M schema lacks: the AD5X's material station, multi-nozzle temperatures.
_FLAG = st.one_of(st.booleans(), st.sampled_from([0, 1, "open", "close"]), MUTANT)
_SLOT = st.fixed_dictionaries(
    {},
    optional={
        "slotId": st.one_of(st.integers(0, 4), MUTANT),
        "hasFilament": _FLAG,
        "materialName": st.one_of(st.sampled_from(["PLA", "PETG", ""]), MUTANT),
        "materialColor": st.one_of(st.just("#FFFFFF"), MUTANT),
    },
)
_TEMPERATURES = st.one_of(
    st.lists(
        st.one_of(st.floats(-200, 300), st.integers(-200, 300), MUTANT), max_size=5
    ),
    MUTANT,
)
_MORE_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "hasMatlStation": _FLAG,
        "matlStationInfo": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "slotCnt": st.one_of(st.integers(0, 4), MUTANT),
                    "currentSlot": st.one_of(st.integers(0, 4), MUTANT),
                    "stateAction": st.one_of(st.integers(0, 4), MUTANT),
                    "slotInfos": st.one_of(
                        st.lists(st.one_of(_SLOT, MUTANT), max_size=5), MUTANT
                    ),
                },
            ),
            MUTANT,
        ),
        "nozzleTemps": _TEMPERATURES,
        "nozzleTargetTemps": _TEMPERATURES,
    },
)
ANSWERS = st.builds(lambda detail, more: detail | more, detail_objects(), _MORE_FIELDS)


@st.composite
def successors(draw: st.DrawFn, previous: dict[str, Any]) -> dict[str, Any]:
    """Return a next answer: values kept, copied, retyped, reordered, changed, dropped."""
    data: dict[str, Any] = {}
    for key, value in previous.items():
        match draw(
            st.sampled_from(["keep", "copy", "alike", "reorder", "new", "drop"])
        ):
            case "keep":
                data[key] = value
            case "copy":
                data[key] = copy.deepcopy(value)
            case "alike":
                data[key] = alike(value)
            case "reorder":
                data[key] = (
                    dict(reversed(value.items())) if isinstance(value, dict) else value
                )
            case "new":
                data[key] = draw(MUTANT)
    for key, value in draw(ANSWERS).items():
        if key not in data and draw(st.booleans()):
            data[key] = value
    return data


@st.composite
def detail_histories(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Return a printer's successive detail objects, each a successor of the last."""
    history = [draw(ANSWERS)]
    for _ in range(draw(st.integers(1, 4))):
        history.append(draw(successors(history[-1])))
    return history


# New values that keep a value's type, so that an answer keeps the last one's layout.
_OF_TYPE: dict[type, st.SearchStrategy[Any]] = {
    bool: st.booleans(),
    int: st.integers(),
    float: st.floats(),
    str: st.text(max_size=20),
    list: st.lists(MUTANT, max_size=4),
    dict: st.dictionaries(st.text(max_size=5), MUTANT, max_size=4),
}


@st.composite
def same_layout_successors(draw: st.DrawFn, previous: dict[str, Any]) -> dict[str, Any]:
    """Return a next answer with the same keys in the same order, of the same types.

    As a printer polls: then equal values that read apart (a zero's sign, a
    container's inner types or order) are all that tell a change.
    """
    data: dict[str, Any] = {}
    for key, value in previous.items():
        kind = type(value)
        match draw(st.sampled_from(["keep", "copy", "alike", "reorder", "new"])):
            case "copy":
                data[key] = copy.deepcopy(value)
            case "alike" if type(alike(value)) is kind:
                data[key] = alike(value)
            case "reorder" if kind is dict:
                data[key] = dict(reversed(value.items()))
            case "new" if kind in _OF_TYPE:
                data[key] = draw(_OF_TYPE[kind])
            case _:
                data[key] = value
    return data


@st.composite
def same_layout_histories(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Return a printer's successive detail objects, all laid out as the first."""
    history = [draw(ANSWERS)]
    for _ in range(draw(st.integers(1, 4))):
        history.append(draw(same_layout_successors(history[-1])))
    return history


@FUZZ
@given(detail_histories() | same_layout_histories())
def test_incremental_detail_parser(history: list[dict[str, Any]]) -> None:
    """Parsed after any previous answers, a detail is the one parsed from scratch.

    The fields the parser says changed are those a comparison of every field
    finds changed.
    """
    parser = DetailParser()
    previous: PrinterDetail | None = None

    for data in history:
        detail = parser.parse(data)
        fresh = PrinterDetail.from_dict(data)
        assert detail == fresh
        # repr tells -0.0 from 0.0 and 1 from 1.0 and True; raw may hold NaN.
        assert repr(detail) == repr(fresh)
        assert repr(detail.raw) == repr(fresh.raw)
        if previous is not None:
            assert parser.changes(previous, detail) == fields_that_differ(
                previous, detail
            )
        previous = detail


@FUZZ
@given(product_objects())
def test_product_parser(data: dict[str, Any]) -> None:
    """ProductInfo.from_dict never raises; a flag is True only when reported so."""
    product = ProductInfo.from_dict(data)

    assert dataclass_conforms(product)
    if "lightCtrlState" not in data:
        assert product.light_control is False


@FUZZ
@given(file_lists())
def test_file_list_parser(data: dict[str, Any]) -> None:
    """parse_file_list never raises and returns only typed, named files."""
    files = parse_file_list(data)

    assert isinstance(files, list)
    for file in files:
        assert isinstance(file, PrinterFile)
        assert dataclass_conforms(file)
        for tool in file.tools:
            assert dataclass_conforms(tool)
