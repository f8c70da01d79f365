"""Typed, leniently parsed views of the printer's JSON answers.

Printers add, drop and mistype fields between firmware versions, so every
parser here ignores unknown keys and turns a missing or mistyped value into
``None`` rather than raising. Units follow ``http-api.md`` where firmware
documents disagree (see the field comments).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Self

from .const import (
    ADVENTURER_5M_PIDS,
    MAX_NAME_LENGTH,
    MAX_PARTS,
    MAX_VERSION_LENGTH,
    MIN_HTTP_FIRMWARE,
)
from .fields import (
    bounded_raw,
    file_name_text,
    ip_text,
    mac_text,
    parse_version,
    product_id,
    read_amount,
    read_count,
    read_flag,
    read_float,
    read_int,
    read_mappings,
    read_ratio,
    read_temperature,
    read_temperatures,
    read_text,
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


def _whole_minutes(seconds: int | None) -> int | None:
    """Round a duration in seconds to whole minutes."""
    return None if seconds is None else round(seconds / 60)


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
        station = data.get("matlStationInfo")
        return cls(
            name=read_text(data, "name", MAX_NAME_LENGTH),
            pid=product_id(data.get("pid")),
            firmware_version=token(data.get("firmwareVersion"), MAX_VERSION_LENGTH),
            mac_address=mac_text(data.get("macAddr")),
            ip_address=ip_text(data.get("ipAddr")),
            location=read_text(data, "location"),
            status=MachineStatus.parse(data.get("status")),
            raw_status=read_text(data, "status"),
            error_code=read_text(data, "errorCode"),
            nozzle_temperature=read_temperature(data, "rightTemp"),
            nozzle_target_temperature=read_temperature(data, "rightTargetTemp"),
            left_nozzle_temperature=read_temperature(data, "leftTemp"),
            left_nozzle_target_temperature=read_temperature(data, "leftTargetTemp"),
            nozzle_temperatures=read_temperatures(data, "nozzleTemps"),
            nozzle_target_temperatures=read_temperatures(data, "nozzleTargetTemps"),
            bed_temperature=read_temperature(data, "platTemp"),
            bed_target_temperature=read_temperature(data, "platTargetTemp"),
            chamber_temperature=read_temperature(data, "chamberTemp"),
            chamber_target_temperature=read_temperature(data, "chamberTargetTemp"),
            print_file_name=file_name_text(data.get("printFileName")),
            print_file_thumb_url=url_text(data.get("printFileThumbUrl")),
            print_progress=read_ratio(data, "printProgress"),
            print_layer=read_count(data, "printLayer"),
            target_print_layer=read_count(data, "targetPrintLayer"),
            print_duration=read_count(data, "printDuration"),
            estimated_time=read_count(data, "estimatedTime"),
            estimated_length=read_amount(data, "estimatedRightLen"),
            estimated_weight=read_amount(data, "estimatedRightWeight"),
            estimated_left_length=read_amount(data, "estimatedLeftLen"),
            estimated_left_weight=read_amount(data, "estimatedLeftWeight"),
            print_speed_adjust=read_amount(data, "printSpeedAdjust"),
            current_print_speed=read_amount(data, "currentPrintSpeed"),
            cooling_fan_speed=read_amount(data, "coolingFanSpeed"),
            cooling_left_fan_speed=read_amount(data, "coolingFanLeftSpeed"),
            chamber_fan_speed=read_amount(data, "chamberFanSpeed"),
            z_axis_compensation=read_float(data, "zAxisCompensation"),
            nozzle_model=read_text(data, "nozzleModel"),
            nozzle_count=read_count(data, "nozzleCnt"),
            filament_type=read_text(data, "rightFilamentType"),
            left_filament_type=read_text(data, "leftFilamentType"),
            fill_amount=read_amount(data, "fillAmount"),
            tvoc=read_amount(data, "tvoc"),
            cumulative_filament=read_amount(data, "cumulativeFilament"),
            cumulative_print_time=read_count(data, "cumulativePrintTime"),
            remaining_disk_space=read_amount(data, "remainingDiskSpace"),
            door_open=read_flag(data, "doorStatus"),
            light_on=read_flag(data, "lightStatus"),
            internal_fan_on=read_flag(data, "internalFanStatus"),
            external_fan_on=read_flag(data, "externalFanStatus"),
            auto_shutdown=read_flag(data, "autoShutdown"),
            auto_shutdown_time=read_count(data, "autoShutdownTime"),
            camera_stream_url=url_text(data.get("cameraStreamUrl")),
            flash_register_code=read_text(data, "flashRegisterCode"),
            polar_register_code=read_text(data, "polarRegisterCode"),
            has_material_station=read_flag(data, "hasMatlStation") is True,
            material_station=(
                MaterialStation.from_dict(station)
                if isinstance(station, Mapping)
                else None
            ),
            raw=bounded_raw(dict(data)),
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
