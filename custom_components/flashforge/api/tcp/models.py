"""Typed views of the legacy TCP API's replies."""

from dataclasses import dataclass

from ..const import MIN_HTTP_FIRMWARE
from ..fields import parse_version
from ..status import MachineStatus

# What M115's machine type starts with ("Flashforge Adventurer 5M Pro").
_MANUFACTURER = "flashforge "
# Legacy models with a built-in camera, and with a light that takes a colour;
# the 5M family, whose firmware gains the HTTP API at 3.1.3.
_CAMERA_MODELS = ("Adventurer 4", "5M Pro")
_COLOR_LIGHT_MODELS = ("Adventurer 4",)
_HTTP_CAPABLE_MODELS = ("5M",)

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

    @property
    def model(self) -> str | None:
        """Return the machine type without the maker's name ("Adventurer 4")."""
        machine_type = self.machine_type
        if machine_type and machine_type.lower().startswith(_MANUFACTURER):
            machine_type = machine_type[len(_MANUFACTURER) :]
        return machine_type or None

    @property
    def has_camera(self) -> bool:
        """Return whether the model has a built-in camera (the TCP API does not say)."""
        return self._names_one_of(_CAMERA_MODELS)

    @property
    def light_colors(self) -> bool:
        """Return whether the model's light takes a colour."""
        return self._names_one_of(_COLOR_LIGHT_MODELS)

    @property
    def http_firmware_missing(self) -> bool:
        """Return whether this is a 5M or 5M Pro whose firmware predates the HTTP API."""
        version = parse_version(self.firmware_version)
        return (
            self._names_one_of(_HTTP_CAPABLE_MODELS)
            and version is not None
            and version < MIN_HTTP_FIRMWARE
        )

    def _names_one_of(self, models: tuple[str, ...]) -> bool:
        """Return whether the machine type names one of the models, word for word."""
        words = f" {' '.join((self.machine_type or '').lower().split())} "
        return any(f" {model.lower()} " in words for model in models)


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
