"""Constants for the FlashForge integration."""

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "flashforge"
LOGGER = logging.getLogger(__package__)

CONF_SERIAL_NUMBER: Final = "serial_number"
CONF_CHECK_CODE: Final = "check_code"
# The legacy TCP API's port; a TCP-only entry has it and no check code.
CONF_TCP_PORT: Final = "tcp_port"
# Where a TCP-only printer's camera streams, if not on port 8080 (an emulated
# farm on one host); no form asks for it.
CONF_CAMERA_PORT: Final = "camera_port"

# Polling is not an option (core's rule): who needs a fresher state asks for
# one with homeassistant.update_entity.
FAST_INTERVAL: Final = timedelta(seconds=5)  # while the printer works
SLOW_INTERVAL: Final = timedelta(seconds=30)  # while it idles

# How long a printer that worked may stay unreachable before a repair issue
# asks the user to look at it (LAN-only mode off, a new address).
UNREACHABLE_REPAIR_AFTER: Final = timedelta(hours=1)

DISCOVERY_INTERVAL: Final = timedelta(minutes=15)
DISCOVERY_TIMEOUT: Final = 3.0
