"""An emulator of FlashForge printers' HTTP API (port 8898), camera and discovery.

Start one with ``async with Emulator(model="5m-pro") as emu:`` and point a
client at ``emu.base_url`` with ``emu.serial`` and ``emu.check_code``.
"""

from .clock import Clock
from .codes import Outcome, ResponseCode, Status
from .core import ReceivedCommand
from .emulator import Emulator
from .faults import FaultKind
from .profiles import PROFILES, Profile, get_profile
from .state import PrinterState
from .storage import StoredFile

__all__ = [
    "PROFILES",
    "Clock",
    "Emulator",
    "FaultKind",
    "Outcome",
    "PrinterState",
    "Profile",
    "ReceivedCommand",
    "ResponseCode",
    "Status",
    "StoredFile",
    "get_profile",
]
