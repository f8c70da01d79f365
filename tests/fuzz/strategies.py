"""Payload strategies from the 5M firmware 3.2.7 schema, plus mutations.

The field types are transcribed from
``reference/endpoints_5m_3.2.7.yaml`` (``components.schemas.Details`` and
``ProductResponse.product``), so the suite does not need the reference files.
"""

import json
import math
from typing import Any

from hypothesis import strategies as st

# "open_close" is the schema's IsOpenEnum.
DETAIL_SCHEMA: dict[str, str] = {
    "autoShutdown": "open_close",
    "autoShutdownTime": "integer",
    "cameraStreamUrl": "string",
    "chamberFanSpeed": "integer",
    "chamberTargetTemp": "number",
    "chamberTemp": "number",
    "coolingFanSpeed": "integer",
    "cumulativeFilament": "number",
    "cumulativePrintTime": "integer",
    "currentPrintSpeed": "integer",
    "doorStatus": "open_close",
    "errorCode": "string",
    "estimatedLeftLen": "number",
    "estimatedLeftWeight": "number",
    "estimatedRightLen": "number",
    "estimatedRightWeight": "number",
    "estimatedTime": "number",
    "externalFanStatus": "open_close",
    "fillAmount": "integer",
    "firmwareVersion": "string",
    "flashRegisterCode": "string",
    "internalFanStatus": "open_close",
    "ipAddr": "string",
    "leftFilamentType": "string",
    "leftTargetTemp": "number",
    "leftTemp": "number",
    "lightStatus": "open_close",
    "location": "string",
    "macAddr": "string",
    "measure": "string",
    "name": "string",
    "nozzleCnt": "integer",
    "nozzleModel": "string",
    "nozzleStyle": "integer",
    "pid": "integer",
    "platTargetTemp": "number",
    "platTemp": "number",
    "polarRegisterCode": "string",
    "printDuration": "integer",
    "printFileName": "string",
    "printFileThumbUrl": "string",
    "printLayer": "integer",
    "printProgress": "number",
    "printSpeedAdjust": "number",
    "remainingDiskSpace": "number",
    "rightFilamentType": "string",
    "rightTargetTemp": "number",
    "rightTemp": "number",
    "status": "status",
    "targetPrintLayer": "integer",
    "tvoc": "integer",
    "zAxisCompensation": "number",
}

PRODUCT_SCHEMA: dict[str, str] = {
    "nozzleTempCtrlState": "flag",
    "chamberTempCtrlState": "flag",
    "platformTempCtrlState": "flag",
    "lightCtrlState": "flag",
    "internalFanCtrlState": "flag",
    "externalFanCtrlState": "flag",
}

STATUSES = [
    "ready",
    "busy",
    "calibrate_doing",
    "error",
    "heating",
    "printing",
    "pausing",
    "paused",
    "pause",
    "cancel",
    "canceling",
    "completed",
]

_VALID: dict[str, st.SearchStrategy[Any]] = {
    "integer": st.integers(min_value=0, max_value=100_000),
    "number": st.floats(min_value=-40, max_value=100_000, allow_nan=False),
    "string": st.text(max_size=40),
    "open_close": st.sampled_from(["open", "close"]),
    "status": st.sampled_from(STATUSES),
    "flag": st.sampled_from([0, 1]),
}

# What a confused or hostile printer may put in any field.
_HUGE = st.sampled_from([2**63, -(2**63) - 1, 10**30, 10**400, -(10**30)])
_SPECIAL_FLOATS = st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -1e308, -0.0])
_JSON_LEAF: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=20),
)
_NESTED = st.recursive(
    _JSON_LEAF,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
MUTANT: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=-1),
    _HUGE,
    _SPECIAL_FLOATS,
    st.floats(),
    st.text(max_size=20),
    st.text(min_size=300, max_size=5000),
    st.sampled_from(["nan", "inf", "-1e999", "1e999", " 12 ", "0x10", "", "NaN"]),
    st.text(alphabet=st.characters(categories=["Cs", "Cc"]), max_size=10),
    _NESTED,
)


def _field(kind: str) -> st.SearchStrategy[Any]:
    """Return a valid value of a schema type, or (less often) a mutant."""
    return st.one_of(_VALID[kind], _VALID[kind], MUTANT)


