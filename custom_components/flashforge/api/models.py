"""Typed, leniently parsed views of the printer's JSON answers.

Printers add, drop and mistype fields between firmware versions, so every
parser here ignores unknown keys and turns a missing or mistyped value into
``None`` rather than raising. Units follow ``http-api.md`` where firmware
documents disagree (see the field comments).
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Self

from .const import (
    ADVENTURER_5M_PIDS,
    MAX_NAME_LENGTH,
    MAX_PARTS,
    MAX_VERSION_LENGTH,
    MIN_HTTP_FIRMWARE,
)
from .fields import (
    BoundedAnswer,
    KeyChanges,
    amount_value,
    as_number,
    bounded_raw,
    bounded_text,
    count_value,
    error_code_text,
    file_name_text,
    flag_on,
    flag_value,
    ip_text,
    mac_text,
    nozzle_size_value,
    parse_version,
    product_id,
    ratio_value,
    read_amount,
    read_count,
    read_flag,
    read_int,
    read_mappings,
    read_text,
    temperature_value,
    temperatures_value,
    token,
    url_text,
)
from .status import MachineStatus


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
        infos = read_mappings(data, "slotInfos", MAX_PARTS)
        ids = [read_count(info, "slotId") for info in infos]
        # Some captures number slots from 0, mappings always from 1.
        offset = 1 if 0 in ids else 0
        slots: dict[int, MaterialSlot] = {}
        for info, slot_id in zip(infos, ids, strict=True):
            if slot_id is None or slot_id + offset in slots:
                # A slot listed twice keeps what was said of it first.
                continue
            slots[slot_id + offset] = MaterialSlot(
                slot_id=slot_id + offset,
                has_filament=read_flag(info, "hasFilament") is True,
                material_name=read_text(info, "materialName"),
                material_color=read_text(info, "materialColor"),
            )
        return cls(
            slot_count=read_count(data, "slotCnt"),
            current_slot=read_count(data, "currentSlot"),
            current_load_slot=read_count(data, "currentLoadSlot"),
            state_action=read_int(data, "stateAction"),
            state_step=read_int(data, "stateStep"),
            slots=tuple(slots.values()),
        )

    def slot(self, slot_id: int) -> MaterialSlot | None:
        """Return a slot by its 1-based id."""
        return next((slot for slot in self.slots if slot.slot_id == slot_id), None)


def _whole_minutes(seconds: int | None) -> int | None:
    """Round a duration in seconds to whole minutes."""
    return None if seconds is None else round(seconds / 60)


# Without slots: DetailParser gives a detail all its fields as one dict.
@dataclass(frozen=True, kw_only=True)
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
    error_code: str | None  # None when the printer reports no error
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
    nozzle_size: float | None  # mm
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

    # The precision the printer's own screen shows: finer changes (a tenth of
    # a percent, a second) are no change to anyone watching.

    @property
    def progress_percent(self) -> int | None:
        """Return the job's progress in whole percent."""
        progress = self.print_progress
        return None if progress is None else round(progress * 100)

    @property
    def print_duration_minutes(self) -> int | None:
        """Return the time the job has run, in whole minutes."""
        return _whole_minutes(self.print_duration)

    @property
    def estimated_time_minutes(self) -> int | None:
        """Return the job's time remaining, in whole minutes."""
        return _whole_minutes(self.estimated_time)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Parse the ``detail`` object."""
        get = data.get
        return cls(
            **{name: read(get(key)) for name, key, read in _DETAIL_FIELDS},
            raw=bounded_raw(dict(data)),
        )


def _material_station(value: object) -> MaterialStation | None:
    """Parse ``matlStationInfo``, which only an AD5X reports."""
    return MaterialStation.from_dict(value) if isinstance(value, Mapping) else None


# How a field is read from its raw value (it never raises).
type _Reader = Callable[[Any], Any]

# Each field of PrinterDetail but raw: its name, the key it is read from, how.
_DETAIL_FIELDS: tuple[tuple[str, str, _Reader], ...] = (
    ("name", "name", partial(bounded_text, limit=MAX_NAME_LENGTH)),
    ("pid", "pid", product_id),
    ("firmware_version", "firmwareVersion", partial(token, limit=MAX_VERSION_LENGTH)),
    ("mac_address", "macAddr", mac_text),
    ("ip_address", "ipAddr", ip_text),
    ("location", "location", bounded_text),
    ("status", "status", MachineStatus.parse),
    ("raw_status", "status", bounded_text),
    ("error_code", "errorCode", error_code_text),
    ("nozzle_temperature", "rightTemp", temperature_value),
    ("nozzle_target_temperature", "rightTargetTemp", temperature_value),
    ("left_nozzle_temperature", "leftTemp", temperature_value),
    ("left_nozzle_target_temperature", "leftTargetTemp", temperature_value),
    ("nozzle_temperatures", "nozzleTemps", temperatures_value),
    ("nozzle_target_temperatures", "nozzleTargetTemps", temperatures_value),
    ("bed_temperature", "platTemp", temperature_value),
    ("bed_target_temperature", "platTargetTemp", temperature_value),
    ("chamber_temperature", "chamberTemp", temperature_value),
    ("chamber_target_temperature", "chamberTargetTemp", temperature_value),
    ("print_file_name", "printFileName", file_name_text),
    ("print_file_thumb_url", "printFileThumbUrl", url_text),
    ("print_progress", "printProgress", ratio_value),
    ("print_layer", "printLayer", count_value),
    ("target_print_layer", "targetPrintLayer", count_value),
    ("print_duration", "printDuration", count_value),
    ("estimated_time", "estimatedTime", count_value),
    ("estimated_length", "estimatedRightLen", amount_value),
    ("estimated_weight", "estimatedRightWeight", amount_value),
    ("estimated_left_length", "estimatedLeftLen", amount_value),
    ("estimated_left_weight", "estimatedLeftWeight", amount_value),
    ("print_speed_adjust", "printSpeedAdjust", amount_value),
    ("current_print_speed", "currentPrintSpeed", amount_value),
    ("cooling_fan_speed", "coolingFanSpeed", amount_value),
    ("cooling_left_fan_speed", "coolingFanLeftSpeed", amount_value),
    ("chamber_fan_speed", "chamberFanSpeed", amount_value),
    ("z_axis_compensation", "zAxisCompensation", as_number),
    ("nozzle_size", "nozzleModel", nozzle_size_value),
    ("nozzle_count", "nozzleCnt", count_value),
    ("filament_type", "rightFilamentType", bounded_text),
    ("left_filament_type", "leftFilamentType", bounded_text),
    ("fill_amount", "fillAmount", amount_value),
    ("tvoc", "tvoc", amount_value),
    ("cumulative_filament", "cumulativeFilament", amount_value),
    ("cumulative_print_time", "cumulativePrintTime", count_value),
    ("remaining_disk_space", "remainingDiskSpace", amount_value),
    ("door_open", "doorStatus", flag_value),
    ("light_on", "lightStatus", flag_value),
    ("internal_fan_on", "internalFanStatus", flag_value),
    ("external_fan_on", "externalFanStatus", flag_value),
    ("auto_shutdown", "autoShutdown", flag_value),
    ("auto_shutdown_time", "autoShutdownTime", count_value),
    ("camera_stream_url", "cameraStreamUrl", url_text),
    ("flash_register_code", "flashRegisterCode", bounded_text),
    ("polar_register_code", "polarRegisterCode", bounded_text),
    ("has_material_station", "hasMatlStation", flag_on),
    ("material_station", "matlStationInfo", _material_station),
)


def _fields_by_key() -> dict[str, list[tuple[str, _Reader]]]:
    """Return the detail's fields by the key they are read from."""
    by_key: dict[str, list[tuple[str, _Reader]]] = {}
    for name, key, read in _DETAIL_FIELDS:
        by_key.setdefault(key, []).append((name, read))
    return by_key


