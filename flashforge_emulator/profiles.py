"""Facts about each emulated printer model.

Everything that differs between models lives here, so that the state machine
and the HTTP server stay model-agnostic and read these flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

# Units. The reference documents disagree on a few scales; the emulator follows
# http-api.md and keeps each choice here, in one named place.
FAN_SPEED_MAX = 100  # fan speeds are percent (http-api.md), not 0-255
CUMULATIVE_FILAMENT_UNIT = "m"  # cumulativeFilament is in metres
CUMULATIVE_PRINT_TIME_UNIT = "s"  # cumulativePrintTime is in seconds
REMAINING_DISK_SPACE_UNIT = "MB"  # remainingDiskSpace is in megabytes
ESTIMATED_LENGTH_UNIT = "mm"  # estimatedRightLen / estimatedLeftLen
ESTIMATED_WEIGHT_UNIT = "g"  # estimatedRightWeight / estimatedLeftWeight

# Sentinels shared by temperatureCtl_cmd and printerCtl_cmd.
NO_CHANGE = -200
HEATER_OFF = -100

# UDP discovery constants (discovery.md).
DISCOVERY_COMMAND_PORT = 8899
DISCOVERY_VENDOR_ID = 0x2B71
DISCOVERY_PRODUCT_TYPE = 0x5A02

AMBIENT_TEMP = 25.0


class TcpDialect(StrEnum):
    """How a model's legacy TCP API (port 8899) words its replies."""

    FIVE_M = "5m"
    """legacy-api.md: `CMD Mxxx Received.`, data lines, `ok` (5M, 5M Pro, AD5X)."""
    ADVENTURER_3 = "adventurer3"
    """networkserver_commands_adventurer3.yaml: `ack:`/`echo:` data, A3 vocabulary."""
    ADVENTURER_4 = "adventurer4"
    """legacy-api.md framing with the older integer `M105` form."""


@dataclass(frozen=True, slots=True)
class SeedTool:
    """Describe one filament a seeded file uses."""

    material: str
    color: str
    weight_g: float
    length_mm: float


@dataclass(frozen=True, slots=True)
class SeedFile:
    """Describe a file the printer holds out of the box."""

    name: str
    tools: tuple[SeedTool, ...]
    printing_time_s: int
    layers: int
    infill_percent: int = 15
    nozzle_temp: int = 220
    bed_temp: int = 60


@dataclass(frozen=True, slots=True)
class Slot:
    """Describe a material station slot as configured at power-on."""

    material: str
    color: str
    has_filament: bool


