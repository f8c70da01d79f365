"""Fixtures shared by every test."""

from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator
import contextlib
import os
from pathlib import Path
from typing import Any

import pytest
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

# Imported here so that Home Assistant resolves `custom_components` to this
# repository and not to the test plugin's own testing folder.
import custom_components.flashforge  # noqa: F401
from flashforge_emulator import Emulator

# secret_scan fails the session if a log line, state or error carries a check
# code a test used; pytester runs sessions inside a test (to test that scan).
pytest_plugins = ["tests.secret_scan", "pytester"]

# A pace that finishes a whole emulated print in well under a second.
FAST_PACE: dict[str, float] = {
    "heating_seconds": 0.2,
    "print_seconds": 1.0,
    "command_seconds": 0.01,
}

type EmulatorFactory = Callable[..., contextlib.AbstractAsyncContextManager[Emulator]]


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Serialise Home Assistant states and registry entries without volatile ids."""
    # syrupy's own fixture would otherwise win over the test plugin's override.
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load integrations from custom_components."""


@pytest.fixture
def emulator_factory(socket_enabled: None) -> EmulatorFactory:
    """Return a factory: `async with emulator_factory(model="ad5x", ...) as emu:`.

    Every emulator listens on 127.0.0.1 ephemeral ports at a fast pace unless
    told otherwise, and is stopped when its `async with` block ends.
    """

    @contextlib.asynccontextmanager
    async def factory(model: str = "5m-pro", **kwargs: Any) -> AsyncIterator[Emulator]:
        options: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": 0,
            **FAST_PACE,
            **kwargs,
        }
        async with Emulator(model, **options) as emu:
            yield emu

    return factory


@pytest.fixture
async def emulator(emulator_factory: EmulatorFactory) -> AsyncGenerator[Emulator]:
    """Return a running 5M Pro emulator at a fast pace."""
    async with emulator_factory("5m-pro") as emu:
        yield emu


@pytest.fixture
def release_fifos(tmp_path: Path) -> Iterator[None]:
    """After the test, unblock any thread still waiting to read a FIFO under tmp_path.

    Without this, a regression that opens a FIFO for reading would hang the
    whole session instead of failing one test.
    """
    yield
    for pipe in tmp_path.rglob("*"):
        if pipe.is_fifo():
            with contextlib.suppress(OSError):
                os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
