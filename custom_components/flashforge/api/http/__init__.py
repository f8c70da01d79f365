"""The HTTP API of the 5M family, the AD5X and the Creator 5 (port 8898)."""

from .client import FlashForgeHttpClient
from .const import DEFAULT_PORT

__all__ = ["DEFAULT_PORT", "FlashForgeHttpClient"]
