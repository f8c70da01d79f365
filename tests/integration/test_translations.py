"""Tests that the translations are complete and match the code."""

import json
from pathlib import Path
import re
from typing import Any

import pytest

INTEGRATION = Path(__file__).parents[2] / "custom_components" / "flashforge"
STRINGS = json.loads((INTEGRATION / "strings.json").read_text(encoding="utf-8"))
PLACEHOLDER = re.compile(r"{(\w+)}")


def flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Return every leaf string keyed by its dotted path."""
    leaves: dict[str, str] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            leaves |= flatten(value, f"{path}.")
        else:
            leaves[path] = value
    return leaves


def test_english_equals_strings() -> None:
    """Home Assistant shows translations/en.json: it must be strings.json."""
    english = json.loads(
        (INTEGRATION / "translations" / "en.json").read_text(encoding="utf-8")
    )

    assert english == STRINGS


@pytest.mark.parametrize("language", ["de"])
def test_translation_is_complete(language: str) -> None:
    """Every text is translated, with the same placeholders."""
    path = INTEGRATION / "translations" / f"{language}.json"
    translated = flatten(json.loads(path.read_text(encoding="utf-8")))
    source = flatten(STRINGS)

    assert translated.keys() == source.keys()
    for key, text in source.items():
        assert set(PLACEHOLDER.findall(translated[key])) == set(
            PLACEHOLDER.findall(text)
        ), key
        assert translated[key].strip(), key


def test_every_translation_key_in_code_exists() -> None:
    """Entities, exceptions and repair issues named in code have texts."""
    code = "\n".join(path.read_text() for path in INTEGRATION.rglob("*.py"))
    used = set(re.findall(r'translation_key="(\w+)"', code))

    entity_keys = {key for platform in STRINGS["entity"].values() for key in platform}
    known = set(STRINGS["exceptions"]) | set(STRINGS["issues"]) | entity_keys
    assert used
    assert used <= known, used - known
