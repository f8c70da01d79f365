"""Typed views of the legacy TCP API's replies."""

from dataclasses import dataclass

from ..status import MachineStatus

# A heater's reading: (current, target) in °C.
type Temperature = tuple[float, float]


@dataclass(frozen=True, kw_only=True, slots=True)
class LegacyInfo:
    """Who the printer is (``M115``)."""

    machine_type: str | None
    name: str | None
    firmware_version: str | None
    serial_number: str | None
    mac_address: str | None
    build_volume: tuple[int, int, int] | None  # mm
    tool_count: int | None

    @property
    def unique_id(self) -> str | None:
        """Return the serial number, else the MAC address: what tells printers apart."""
        return self.serial_number or self.mac_address


@dataclass(frozen=True, kw_only=True, slots=True)
class LegacyState:
    """What the printer is doing (``M119``, ``M105`` and ``M27``)."""

    status: MachineStatus
    raw_status: str | None  # kept verbatim, also when status is UNKNOWN
    move_mode: str | None
    light_on: bool | None
    current_file: str | None
    nozzle_temperatures: tuple[Temperature, ...]  # per tool
    bed: Temperature | None
    progress: float | None  # ratio, 0.0 to 1.0
    layer: int | None
    total_layers: int | None