@st.composite
def _object(draw: st.DrawFn, schema: dict[str, str]) -> dict[str, Any]:
    """Return an object of the schema with keys dropped, mutated and added."""
    data: dict[str, Any] = {}
    for key, kind in schema.items():
        if draw(st.integers(0, 9)) == 0:  # missing key
            continue
        data[key] = draw(_field(kind))
    extra = draw(st.dictionaries(st.text(max_size=12), _NESTED, max_size=3))
    return {**extra, **data}


def detail_objects() -> st.SearchStrategy[dict[str, Any]]:
    """Return ``detail`` objects from the schema, mutated."""
    return _object(DETAIL_SCHEMA)


def product_objects() -> st.SearchStrategy[dict[str, Any]]:
    """Return ``product`` objects from the schema, mutated."""
    return _object(PRODUCT_SCHEMA)


@st.composite
def file_lists(draw: st.DrawFn) -> dict[str, Any]:
    """Return ``/gcodeList`` answers: detailed, plain, or mangled."""
    tool = st.fixed_dictionaries(
        {},
        optional={
            "toolId": st.one_of(st.integers(0, 3), MUTANT),
            "materialName": st.one_of(st.text(max_size=8), MUTANT),
            "materialColor": st.one_of(st.just("#FFFFFF"), MUTANT),
            "filamentWeight": st.one_of(st.floats(0, 100), MUTANT),
            "slotId": st.one_of(st.integers(0, 4), MUTANT),
        },
    )
    entry = st.fixed_dictionaries(
        {},
        optional={
            "gcodeFileName": st.one_of(st.text(max_size=30), MUTANT),
            "printingTime": st.one_of(st.integers(0, 10**6), MUTANT),
            "totalFilamentWeight": st.one_of(st.floats(0, 1000), MUTANT),
            "useMatlStation": st.one_of(st.booleans(), MUTANT),
            "gcodeToolCnt": st.one_of(st.integers(0, 4), MUTANT),
            "gcodeToolDatas": st.one_of(st.lists(st.one_of(tool, MUTANT)), MUTANT),
        },
    )
    return draw(
        st.fixed_dictionaries(
            {"code": st.just(0)},
            optional={
                "gcodeListDetail": st.one_of(
                    st.lists(st.one_of(entry, MUTANT)), MUTANT
                ),
                "gcodeList": st.one_of(st.lists(st.one_of(st.text(), MUTANT)), MUTANT),
            },
        )
    )


def to_json(value: Any) -> bytes:
    """Serialise like a sloppy firmware: NaN and Infinity become bare tokens."""
    return json.dumps(value, allow_nan=True).encode("utf-8", "surrogatepass")


@st.composite
def raw_answers(  # noqa: PLR0911 - one return per kind of answer
    draw: st.DrawFn, key: str, objects: st.SearchStrategy[Any]
) -> bytes:
    """Return raw HTTP bodies: a good envelope, or one broken some way."""
    inner = draw(objects)
    envelope: Any = {"code": 0, "message": "Success", key: inner}
    kind = draw(
        st.sampled_from(
            [
                "valid",
                "valid",
                "truncated",
                "non_utf8",
                "html",
                "deep",
                "wrong_envelope",
                "bad_code",
                "empty",
                "garbage",
            ]
        )
    )
    body = to_json(envelope)
    match kind:
        case "truncated":
            return body[: draw(st.integers(0, max(0, len(body) - 1)))]
        case "non_utf8":
            cut = draw(st.integers(0, len(body)))
            junk = draw(
                st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x80\x80"])
            )
            return body[:cut] + junk + body[cut:]
        case "html":
            return b"<html><body><h1>500 Internal Server Error</h1></body></html>"
        case "deep":
            depth = draw(st.integers(100, 100_000))
            return (
                b'{"code":0,"'
                + key.encode()
                + b'":'
                + b"[" * depth
                + b"]" * depth
                + b"}"
            )
        case "wrong_envelope":
            return to_json(
                draw(st.one_of(st.lists(_JSON_LEAF), _JSON_LEAF, st.just({key: inner})))
            )
        case "bad_code":
            code = draw(
                st.one_of(st.integers(), st.text(max_size=3), st.none(), st.booleans())
            )
            return to_json({**envelope, "code": code})
        case "empty":
            return b""
        case "garbage":
            return draw(st.binary(max_size=200))
    return body
