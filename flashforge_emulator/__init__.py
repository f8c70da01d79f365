"""An emulator of FlashForge printers: HTTP API, legacy TCP API, camera, discovery.

Start one with ``async with Emulator(model="5m-pro") as emu:`` and point a
client at ``emu.base_url`` with ``emu.serial`` and ``emu.check_code``, or a
TCP client at ``emu.host`` and ``emu.tcp_port``.
"""

from .clock import Clock
from .codes import Outcome, ResponseCode, Status
from .core import ReceivedCommand
from .emulator import Emulator
from .faults import FaultKind
from .profiles import PROFILES, Profile, TcpDialect, get_profile
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
    "TcpDialect",
    "get_profile",
]
