"""Pytest plugin: fail the session if a check code shows anywhere it must not.

Enable with ``pytest_plugins = ["tests.secret_scan"]`` in ``tests/conftest.py``.
Every check code an emulator is made with or changed to (six characters or
more, so short codes cannot match by chance) is collected. Throughout the
session, every log record (with its exception text), every state written
to Home Assistant's state machine (with its attributes) and every client or
Home Assistant exception made (its message and translation placeholders) is
scanned for them; the session fails at the end if any held one.
"""

from collections.abc import Callable
import functools
import logging
from typing import Any

from homeassistant.core import StateMachine
from homeassistant.exceptions import HomeAssistantError
import pytest

from custom_components.flashforge.api import FlashForgeError
from flashforge_emulator import Emulator

MIN_SECRET_LENGTH = 6

_secrets: set[str] = set()
_leaks: list[str] = []
_formatter = logging.Formatter()


def register_secret(code: object) -> None:
    """Remember a check code to look for."""
    if isinstance(code, str) and len(code) >= MIN_SECRET_LENGTH:
        _secrets.add(code)


def _scan(source: str, text: str) -> None:
    """Record the text as a leak if it holds a known code."""
    _leaks.extend(f"{source}: {text[:300]!r}" for code in _secrets if code in text)


class _SecretScanHandler(logging.Handler):
    """Keep each record's text only while it could hold a known code."""

    def emit(self, record: logging.LogRecord) -> None:
        """Format the record with its traceback and look for every code."""
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is not a leak
            text = str(record.msg)
        if record.exc_info:
            text += "\n" + _formatter.formatException(record.exc_info)
        if record.exc_text:
            text += "\n" + record.exc_text
        _scan(f"log {record.name}", text)


def _wrap_emulator() -> None:
    """Register the check codes emulators are made with or changed to."""
    init = Emulator.__init__
    set_code = Emulator.set_check_code

    @functools.wraps(init)
    def __init__(self: Emulator, *args: Any, **kwargs: Any) -> None:  # noqa: N807
        init(self, *args, **kwargs)
        register_secret(self._check_code)

    @functools.wraps(set_code)
    def set_check_code(self: Emulator, check_code: str) -> None:
        register_secret(check_code)
        set_code(self, check_code)

    Emulator.__init__ = __init__  # type: ignore[method-assign]
    Emulator.set_check_code = set_check_code  # type: ignore[method-assign]


def _wrap_state_machine() -> None:
    """Scan every state written, with its attributes."""
    set_internal = StateMachine.async_set_internal

    @functools.wraps(set_internal)
    def async_set_internal(
        self: StateMachine,
        entity_id: str,
        new_state: str,
        attributes: Any,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        _scan(f"state of {entity_id}", f"{new_state} {attributes!r}")
        set_internal(self, entity_id, new_state, attributes, *args, **kwargs)

    StateMachine.async_set_internal = async_set_internal  # type: ignore[method-assign]


def _scanning(init: Callable[..., None]) -> Callable[..., None]:
    """Wrap an error's __init__ to scan its message and placeholders."""

    @functools.wraps(init)
    def __init__(self: Exception, *args: Any, **kwargs: Any) -> None:  # noqa: N807
        init(self, *args, **kwargs)
        placeholders = getattr(self, "translation_placeholders", None)
        _scan(type(self).__name__, f"{args!r} {placeholders!r}")

    return __init__


def _wrap_exceptions() -> None:
    """Scan every client and Home Assistant error made."""
    for error in (HomeAssistantError, FlashForgeError):
        error.__init__ = _scanning(error.__init__)  # type: ignore[method-assign]


_handler = _SecretScanHandler(level=logging.NOTSET)


def pytest_configure(config: pytest.Config) -> None:
    """Install the wrapper and the root handler once per session."""
    _wrap_emulator()
    _wrap_state_machine()
    _wrap_exceptions()
    register_secret("12345678")  # the emulator's default
    logging.getLogger().addHandler(_handler)


@pytest.fixture(autouse=True)
def _secret_scan_handler() -> None:
    """Put the handler back if a test's logging setup removed it."""
    root = logging.getLogger()
    if _handler not in root.handlers:
        root.addHandler(_handler)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the session if a check code was ever logged."""
    logging.getLogger().removeHandler(_handler)
    if _leaks:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                f"secret_scan: {len(_leaks)} log record(s), state(s) or error(s) "
                "contain a check code:",
                red=True,
            )
            for leak in _leaks[:20]:
                reporter.write_line(f"  {leak}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
