"""Constants for the FlashForge integration."""

from typing import Final

DOMAIN: Final = "flashforge"
