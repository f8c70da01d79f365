"""Fixtures for the fault scenarios: those of the integration tests."""

from ..integration.conftest import (  # noqa: F401
    config_entry,
    emulator,
    entity_registry_enabled_by_default,
    init_integration,
    no_network_discovery,
    no_tcp_probe_of_port_8899,
)