@dataclass(frozen=True, slots=True)
class Profile:
    """Hold what one printer model reports and supports."""

    key: str
    model_name: str
    default_name: str
    pid: int
    # How /detail spells the pid: firmware builds differ (integer or hex text).
    pid_wire: int | str
    firmware_version: str
    measure: str
    nozzle_count: int = 1
    nozzle_model: str = "0.4mm"
    nozzle_style: int = 1
    has_camera: bool = False
    has_factory_light: bool = True
    internal_fan_ctrl: bool = False
    external_fan_ctrl: bool = False
    chamber_sensor: bool = False
    chamber_ctrl: bool = False
    # Reported as chamberTemp by printers without a chamber sensor.
    chamber_sentinel: float = -108.0
    # An enclosure door with a sensor (every firmware sends doorStatus).
    has_door: bool = False
    # Slots reported in matlStationInfo and configured with msConfig_cmd.
    has_material_station: bool = False
    # The station feeds a single nozzle: a print maps the file's tools onto
    # slots (checked with useMatlStation), filament loads per slot (ms_cmd) or
    # through the independent feed (ipdMs_cmd, ipdMsConfig_cmd), and /detail
    # carries hasMatlStation and indepMatlInfo.
    has_material_feeder: bool = False
    # One nozzle per tool: /detail carries nozzleTemps[] and nozzleTargetTemps[],
    # temperatureCtl_cmd reads only a nozzles[] array with every tool.
    has_tool_temperatures: bool = False
    # moveCtrl_cmd, extrudeCtrl_cmd, homingCtrl_cmd; /detail carries coordinate.
    has_manual_motion: bool = False
    # /detail carries coolingFanLeftSpeed.
    has_left_cooling_fan: bool = False
    # /detail carries clearFanStatus.
    has_clear_fan: bool = False
    # /detail carries lidar (the first-layer scanner).
    has_lidar: bool = False
    # /gcodeThumb exists (without it: HTTP 404).
    has_gcode_thumb: bool = True
    # /gcodeList carries gcodeListDetail.
    gcode_list_detail: bool = False
    # /detail carries camera: 1 with a camera, else 0 (newer firmware).
    reports_camera_flag: bool = False
    # /detail carries model: the model name.
    reports_model_name: bool = False
    speed_min: int = 50
    speed_max: int = 150
    nozzle_max_temp: int = 280
    bed_max_temp: int = 110
    chamber_max_temp: int = 0
    disk_total_mb: float = 7456.0
    # The Creator 5 firmware answers with this misspelt Content-Type.
    json_content_type: str = "application/json"
    slots: tuple[Slot, ...] = ()
    seed_files: tuple[SeedFile, ...] = field(default_factory=tuple)
    # The HTTP API on port 8898 (the Adventurer 3 and 4 have none).
    has_http: bool = True
    # The legacy TCP API on port 8899 and its reply wording; None: no TCP API.
    tcp_dialect: TcpDialect | None = TcpDialect.FIVE_M
    # What M115 says after "Machine Type:".
    machine_type: str = ""
    # M146 takes r/g/b and the light keeps its colour (else on/off only).
    has_rgb_light: bool = False
    # M23 starts the print at once (5M family); else M23 selects and M24 starts.
    m23_starts_print: bool = True
    # Discovery answers with the 140-byte legacy reply instead of the 276-byte one.
    legacy_discovery: bool = False

    @property
    def has_tcp(self) -> bool:
        """Return whether the model serves the legacy TCP API."""
        return self.tcp_dialect is not None

    @property
    def build_volume(self) -> tuple[int, int, int]:
        """Return the build volume in mm, from `measure` ("220X220X220")."""
        x, y, z = (int(part) for part in self.measure.upper().split("X"))
        return x, y, z

    @property
    def has_filtration(self) -> bool:
        """Return whether either filtration fan can be switched."""
        return self.internal_fan_ctrl or self.external_fan_ctrl


_PLA_WHITE = SeedTool("PLA", "#FFFFFF", 12.4, 4150.0)

_5M_SEEDS = (
    SeedFile(
        "3DBenchy_PLA.gcode", (SeedTool("PLA", "#F72224", 14.8, 4960.0),), 3120, 240
    ),
    SeedFile("Calibration_Cube.gcode", (_PLA_WHITE,), 1260, 100),
    SeedFile(
        "Vase_Spiral_PETG.gcode",
        (SeedTool("PETG", "#2750E0", 31.5, 10200.0),),
        5400,
        450,
        infill_percent=0,
        nozzle_temp=240,
        bed_temp=70,
    ),
)

_AD5X_SEEDS = (
    SeedFile("Cube_PLA.gcode", (_PLA_WHITE,), 1260, 100),
    SeedFile(
        "Keychain_2Color.gcode",
        (
            SeedTool("PLA", "#FFFFFF", 3.2, 1070.0),
            SeedTool("PLA", "#161616", 1.1, 370.0),
        ),
        1980,
        60,
    ),
    SeedFile(
        "Fish_PETG.3mf",
        (SeedTool("PETG", "#0ACC38", 9.7, 3140.0),),
        2700,
        180,
        nozzle_temp=240,
        bed_temp=70,
    ),
)

_C5_SEEDS = (
    SeedFile("Cube_PLA.gcode", (_PLA_WHITE,), 1260, 100),
    SeedFile(
        "ToolChanger_4Color.gcode",
        (
            SeedTool("PLA", "#FFFFFF", 6.0, 2000.0),
            SeedTool("PLA", "#161616", 4.0, 1330.0),
            SeedTool("PLA", "#F72224", 2.5, 830.0),
            SeedTool("PLA", "#2750E0", 2.5, 830.0),
        ),
        6600,
        320,
    ),
)

_LEGACY_SEEDS = (
    SeedFile("Calibration_Cube.gcode", (_PLA_WHITE,), 1260, 100),
    SeedFile("Phone_Stand.gx", (SeedTool("PLA", "#F72224", 18.2, 6100.0),), 3900, 210),
)

