"""Typed, leniently parsed views of the printer's JSON answers.

Printers add, drop and mistype fields between firmware versions, so every
parser here ignores unknown keys and turns a missing or mistyped value into
``None`` rather than raising. Units follow ``http-api.md`` where firmware
documents disagree (see the field comments).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
import ipaddress
import math
import re
from typing import Any, Self

from .const import (
    ADVENTURER_5M_PIDS,
    MAX_NAME_LENGTH,
    MAX_TEXT_LENGTH,
    MAX_URL_LENGTH,
    MAX_VERSION_LENGTH,
    MIN_HTTP_FIRMWARE,
)
from .status import MachineStatus
from .upload import MAX_FILE_NAME_BYTES

# Readings below this are sentinels for "no sensor" (-108, -109, ...).
_LOWEST_REAL_TEMPERATURE = -50.0
# Whole numbers beyond 64 bits are no count, time or id a printer keeps.
_WHOLE_NUMBER_LIMIT = 2**63
# Nothing a printer reports nests deeper than this, or has longer texts; the
# raw answer kept for diagnostics is cut there, so any input can be shown.
_RAW_DEPTH = 8
_RAW_TEXT_LENGTH = 1024
_CUT = "…"
_PLAIN = frozenset({int, float, bool, type(None)})
# A dotted number such as 3.2.7; a version with more parts, or longer ones,
# is none a printer runs (and int() refuses over 4,300 digits).
_VERSION = re.compile(r"\d+(?:\.\d+)*")
_MAX_VERSION_PARTS = 8
_MAX_VERSION_PART_DIGITS = 9
_MAC = re.compile(r"[0-9A-Fa-f]{2}([:-]?)[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}")
_MAC_LENGTH = 17
# The longest textual IPv6 address, with an embedded IPv4 one.
_IP_LENGTH = 45


def parse_version(version: str | None) -> tuple[int, ...] | None:
    """Return "v3.1.3" or "3.2.7-beta" as (3, 1, 3) or (3, 2, 7); None if unreadable.

    Whatever the printer reports, this returns; it never raises.
    """
    if not isinstance(version, str) or (match := _VERSION.search(version)) is None:
        return None
    parts = match.group().split(".", _MAX_VERSION_PARTS)
    if len(parts) > _MAX_VERSION_PARTS or any(
        len(part) > _MAX_VERSION_PART_DIGITS for part in parts
    ):
        return None
    return tuple(int(part) for part in parts)


def _bounded(value: object, depth: int = _RAW_DEPTH) -> Any:
    """Return a JSON value with deeper containers and longer texts cut short."""
    if isinstance(value, str):
        return (
            value[:_RAW_TEXT_LENGTH] + _CUT if len(value) > _RAW_TEXT_LENGTH else value
        )
    if not isinstance(value, dict | list):
        return value
    if depth == 0:
        return _CUT
    if isinstance(value, list):
        return [_bounded(item, depth - 1) for item in value]
    # Most values are numbers, taken as they are: a call or an ABC check per
    # value would double a parse's cost.
    return {
        key: item if type(item) in _PLAIN else _bounded(item, depth - 1)
        for key, item in value.items()
    }


def _number(value: object) -> float | None:
    """Return a finite number, accepting numeric strings; None otherwise."""
    # Plain floats and ints are nearly every value: settle them first.
    if type(value) is float:
        return value if math.isfinite(value) else None
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if isinstance(value, int):
        return float(value) if abs(value) < _WHOLE_NUMBER_LIMIT else None
    if isinstance(value, float) and math.isfinite(value):
        return value
    return None


def _float(data: Mapping[str, Any], key: str) -> float | None:
    """Read a finite number."""
    return _number(data.get(key))


def _int(data: Mapping[str, Any], key: str) -> int | None:
    """Read a whole number (a float with a fraction is truncated)."""
    number = _number(data.get(key))
    if number is None or abs(number) >= _WHOLE_NUMBER_LIMIT:
        return None
    return int(number)


def _count(data: Mapping[str, Any], key: str) -> int | None:
    """Read a count, size or duration: a whole number, never negative."""
    number = _number(data.get(key))
    if number is None or not 0 <= number < _WHOLE_NUMBER_LIMIT:
        return None
    return int(number)


def _amount(data: Mapping[str, Any], key: str) -> float | None:
    """Read an amount (length, weight, space, percentage): never negative."""
    number = _number(data.get(key))
    return number if number is not None and number >= 0 else None


def _ratio(data: Mapping[str, Any], key: str) -> float | None:
    """Read a ratio from 0 to 1; anything outside is not one."""
    number = _number(data.get(key))
    return number if number is not None and 0 <= number <= 1 else None


def _temperature_value(value: object) -> float | None:
    """Return a temperature, None for the firmware's no-sensor sentinels."""
    number = _number(value)
    if number is None or number < _LOWEST_REAL_TEMPERATURE:
        return None
    return number


