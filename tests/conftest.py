"""Fixtures shared by every test."""

from collections.abc import Generator

import pytest

# Imported here so that Home Assistant resolves `custom_components` to this
# repository and not to the test plugin's own testing folder.
import custom_components.flashforge  # noqa: F401


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    enable_custom_integrations: None,
) -> Generator[None]:
    """Let Home Assistant load integrations from custom_components."""
    yield
