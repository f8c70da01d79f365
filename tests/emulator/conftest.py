"""Fixtures for the emulator's own tests."""

from collections.abc import AsyncGenerator

import aiohttp
import pytest

from flashforge_emulator import Clock, Emulator
from tests.conftest import EmulatorFactory


@pytest.fixture
async def session(socket_enabled: None) -> AsyncGenerator[aiohttp.ClientSession]:
    """Return an aiohttp session closed after the test."""
    async with aiohttp.ClientSession() as client:
        yield client


@pytest.fixture
async def emulator(emulator_factory: EmulatorFactory) -> AsyncGenerator[Emulator]:
    """Return a 5M Pro whose clock only moves with emu.advance(), for exact assertions."""
    async with emulator_factory("5m-pro", clock=Clock.manual()) as emu:
        yield emu