def _temperature(data: Mapping[str, Any], key: str) -> float | None:
    """Read a temperature."""
    return _temperature_value(data.get(key))


def _temperatures(data: Mapping[str, Any], key: str) -> tuple[float | None, ...]:
    """Read a list of per-nozzle temperatures."""
    values = data.get(key)
    if not isinstance(values, list):
        return ()
    return tuple(_temperature_value(value) for value in values)


def _printable(value: str) -> str:
    """Return the text with line breaks made spaces and other controls dropped."""
    if value.isprintable():
        return value
    return "".join(
        char if char.isprintable() else " " if char.isspace() else "" for char in value
    )


def bounded_text(value: object, limit: int = MAX_TEXT_LENGTH) -> str | None:
    """Return a non-empty text, cleaned of controls and cut to limit characters."""
    if not isinstance(value, str):
        return None
    return _printable(value).strip()[:limit].rstrip() or None


def _text(
    data: Mapping[str, Any], key: str, limit: int = MAX_TEXT_LENGTH
) -> str | None:
    """Read a non-empty text, cleaned of controls and cut to limit characters."""
    return bounded_text(data.get(key), limit)


def _token(value: object, limit: int) -> str | None:
    """Return an identifier (a version, URL, file name) whole, or None.

    Cutting or cleaning an identifier would make it name something else.
    """
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > limit or not value.isprintable():
        return None
    return value


def _file_name(value: object) -> str | None:
    """Return a file name the printer could store (255 bytes of UTF-8 at most)."""
    name = _token(value, MAX_FILE_NAME_BYTES)
    if name is None or len(name.encode()) > MAX_FILE_NAME_BYTES:
        return None
    return name


def _url(value: object) -> str | None:
    """Return an HTTP URL without spaces, else None."""
    url = _token(value, MAX_URL_LENGTH)
    if (
        url is None
        or not url.lower().startswith(("http://", "https://"))
        or any(char.isspace() for char in url)
    ):
        return None
    return url


def _mac(value: object) -> str | None:
    """Return a MAC address (six hex pairs split by colons, dashes or nothing)."""
    mac = _token(value, _MAC_LENGTH)
    return mac if mac is not None and _MAC.fullmatch(mac) else None


def _ip(value: object) -> str | None:
    """Return an IPv4 or IPv6 address, else None."""
    address = _token(value, _IP_LENGTH)
    if address is None:
        return None
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


def _flag(data: Mapping[str, Any], key: str) -> bool | None:
    """Read an on/off flag sent as "open"/"close", a boolean or 0/1."""
    value = data.get(key)
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return {"open": True, "close": False}.get(value.strip().lower())
    if isinstance(value, int):
        return {1: True, 0: False}.get(value)
    return None


