"""The FlashForge legacy TCP API (port 8899): Adventurer 3/4, older firmware, extras."""

from .client import FlashForgeTcpClient
from .const import DEFAULT_TCP_PORT
from .detail import legacy_detail
from .gcode import gcode_lines
from .models import LegacyInfo, LegacyState
from .replies import Reply, ReplyReader, parse_info, parse_state

__all__ = [
    "DEFAULT_TCP_PORT",
    "FlashForgeTcpClient",
    "LegacyInfo",
    "LegacyState",
    "Reply",
    "ReplyReader",
    "gcode_lines",
    "legacy_detail",
    "parse_info",
    "parse_state",
]