# To read again only the fields whose key's value changed.
_DETAIL_FIELDS_BY_KEY = _fields_by_key()
# The fields of an answer without keys, which a first answer's are read over.
_NO_VALUES = {name: read(None) for name, _, read in _DETAIL_FIELDS}


class DetailParser:
    """Parse one printer's successive ``detail`` objects, reading only what changed.

    Between two polls a printing printer changes a few values; a field whose
    raw value is alike to last time's (same type, same value) keeps what was
    read from it instead of being read again. The parser also tells which
    fields of its last detail differ from the one before (``changes``), so
    that a reader need not compare every field itself.
    """

    __slots__ = ("_changes", "_last", "_values")

    def __init__(self) -> None:
        """Start from an answer without keys."""
        self._changes = KeyChanges()
        self._values: dict[str, Any] = _NO_VALUES
        # The last two details and the fields in which they differ.
        self._last: tuple[
            PrinterDetail | None, PrinterDetail | None, frozenset[str]
        ] = (
            None,
            None,
            frozenset(),
        )

    def parse(self, data: Mapping[str, Any]) -> PrinterDetail:
        """Return the detail of data, equal to ``PrinterDetail.from_dict(data)``."""
        last = self._values
        values = last.copy()
        get = data.get
        changed: list[str] = []
        for key in self._changes.since_last(data):
            for name, read in _DETAIL_FIELDS_BY_KEY.get(key, ()):
                values[name] = value = read(get(key))
                if value != last[name]:
                    changed.append(name)
        values["raw"] = BoundedAnswer(data)
        self._values = values
        detail = object.__new__(PrinterDetail)
        # The fields at once, not 57 frozen setattr calls; the next parse
        # copies values before changing them, so the detail's stay as they are.
        object.__setattr__(detail, "__dict__", values)
        self._last = (self._last[1], detail, frozenset(changed))
        return detail

    def changes(
        self, before: PrinterDetail, after: PrinterDetail
    ) -> frozenset[str] | None:
        """Return the fields in which after differs from before; None if not told.

        Told for the last detail parsed against the one parsed just before it
        (the raw answer aside); any other pair is for the caller to compare.
        """
        previous, latest, changed = self._last
        if after is latest and before is previous:
            return changed
        return None


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
            nozzle_temperature_control=read_flag(data, "nozzleTempCtrlState") is True,
            bed_temperature_control=read_flag(data, "platformTempCtrlState") is True,
            chamber_temperature_control=read_flag(data, "chamberTempCtrlState") is True,
            light_control=read_flag(data, "lightCtrlState") is True,
            internal_fan_control=read_flag(data, "internalFanCtrlState") is True,
            external_fan_control=read_flag(data, "externalFanCtrlState") is True,
            raw=bounded_raw(dict(data)),
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
        if (tool_id := read_count(data, "toolId")) is None:
            return None
        return cls(
            tool_id=tool_id,
            material_name=read_text(data, "materialName"),
            material_color=read_text(data, "materialColor"),
            filament_weight=read_amount(data, "filamentWeight"),
            slot_id=read_count(data, "slotId"),
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
        if (name := file_name_text(data.get("gcodeFileName"))) is None:
            return None
        tools = (
            FileTool.from_dict(tool)
            for tool in read_mappings(data, "gcodeToolDatas", MAX_PARTS)
        )
        return cls(
            name=name,
            printing_time=read_count(data, "printingTime"),
            total_filament_weight=read_amount(data, "totalFilamentWeight"),
            use_material_station=read_flag(data, "useMatlStation"),
            tool_count=read_count(data, "gcodeToolCnt"),
            tools=tuple(tool for tool in tools if tool is not None),
        )


def parse_file_list(data: Mapping[str, Any]) -> list[PrinterFile]:
    """Parse ``/gcodeList``: the detailed list where given, else the names."""
    if details := read_mappings(data, "gcodeListDetail"):
        files = (PrinterFile.from_dict(entry) for entry in details)
        return [file for file in files if file is not None]
    names = data.get("gcodeList")
    if not isinstance(names, list):
        return []
    valid = (file_name_text(name) for name in names)
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