def _mapping(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """Read a nested object, empty when absent or mistyped."""
    value = data.get(key)
    return value if isinstance(value, Mapping) else {}


def _mappings(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """Read a list of nested objects, skipping anything that is not one."""
    values = data.get(key)
    if not isinstance(values, list):
        return []
    return [value for value in values if isinstance(value, Mapping)]


def _pid(value: object) -> int | None:
    """Read the product id: an integer, or a hex string such as "0024"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip(), 16)
        except ValueError:
            return None
    return None


@dataclass(frozen=True, kw_only=True, slots=True)
class MaterialSlot:
    """One slot of the AD5X material station."""

    slot_id: int  # 1-based, as material mappings address slots
    has_filament: bool
    material_name: str | None
    material_color: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class MaterialStation:
    """The AD5X material station (``matlStationInfo``)."""

    slot_count: int | None
    current_slot: int | None
    current_load_slot: int | None
    state_action: int | None
    state_step: int | None
    slots: tuple[MaterialSlot, ...]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Parse ``matlStationInfo``."""
        infos = _mappings(data, "slotInfos")
        ids = [_count(info, "slotId") for info in infos]
        # Some captures number slots from 0, mappings always from 1.
        offset = 1 if 0 in ids else 0
        slots = tuple(
            MaterialSlot(
                slot_id=slot_id + offset,
                has_filament=_flag(info, "hasFilament") is True,
                material_name=_text(info, "materialName"),
                material_color=_text(info, "materialColor"),
            )
            for info, slot_id in zip(infos, ids, strict=True)
            if slot_id is not None
        )
        return cls(
            slot_count=_count(data, "slotCnt"),
            current_slot=_count(data, "currentSlot"),
            current_load_slot=_count(data, "currentLoadSlot"),
            state_action=_int(data, "stateAction"),
            state_step=_int(data, "stateStep"),
            slots=slots,
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class PrinterDetail:
    """The printer's state and configuration (``/detail``)."""

    name: str | None
    pid: int | None
    firmware_version: str | None
    mac_address: str | None
    ip_address: str | None
    location: str | None
    status: MachineStatus
    raw_status: str | None  # kept verbatim, also when status is UNKNOWN
    error_code: str | None
    nozzle_temperature: float | None
    nozzle_target_temperature: float | None
    left_nozzle_temperature: float | None
    left_nozzle_target_temperature: float | None
    nozzle_temperatures: tuple[float | None, ...]  # per tool, multi-nozzle printers
    nozzle_target_temperatures: tuple[float | None, ...]
    bed_temperature: float | None
    bed_target_temperature: float | None
    chamber_temperature: float | None
    chamber_target_temperature: float | None
    print_file_name: str | None
    print_file_thumb_url: str | None
    print_progress: float | None  # ratio, 0.0 to 1.0
    print_layer: int | None
    target_print_layer: int | None
    print_duration: int | None  # seconds elapsed
    estimated_time: int | None  # seconds remaining
    estimated_length: float | None  # mm of filament for the job
    estimated_weight: float | None  # g of filament for the job
    estimated_left_length: float | None
    estimated_left_weight: float | None
    print_speed_adjust: float | None  # percent
    current_print_speed: float | None
    cooling_fan_speed: float | None  # percent per http-api.md (3.2.7 YAML: 0-255)
    cooling_left_fan_speed: float | None
    chamber_fan_speed: float | None  # percent per http-api.md (3.2.7 YAML: 0-255)
    z_axis_compensation: float | None  # mm
    nozzle_model: str | None
    nozzle_count: int | None
    filament_type: str | None
    left_filament_type: str | None
    fill_amount: float | None
    tvoc: float | None
    cumulative_filament: float | None  # m per http-api.md (others: mm)
    cumulative_print_time: int | None  # s per http-api.md (others: min)
    remaining_disk_space: float | None  # MB per http-api.md (others: GB)
    door_open: bool | None
    light_on: bool | None
    internal_fan_on: bool | None
    external_fan_on: bool | None
    auto_shutdown: bool | None
    auto_shutdown_time: int | None  # minutes
    camera_stream_url: str | None
    flash_register_code: str | None
    polar_register_code: str | None
    has_material_station: bool
    material_station: MaterialStation | None
    # The answer, depth-bounded, for diagnostics; fields nothing reads are no change.
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @property
    def firmware_outdated(self) -> bool:
        """Return whether a 5M's firmware predates the full HTTP API (3.1.3)."""
        version = parse_version(self.firmware_version)
        return (
            self.pid in ADVENTURER_5M_PIDS
            and version is not None
            and version < MIN_HTTP_FIRMWARE
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Parse the ``detail`` object."""
        station = data.get("matlStationInfo")
        return cls(
            name=_text(data, "name", MAX_NAME_LENGTH),
            pid=_pid(data.get("pid")),
            firmware_version=_token(data.get("firmwareVersion"), MAX_VERSION_LENGTH),
            mac_address=_mac(data.get("macAddr")),
            ip_address=_ip(data.get("ipAddr")),
            location=_text(data, "location"),
            status=MachineStatus.parse(data.get("status")),
            raw_status=_text(data, "status"),
            error_code=_text(data, "errorCode"),
            nozzle_temperature=_temperature(data, "rightTemp"),
            nozzle_target_temperature=_temperature(data, "rightTargetTemp"),
            left_nozzle_temperature=_temperature(data, "leftTemp"),
            left_nozzle_target_temperature=_temperature(data, "leftTargetTemp"),
            nozzle_temperatures=_temperatures(data, "nozzleTemps"),
            nozzle_target_temperatures=_temperatures(data, "nozzleTargetTemps"),
            bed_temperature=_temperature(data, "platTemp"),
            bed_target_temperature=_temperature(data, "platTargetTemp"),
            chamber_temperature=_temperature(data, "chamberTemp"),
            chamber_target_temperature=_temperature(data, "chamberTargetTemp"),
            print_file_name=_file_name(data.get("printFileName")),
            print_file_thumb_url=_url(data.get("printFileThumbUrl")),
            print_progress=_ratio(data, "printProgress"),
            print_layer=_count(data, "printLayer"),
            target_print_layer=_count(data, "targetPrintLayer"),
            print_duration=_count(data, "printDuration"),
            estimated_time=_count(data, "estimatedTime"),
            estimated_length=_amount(data, "estimatedRightLen"),
            estimated_weight=_amount(data, "estimatedRightWeight"),
            estimated_left_length=_amount(data, "estimatedLeftLen"),
            estimated_left_weight=_amount(data, "estimatedLeftWeight"),
            print_speed_adjust=_amount(data, "printSpeedAdjust"),
            current_print_speed=_amount(data, "currentPrintSpeed"),
            cooling_fan_speed=_amount(data, "coolingFanSpeed"),
            cooling_left_fan_speed=_amount(data, "coolingFanLeftSpeed"),
            chamber_fan_speed=_amount(data, "chamberFanSpeed"),
            z_axis_compensation=_float(data, "zAxisCompensation"),
            nozzle_model=_text(data, "nozzleModel"),
            nozzle_count=_count(data, "nozzleCnt"),
            filament_type=_text(data, "rightFilamentType"),
            left_filament_type=_text(data, "leftFilamentType"),
            fill_amount=_amount(data, "fillAmount"),
            tvoc=_amount(data, "tvoc"),
            cumulative_filament=_amount(data, "cumulativeFilament"),
            cumulative_print_time=_count(data, "cumulativePrintTime"),
            remaining_disk_space=_amount(data, "remainingDiskSpace"),
            door_open=_flag(data, "doorStatus"),
            light_on=_flag(data, "lightStatus"),
            internal_fan_on=_flag(data, "internalFanStatus"),
            external_fan_on=_flag(data, "externalFanStatus"),
            auto_shutdown=_flag(data, "autoShutdown"),
            auto_shutdown_time=_count(data, "autoShutdownTime"),
            camera_stream_url=_url(data.get("cameraStreamUrl")),
            flash_register_code=_text(data, "flashRegisterCode"),
            polar_register_code=_text(data, "polarRegisterCode"),
            has_material_station=_flag(data, "hasMatlStation") is True,
            material_station=(
                MaterialStation.from_dict(station)
                if isinstance(station, Mapping)
                else None
            ),
            raw=_bounded(dict(data)),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class ProductInfo:
    """Which features the printer lets a client control (``/product``)."""

    nozzle_temperature_control: bool
    bed_temperature_control: bool
    chamber_temperature_control: bool
    light_control: bool
    internal_fan_control: bool
    external_fan_control: bool
    # The answer, depth-bounded, for diagnostics; fields nothing reads are no change.
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Parse the ``product`` object; an absent flag means not controllable."""
        return cls(
            nozzle_temperature_control=_flag(data, "nozzleTempCtrlState") is True,
            bed_temperature_control=_flag(data, "platformTempCtrlState") is True,
            chamber_temperature_control=_flag(data, "chamberTempCtrlState") is True,
            light_control=_flag(data, "lightCtrlState") is True,
            internal_fan_control=_flag(data, "internalFanCtrlState") is True,
            external_fan_control=_flag(data, "externalFanCtrlState") is True,
            raw=_bounded(dict(data)),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class FileTool:
    """One tool (filament) a file on an AD5X needs."""

    tool_id: int
    material_name: str | None
    material_color: str | None
    filament_weight: float | None  # g
    slot_id: int | None  # 0 when unassigned

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self | None:
        """Parse one ``gcodeToolDatas`` entry; None without a tool id."""
        if (tool_id := _count(data, "toolId")) is None:
            return None
        return cls(
            tool_id=tool_id,
            material_name=_text(data, "materialName"),
            material_color=_text(data, "materialColor"),
            filament_weight=_amount(data, "filamentWeight"),
            slot_id=_count(data, "slotId"),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class PrinterFile:
    """A file stored on the printer, with its metadata where reported."""

    name: str
    printing_time: int | None = None  # s
    total_filament_weight: float | None = None  # g
    use_material_station: bool | None = None
    tool_count: int | None = None
    tools: tuple[FileTool, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self | None:
        """Parse one ``gcodeListDetail`` entry; None without a file name."""
        if (name := _file_name(data.get("gcodeFileName"))) is None:
            return None
        tools = (FileTool.from_dict(tool) for tool in _mappings(data, "gcodeToolDatas"))
        return cls(
            name=name,
            printing_time=_count(data, "printingTime"),
            total_filament_weight=_amount(data, "totalFilamentWeight"),
            use_material_station=_flag(data, "useMatlStation"),
            tool_count=_count(data, "gcodeToolCnt"),
            tools=tuple(tool for tool in tools if tool is not None),
        )


def parse_file_list(data: Mapping[str, Any]) -> list[PrinterFile]:
    """Parse ``/gcodeList``: the detailed list where given, else the names."""
    if details := _mappings(data, "gcodeListDetail"):
        files = (PrinterFile.from_dict(entry) for entry in details)
        return [file for file in files if file is not None]
    names = data.get("gcodeList")
    if not isinstance(names, list):
        return []
    valid = (_file_name(name) for name in names)
    return [PrinterFile(name=name) for name in valid if name is not None]


@dataclass(frozen=True, kw_only=True, slots=True)
class MaterialMapping:
    """Which material-station slot feeds which tool of a file (AD5X)."""

    tool_id: int  # 0-based tool of the file
    slot_id: int  # 1-based slot of the station
    material_name: str
    tool_material_color: str
    slot_material_color: str

    def as_dict(self) -> dict[str, Any]:
        """Return the firmware's JSON form."""
        return {
            "toolId": self.tool_id,
            "slotId": self.slot_id,
            "materialName": self.material_name,
            "toolMaterialColor": self.tool_material_color,
            "slotMaterialColor": self.slot_material_color,
        }


def mappings_as_json(mappings: Sequence[MaterialMapping]) -> list[dict[str, Any]]:
    """Return mappings in the firmware's JSON form."""
    return [mapping.as_dict() for mapping in mappings]
