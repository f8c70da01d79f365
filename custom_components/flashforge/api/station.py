"""The AD5X material station: the materials and colours it takes, and its commands.

Every check runs before anything is sent, so a refused command leaves the
station as it was. The firmware itself checks nothing it is told to store
(material-station.md): the checks here keep its screen able to show a slot.
"""

from collections.abc import Awaitable, Callable, Sequence
from enum import IntEnum
import re
from typing import TYPE_CHECKING, Final

from .errors import FlashForgeNotSupportedError, FlashForgeStationError, StationProblem
from .models import MaterialSlot, MaterialStation, PrinterDetail

if TYPE_CHECKING:
    # Only a type: the client imports StationAction from here.
    from .http import FlashForgeHttpClient

# The materials the AD5X's screen offers. The firmware knows a few more
# (PA, PC, ...) but offers them nowhere, so neither does a picker.
MATERIALS: Final = ("PLA", "PLA-CF", "ABS", "PETG", "PETG-CF", "TPU", "SILK")
# The 24 colours the AD5X's screen knows; it shows no other.
PALETTE: Final = (
    "#FFFFFF", "#FEF043", "#DCF478", "#0ACC38", "#067749", "#0C6283",
    "#0DE2A0", "#75D9F3", "#45A8F9", "#2750E0", "#46328E", "#A03CF7",
    "#F330F9", "#D4B0DC", "#F95D73", "#F72224", "#7C4B00", "#F98D33",
    "#FDEBD5", "#D3C4A3", "#AF7836", "#898989", "#BCBCBC", "#161616",
)  # fmt: skip
_HEX_COLOR = re.compile(r"#?([0-9A-Fa-f]{6})")
_CANONICAL = {material.casefold(): material for material in MATERIALS}


class StationAction(IntEnum):
    """What ``ms_cmd`` and ``ipdMs_cmd`` do: their ``action`` argument."""

    LOAD = 0
    UNLOAD = 1
    CANCEL = 2


def material_name(material: str) -> str:
    """Return a material as the printer spells it; refuse one it does not offer."""
    if (name := _CANONICAL.get(material.strip().casefold())) is None:
        raise FlashForgeStationError(
            StationProblem.UNKNOWN_MATERIAL,
            material=material[:32],
            materials=", ".join(MATERIALS),
        )
    return name


def palette_color(color: str | Sequence[int]) -> str:
    """Return the palette colour nearest one given as #RRGGBB or red, green, blue."""
    rgb = _rgb(color)
    return min(
        PALETTE,
        key=lambda entry: sum(
            (a - b) ** 2 for a, b in zip(_rgb(entry), rgb, strict=True)
        ),
    )


def _rgb(color: str | Sequence[int]) -> tuple[int, int, int]:
    """Return a colour's red, green and blue; refuse anything else."""
    if isinstance(color, str):
        if (match := _HEX_COLOR.fullmatch(color.strip())) is None:
            raise FlashForgeStationError(StationProblem.INVALID_COLOR, color=color[:32])
        value = int(match[1], 16)
        return value >> 16, value >> 8 & 0xFF, value & 0xFF
    if len(color) != 3 or not all(
        type(part) is int and 0 <= part <= 0xFF for part in color
    ):
        raise FlashForgeStationError(
            StationProblem.INVALID_COLOR, color=str(list(color))[:32]
        )
    return color[0], color[1], color[2]


def has_station(detail: PrinterDetail) -> bool:
    """Return whether the printer has a material station it lets a client command."""
    return detail.has_material_station and detail.material_station is not None


def station_ready(detail: PrinterDetail) -> bool:
    """Return whether the station may be commanded: no job, nothing under way."""
    return has_station(detail) and not (
        detail.status.job_loaded or detail.status.working
    )


def station_slot(detail: PrinterDetail, slot_id: int) -> MaterialSlot | None:
    """Return a slot of the printer's station by its 1-based id."""
    station = detail.material_station if has_station(detail) else None
    return None if station is None else station.slot(slot_id)


def checked_station(detail: PrinterDetail) -> MaterialStation:
    """Return the printer's station if it may be commanded now; else refuse."""
    station = detail.material_station
    if not has_station(detail) or station is None:
        raise FlashForgeNotSupportedError("material_station")
    if not station_ready(detail):
        raise FlashForgeStationError(
            StationProblem.BUSY, status=detail.raw_status or detail.status.value
        )
    return station


def checked_slot(detail: PrinterDetail, slot: int) -> MaterialSlot:
    """Return a slot of the station if it may be commanded now; else refuse."""
    checked_station(detail)
    if (found := station_slot(detail, slot)) is None:
        raise FlashForgeStationError(StationProblem.SLOT_NOT_FOUND, slot=str(slot))
    return found


def _kept_color(slot: MaterialSlot) -> str:
    """Return the slot's colour as the palette has it; white if it has none."""
    try:
        return palette_color(slot.material_color or PALETTE[0])
    except FlashForgeStationError:
        return PALETTE[0]


class StationControl:
    """Command a printer's material station (``msConfig_cmd``, ``ms_cmd``, ...).

    Each command reads the printer's state first, and is refused while a job
    is loaded or the printer is busy, on a slot the station does not have,
    and on a printer without a station (the Creator 5 takes no load or
    unload; its firmware would answer success and do nothing).
    """

    def __init__(
        self,
        http: FlashForgeHttpClient | None,
        read: Callable[[], Awaitable[PrinterDetail]],
    ) -> None:
        """Command through the HTTP client, reading the state with ``read``."""
        self._http = http
        self._read = read

    async def set_slot(
        self, slot: int, material: str, color: str | Sequence[int] | None = None
    ) -> None:
        """Set a slot's material and colour; without a colour the slot's is kept.

        A colour off the palette becomes the nearest on it.
        """
        name = material_name(material)
        rgb = None if color is None else palette_color(color)
        http, found = await self._slot(slot)
        await http.set_slot_material(slot, name, rgb or _kept_color(found))

    async def set_independent(self, material: str, color: str | Sequence[int]) -> None:
        """Set the material and colour of the independent feed (the station's slot 0)."""
        name, rgb = material_name(material), palette_color(color)
        http, _ = await self._station()
        await http.set_independent_material(name, rgb)

    async def load(self, slot: int) -> None:
        """Feed a slot's filament to the nozzle."""
        http, found = await self._slot(slot)
        if not found.has_filament:
            raise FlashForgeStationError(StationProblem.SLOT_EMPTY, slot=str(slot))
        await http.station_command(StationAction.LOAD, slot)

    async def unload(self) -> None:
        """Draw the filament of the slot feeding the nozzle back into it."""
        http, station = await self._station()
        if not station.current_slot:
            raise FlashForgeStationError(StationProblem.NOTHING_LOADED)
        await http.station_command(StationAction.UNLOAD, station.current_slot)

    async def independent(self, action: StationAction) -> None:
        """Load, unload or stop the independent feed (``ipdMs_cmd``)."""
        http, _ = await self._station()
        await http.independent_command(action)

    def _client(self) -> FlashForgeHttpClient:
        """Return the HTTP client; a printer without one has no station to command."""
        if self._http is None:
            raise FlashForgeNotSupportedError("material_station")
        return self._http

    async def _station(self) -> tuple[FlashForgeHttpClient, MaterialStation]:
        """Return the client and the station, or refuse the command."""
        http = self._client()
        return http, checked_station(await self._read())

    async def _slot(self, slot: int) -> tuple[FlashForgeHttpClient, MaterialSlot]:
        """Return the client and a slot of the station, or refuse the command."""
        http = self._client()
        return http, checked_slot(await self._read(), slot)
