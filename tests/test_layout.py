"""Tests for where code lives: a library that stands alone, platforms of anchor size."""

import ast
from pathlib import Path
import sys

import pytest

INTEGRATION = Path(__file__).parent.parent / "custom_components" / "flashforge"
LIBRARY = INTEGRATION / "api"

# Modules over 300 lines are split, as in core's anchors (WLED, Elgato,
# Tailwind).
MAX_MODULE_LINES = 300


def imported_packages(path: Path) -> set[str]:
    """Return the top-level packages a module imports, relative imports left out."""
    packages = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            packages.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            packages.add(node.module.partition(".")[0])
    return packages


@pytest.mark.parametrize(
    "path",
    sorted(LIBRARY.rglob("*.py")),
    ids=lambda path: str(path.relative_to(LIBRARY)),
)
def test_library_needs_only_aiohttp(path: Path) -> None:
    """The bundled library imports the standard library and aiohttp, never Home Assistant.

    orjson is used where installed; tests/api/test_answers.py imports the
    library without it.
    """
    foreign = (
        imported_packages(path) - set(sys.stdlib_module_names) - {"aiohttp", "orjson"}
    )
    assert not foreign


@pytest.mark.parametrize(
    "path",
    sorted(INTEGRATION.glob("*.py")),
    ids=lambda path: path.name,
)
def test_integration_modules_keep_anchor_size(path: Path) -> None:
    """No module of the integration outside the library grows past 300 lines."""
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES
