"""Tests for the answers' words: the language picked, errors, unknown estimates."""

from dataclasses import replace
import json
from pathlib import Path

from homeassistant.exceptions import HomeAssistantError
import pytest

from custom_components.flashforge.api import MachineStatus, PrinterDetail
from custom_components.flashforge.const import DOMAIN
from custom_components.flashforge.voice_answers import (
    QUESTIONS,
    Speaker,
    voice_language,
)

FIXTURES = Path(__file__).parents[1] / "fixtures"
PRINTING = PrinterDetail.from_dict(
    json.loads((FIXTURES / "detail_5m_pro.json").read_text())["detail"]
)
COMMON = f"component.{DOMAIN}.common"
TEXTS = {
    f"{COMMON}.voice_time_unknown": "{printer} tells no time.",
    f"{COMMON}.voice_printing": "{printer} prints {file} ({progress} %).",
    f"component.{DOMAIN}.exceptions.printer_busy.message": "{name} is busy.",
}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "en"),
        ("de", "de"),
        ("DE", "de"),
        ("de-CH", "de"),
        ("en-US", "en"),
        ("fr", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_voice_language(language: str | None, expected: str) -> None:
    """The input's language, else its base language, else English."""
    assert voice_language(language) == expected


@pytest.mark.parametrize(
    ("placeholders", "spoken"),
    [
        ({"name": "Printer"}, "Printer is busy."),
        # A message whose values are missing is said as the error itself.
        ({}, "printer_busy"),
    ],
)
def test_error_in_the_speakers_language(
    placeholders: dict[str, str], spoken: str
) -> None:
    """An error is said from the speaker's texts, with its values."""
    err = HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="printer_busy",
        translation_placeholders=placeholders,
    )

    assert Speaker(TEXTS, "Printer").error(err) == spoken


def test_error_without_translation() -> None:
    """An error the texts do not hold is said as it reads."""
    assert Speaker(TEXTS, "Printer").error(HomeAssistantError("Gone")) == "Gone"


def test_status_without_translation() -> None:
    """A status the texts do not hold is said by its key."""
    assert Speaker({}, "Printer").status(MachineStatus.BUSY) == "busy"


def test_time_left_unknown() -> None:
    """A print without an estimate says so."""
    detail = replace(PRINTING, estimated_time=None)

    assert QUESTIONS["time_left"](Speaker(TEXTS, "P"), detail) == "P tells no time."


def test_printing_without_progress() -> None:
    """A print that reports no progress yet is at 0 percent."""
    detail = replace(PRINTING, print_progress=None)

    assert QUESTIONS["printing"](Speaker(TEXTS, "P"), detail) == (
        "P prints Benchy (0 %)."
    )
