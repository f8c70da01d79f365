"""Constants for the FlashForge integration."""

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "flashforge"
LOGGER = logging.getLogger(__package__)

CONF_SERIAL_NUMBER: Final = "serial_number"
CONF_CHECK_CODE: Final = "check_code"
CONF_FAST_INTERVAL: Final = "fast_interval"
CONF_SLOW_INTERVAL: Final = "slow_interval"

DEFAULT_FAST_INTERVAL: Final = 5  # seconds, while the printer works
DEFAULT_SLOW_INTERVAL: Final = 30  # seconds, while it idles
MIN_INTERVAL: Final = 2
MAX_INTERVAL: Final = 600

# How long a printer that worked may stay unreachable before a repair issue
# asks the user to look at it (LAN-only mode off, a new address).
UNREACHABLE_REPAIR_AFTER: Final = timedelta(hours=1)

DISCOVERY_INTERVAL: Final = timedelta(minutes=15)
DISCOVERY_TIMEOUT: Final = 3.0
