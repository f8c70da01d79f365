"""Fixtures for the fuzz targets: discovery and the TCP probe off, every entity enabled."""

from ..integration.conftest import (  # noqa: F401
    ad5x,
    entity_registry_enabled_by_default,
    no_network_discovery,
    no_tcp_probe_of_port_8899,
    quick_emulator,
)