PROFILES: dict[str, Profile] = {
    "5m": Profile(
        key="5m",
        model_name="Adventurer 5M",
        default_name="Adventurer 5M",
        pid=35,
        pid_wire="0023",
        firmware_version="3.2.7",
        measure="220X220X220",
        machine_type="Flashforge Adventurer 5M",
        chamber_sentinel=-108.0,
        seed_files=_5M_SEEDS,
    ),
    "5m-pro": Profile(
        key="5m-pro",
        model_name="Adventurer 5M Pro",
        default_name="Adventurer 5M Pro",
        pid=36,
        pid_wire=36,
        firmware_version="3.2.7",
        measure="220X220X220",
        machine_type="Flashforge Adventurer 5M Pro",
        has_camera=True,
        internal_fan_ctrl=True,
        external_fan_ctrl=True,
        chamber_sensor=True,
        has_door=True,
        seed_files=_5M_SEEDS,
    ),
    "ad5x": Profile(
        key="ad5x",
        model_name="AD5X",
        default_name="AD5X",
        pid=38,
        pid_wire="0026",
        firmware_version="1.2.1",
        measure="220X220X220",
        machine_type="Flashforge AD5X",
        has_factory_light=False,
        chamber_sentinel=-109.0,
        has_material_station=True,
        has_material_feeder=True,
        has_manual_motion=True,
        has_left_cooling_fan=True,
        has_clear_fan=True,
        has_gcode_thumb=False,
        gcode_list_detail=True,
        reports_camera_flag=True,
        speed_max=500,
        nozzle_max_temp=300,
        slots=(
            Slot("PLA", "#FFFFFF", has_filament=True),
            Slot("PLA", "#161616", has_filament=True),
            Slot("PETG", "#0ACC38", has_filament=True),
            Slot("", "", has_filament=False),
        ),
        seed_files=_AD5X_SEEDS,
    ),
    "creator5": Profile(
        key="creator5",
        model_name="Creator 5",
        default_name="Creator 5",
        pid=40,
        pid_wire=40,
        firmware_version="1.9.2",
        measure="256X256X256",
        nozzle_count=4,
        has_camera=True,
        chamber_sensor=True,
        chamber_ctrl=True,
        chamber_max_temp=80,
        has_door=True,
        has_material_station=True,
        has_tool_temperatures=True,
        has_lidar=True,
        reports_camera_flag=True,
        reports_model_name=True,
        nozzle_max_temp=300,
        json_content_type="appliation/json",
        tcp_dialect=None,
        slots=(
            Slot("PLA", "#FFFFFF", has_filament=True),
            Slot("PLA", "#161616", has_filament=True),
            Slot("PLA", "#F72224", has_filament=True),
            Slot("PLA", "#2750E0", has_filament=True),
        ),
        seed_files=_C5_SEEDS,
    ),
    # TCP only. The pids are the emulator's own (no reference gives them); they
    # appear only in the legacy discovery reply.
    "adventurer3": Profile(
        key="adventurer3",
        model_name="Adventurer 3",
        default_name="Adventurer 3",
        pid=0x0008,
        pid_wire=8,
        firmware_version="1.3.7",
        measure="150X150X150",
        machine_type="FlashForge Adventurer III",
        has_factory_light=False,
        nozzle_max_temp=265,
        bed_max_temp=100,
        seed_files=_LEGACY_SEEDS,
        has_http=False,
        tcp_dialect=TcpDialect.ADVENTURER_3,
        m23_starts_print=False,
        legacy_discovery=True,
    ),
    "adventurer4": Profile(
        key="adventurer4",
        model_name="Adventurer 4",
        default_name="Adventurer 4",
        pid=0x001F,
        pid_wire=31,
        firmware_version="1.2.1-3.22",
        measure="220X200X250",
        machine_type="Flashforge Adventurer 4",
        has_camera=True,
        nozzle_max_temp=265,
        seed_files=_LEGACY_SEEDS,
        has_http=False,
        tcp_dialect=TcpDialect.ADVENTURER_4,
        has_rgb_light=True,
        m23_starts_print=False,
        legacy_discovery=True,
    ),
}


def get_profile(model: str) -> Profile:
    """Return the profile for a model key such as "5m-pro"."""
    try:
        return PROFILES[model.lower()]
    except KeyError:
        known = ", ".join(PROFILES)
        raise ValueError(f"unknown model {model!r}; known models: {known}") from None
