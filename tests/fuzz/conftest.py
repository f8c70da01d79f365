"""Fixtures for the fuzz targets: discovery off, every entity enabled."""

from ..integration.conftest import (  # noqa: F401
    entity_registry_enabled_by_default,
    no_network_discovery,
)
