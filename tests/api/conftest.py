"""Fixtures for the client tests: a client talking to the emulator."""

from collections.abc import AsyncIterator, Callable

import pytest

from custom_components.flashforge.api import FlashForgeHttpClient
from flashforge_emulator import Emulator

type ClientFactory = Callable[..., FlashForgeHttpClient]


@pytest.fixture
async def make_client() -> AsyncIterator[ClientFactory]:
    """Return a factory of clients for an emulator, closed after the test."""
    clients: list[FlashForgeHttpClient] = []

    def factory(emulator: Emulator, **kwargs: object) -> FlashForgeHttpClient:
        options: dict[str, object] = {
            "check_code": emulator.check_code,
            "port": emulator.port,
            "request_timeout": 2.0,
        } | kwargs
        client = FlashForgeHttpClient(emulator.host, emulator.serial, **options)  # type: ignore[arg-type]
        clients.append(client)
        return client

    yield factory
    for client in clients:
        await client.close()


@pytest.fixture
def client(emulator: Emulator, make_client: ClientFactory) -> FlashForgeHttpClient:
    """Return a client for the 5M Pro emulator."""
    return make_client(emulator)
