"""Tests for decoding the printer's answers, with each JSON decoder the client uses.

Where orjson is installed (Home Assistant ships it) it decodes first and the
standard library takes what it refuses; without it, the standard library
alone. Both must accept and refuse the same answers, and read them alike.
"""

import json
from pathlib import Path
import subprocess
import sys
import textwrap

import orjson
import pytest

from custom_components.flashforge.api import (
    FlashForgeAuthenticationError,
    FlashForgeBusyError,
    FlashForgeCommandError,
    FlashForgeResponseError,
    PrinterDetail,
)
from custom_components.flashforge.api.http.answers import (
    JSON_DECODERS,
    JsonDecoder,
    parse_answer,
)

ROOT = Path(__file__).parent.parent.parent

# The client's decoders here (orjson first), and without orjson.
WITH_EACH_DECODER = pytest.mark.parametrize(
    "decoders", [JSON_DECODERS, (json.loads,)], ids=["orjson", "json"]
)


def answer(fragment: str, *, prefix: str = "", encoding: str = "utf-8") -> bytes:
    """Return a /detail answer with a good reading and the given fragment."""
    body = f'{prefix}{{"code": 0, "detail": {{"rightTemp": 210.5, {fragment}}}}}'
    return body.encode(encoding, "surrogatepass")


def test_orjson_decodes_first() -> None:
    """The fastest decoder Home Assistant ships is tried before the standard one."""
    assert JSON_DECODERS[0] is orjson.loads
    assert JSON_DECODERS[-1] is json.loads


# Answers a sloppy firmware may send that orjson refuses or reads otherwise:
# the reading of the rest is kept, the odd value is unknown.
ODD_ANSWERS = {
    "NaN": (answer('"platTemp": NaN'), "bed_temperature", None),
    "Infinity": (answer('"platTemp": Infinity'), "bed_temperature", None),
    "-Infinity": (answer('"platTemp": -Infinity'), "bed_temperature", None),
    "beyond a double": (answer('"platTemp": 1e400'), "bed_temperature", None),
    "beyond 64 bits": (answer('"tvoc": 18446744073709551616'), "tvoc", None),
    "below 64 bits": (answer('"tvoc": -9223372036854775809'), "tvoc", None),
    "within 64 bits": (answer('"tvoc": 9223372036854775807'), "tvoc", 2.0**63),
    "lone surrogate": (answer('"name": "\\ud800Printer"'), "name", "Printer"),
    "byte order mark": (answer('"name": "P"', prefix="\ufeff"), "name", "P"),
    "UTF-16": (answer('"name": "P"', encoding="utf-16"), "name", "P"),
}


@WITH_EACH_DECODER
@pytest.mark.parametrize(
    ("body", "attribute", "expected"), ODD_ANSWERS.values(), ids=ODD_ANSWERS
)
def test_odd_answers_are_read(
    decoders: tuple[JsonDecoder, ...], body: bytes, attribute: str, expected: object
) -> None:
    """What json.loads accepted is accepted with either decoder, and read alike."""
    detail = PrinterDetail.from_dict(parse_answer("/detail", body, decoders)["detail"])

    assert detail.nozzle_temperature == 210.5
    assert getattr(detail, attribute) == expected


@WITH_EACH_DECODER
def test_nesting_orjson_refuses_is_decoded(decoders: tuple[JsonDecoder, ...]) -> None:
    """Nesting past orjson's 1,024 levels is still an answer, as json.loads took it."""
    body = b'{"code": 0, "deep": ' + b"[" * 2000 + b"]" * 2000 + b"}"

    data = parse_answer("/detail", body, decoders)

    assert data["code"] == 0


NOT_JSON = {
    "empty": b"",
    "html": b"<html><body><h1>500 Internal Server Error</h1></body></html>",
    "not UTF-8": b"\xff\xfe not utf-8",
    "cut short": b'{"code": 0, "detail": {"rightTemp": 21',
    "lowercase nan": b'{"code": 0, "detail": {"platTemp": nan}}',
    "control character": b'{"code": 0, "message": "a\x01b"}',
    "trailing data": b'{"code": 0}\x00',
    "nested past the stack": b"[" * 100_000,
}


@WITH_EACH_DECODER
@pytest.mark.parametrize("body", NOT_JSON.values(), ids=NOT_JSON)
def test_answers_that_are_not_json(
    decoders: tuple[JsonDecoder, ...], body: bytes
) -> None:
    """No decoder takes it: a response error, with no decoder error chained."""
    with pytest.raises(FlashForgeResponseError, match="not JSON") as info:
        parse_answer("/detail", body, decoders)

    assert info.value.__cause__ is None
    assert info.value.__context__ is None


BAD_ENVELOPES = {
    "a list": (b"[1, 2]", FlashForgeResponseError),
    "a text": (b'"text"', FlashForgeResponseError),
    "no code": (b'{"message": "no code"}', FlashForgeResponseError),
    "code true": (b'{"code": true}', FlashForgeResponseError),
    "code as text": (b'{"code": "0"}', FlashForgeResponseError),
    "code as float": (b'{"code": 0.0}', FlashForgeResponseError),
    "unauthorized": (b'{"code": 3, "message": "x"}', FlashForgeAuthenticationError),
    "busy": (b'{"code": 5}', FlashForgeBusyError),
    "refused": (b'{"code": 1, "message": 7}', FlashForgeCommandError),
}


@WITH_EACH_DECODER
@pytest.mark.parametrize(("body", "error"), BAD_ENVELOPES.values(), ids=BAD_ENVELOPES)
def test_envelopes_without_success(
    decoders: tuple[JsonDecoder, ...], body: bytes, error: type[Exception]
) -> None:
    """An answer that decodes but is no success is the same error with either decoder."""
    with pytest.raises(error):
        parse_answer("/detail", body, decoders)


def test_the_library_runs_without_orjson() -> None:
    """With orjson missing (and no Home Assistant), the standard library decodes."""
    script = textwrap.dedent(
        f"""
        import json, sys, types

        sys.modules["orjson"] = None  # import orjson raises ImportError
        # The library alone, without the integration (and Home Assistant) around it.
        package = types.ModuleType("custom_components.flashforge")
        package.__path__ = [{str(ROOT / "custom_components" / "flashforge")!r}]
        sys.modules["custom_components.flashforge"] = package

        from custom_components.flashforge.api import FlashForgeHttpClient, PrinterDetail
        from custom_components.flashforge.api.http.answers import (
            JSON_DECODERS,
            parse_answer,
        )

        data = parse_answer("/detail", {answer('"platTemp": NaN')!r})
        print(json.dumps({{
            "decoders": [decode.__module__ for decode in JSON_DECODERS],
            "nozzle": PrinterDetail.from_dict(data["detail"]).nozzle_temperature,
            "client": FlashForgeHttpClient.__name__,
            "homeassistant": "homeassistant" in sys.modules,
        }}))
        """
    )

    result = subprocess.run(  # noqa: S603 - our interpreter, our script
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )

    assert json.loads(result.stdout) == {
        "decoders": ["json"],
        "nozzle": 210.5,
        "client": "FlashForgeHttpClient",
        "homeassistant": False,
    }
