"""Tests for the secret scan: a check code anywhere it must not be fails the session."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

TEST_MODULE = """
import logging

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from custom_components.flashforge.api import FlashForgeConnectionError

CODE = "12345678"


async def test_it(hass: HomeAssistant) -> None:
    {statement}
"""

LEAKS = {
    "log line": 'logging.getLogger("leak").warning("code %s", CODE)',
    "entity attribute": 'hass.states.async_set("sensor.leak", "on", {"code": CODE})',
    "state": 'hass.states.async_set("sensor.leak", CODE)',
    "client error": "FlashForgeConnectionError(f'cannot reach {CODE}')",
    "translated error": (
        'HomeAssistantError(translation_domain="flashforge", '
        'translation_key="x", translation_placeholders={"code": CODE})'
    ),
}


def run_session(pytester: pytest.Pytester, statement: str) -> pytest.RunResult:
    """Run a one-test session with the scan, in a fresh process."""
    pytester.makepyfile(test_leak=TEST_MODULE.format(statement=statement))
    pytester.makeini("[pytest]\nasyncio_mode = auto\n")
    return pytester.runpytest_subprocess(
        "-p", "tests.secret_scan", "-p", "no:cacheprovider", "-q"
    )


@pytest.fixture(autouse=True)
def importable_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the session import the integration and the scan from this repository."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))


@pytest.mark.parametrize("statement", LEAKS.values(), ids=LEAKS.keys())
def test_a_leak_fails_the_session(pytester: pytest.Pytester, statement: str) -> None:
    """The test itself passes, the session does not, and the leak is named."""
    result = run_session(pytester, statement)

    result.stdout.fnmatch_lines(["*contain a check code*", "*1 passed*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_a_clean_session_passes(pytester: pytest.Pytester) -> None:
    """Codes that are not secrets, in a state and a log line, are no leak."""
    result = run_session(
        pytester,
        'hass.states.async_set("sensor.ok", "1234"); logging.warning("no code")',
    )

    assert result.ret == pytest.ExitCode.OK
