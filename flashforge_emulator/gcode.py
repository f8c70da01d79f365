"""Read slicer metadata from G-code and 3MF files, and write seed G-code."""

from __future__ import annotations

import base64
import binascii
import contextlib
from dataclasses import dataclass, field
import io
import re
from xml.etree import ElementTree as ET
import zipfile

from .profiles import SeedFile

# How much of the start and end of an upload is kept for metadata parsing;
# OrcaSlicer writes its config block at the end and thumbnails at the start.
HEAD_BYTES = 256 * 1024
TAIL_BYTES = 64 * 1024

DEFAULT_PRINTING_TIME_S = 1800
DEFAULT_LAYERS = 100
FILAMENT_DENSITY_G_PER_MM = 0.00298  # 1.75 mm PLA, 1.24 g/cm3
# Nozzle and bed temperatures by material, for files that do not state them.
MATERIAL_TEMPS = {
    "PLA": (220, 60),
    "PETG": (240, 70),
    "ABS": (250, 100),
    "TPU": (230, 50),
}


@dataclass(slots=True)
class ToolData:
    """Describe one filament (tool) a file uses."""

    tool_id: int
    material: str
    color: str
    weight_g: float = 0.0
    length_mm: float = 0.0


@dataclass(slots=True)
class GcodeMeta:
    """Hold what the printer learns about a file from its metadata."""

    tools: list[ToolData] = field(default_factory=list)
    printing_time_s: int = DEFAULT_PRINTING_TIME_S
    layers: int = DEFAULT_LAYERS
    infill_percent: int = 15
    nozzle_temp: int = 220
    bed_temp: int = 60
    thumbnail_png: bytes | None = None

    @property
    def total_weight_g(self) -> float:
        """Return the filament weight of all tools together."""
        return round(sum(t.weight_g for t in self.tools), 2)

    @property
    def total_length_mm(self) -> float:
        """Return the filament length of all tools together."""
        return round(sum(t.length_mm for t in self.tools), 1)


_KV = re.compile(r"^;\s*([A-Za-z_ \[\]()0-9.]+?)\s*[=:]\s*(.*)$")
_DURATION = re.compile(r"(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?")
_THUMB_BEGIN = re.compile(r"^;\s*thumbnail(?:_PNG)? begin\s+\d+x\d+\s+\d+")


def _split(value: str) -> list[str]:
    return [v.strip() for v in re.split(r"[;,]", value) if v.strip()]


def _floats(value: str) -> list[float]:
    out: list[float] = []
    for item in _split(value):
        try:
            out.append(float(item.rstrip("%")))
        except ValueError:
            out.append(0.0)
    return out


def _duration(value: str) -> int | None:
    match = _DURATION.search(value.strip())
    if not match or not any(match.groups()):
        return None
    d, h, m, s = (int(g) if g else 0 for g in match.groups())
    return ((d * 24 + h) * 60 + m) * 60 + s


def _scan_comments(text: str) -> tuple[dict[str, str], bytes | None]:
    """Collect `; key = value` comments and the first embedded PNG thumbnail."""
    values: dict[str, str] = {}
    thumb_lines: list[str] | None = None
    thumbnail: bytes | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line.startswith(";"):
            continue
        if thumb_lines is not None:
            if "thumbnail" in line and "end" in line:
                with contextlib.suppress(binascii.Error):
                    thumbnail = thumbnail or base64.b64decode("".join(thumb_lines))
                thumb_lines = None
            else:
                thumb_lines.append(line.lstrip("; ").strip())
        elif _THUMB_BEGIN.match(line):
            thumb_lines = []
        elif match := _KV.match(line):
            values.setdefault(match.group(1).strip().lower(), match.group(2).strip())
    return values, thumbnail


def _tools(values: dict[str, str]) -> list[ToolData]:
    types = _split(values.get("filament_type", ""))
    colors = _split(values.get("filament_colour", values.get("extruder_colour", "")))
    weights = _floats(values.get("filament used [g]", ""))
    lengths = _floats(values.get("filament used [mm]", ""))
    tools = [
        ToolData(
            tool_id=i,
            material=types[i] if i < len(types) else (types[0] if types else "PLA"),
            color=(colors[i] if i < len(colors) else "#FFFFFF").upper(),
            weight_g=weights[i] if i < len(weights) else 0.0,
            length_mm=lengths[i] if i < len(lengths) else 0.0,
        )
        for i in range(max(len(types), len(colors)))
    ]
    for tool in tools:
        # Slicers often give only one of the two; derive the other.
        if tool.length_mm and not tool.weight_g:
            tool.weight_g = round(tool.length_mm * FILAMENT_DENSITY_G_PER_MM, 2)
        elif tool.weight_g and not tool.length_mm:
            tool.length_mm = round(tool.weight_g / FILAMENT_DENSITY_G_PER_MM, 1)
    return tools


def _first_number(values: dict[str, str], *keys: str) -> float | None:
    for key in keys:
        if key in values and (numbers := _floats(values[key])):
            return numbers[0]
    return None


def parse_gcode_text(text: str) -> GcodeMeta:
    """Parse slicer comment lines (OrcaSlicer/FlashPrint style) into metadata."""
    values, thumbnail = _scan_comments(text)
    meta = GcodeMeta(tools=_tools(values), thumbnail_png=thumbnail)
    for key in ("estimated printing time (normal mode)", "estimated printing time"):
        if key in values and (seconds := _duration(values[key])) is not None:
            meta.printing_time_s = seconds
            break
    if (
        layers := _first_number(values, "total layer number", "total layers count")
    ) is not None:
        meta.layers = max(1, int(layers))
    if (
        infill := _first_number(values, "sparse_infill_density", "fill_density")
    ) is not None:
        meta.infill_percent = int(infill)
    _default_temps(meta)
    if (nozzle := _first_number(values, "nozzle_temperature")) is not None:
        meta.nozzle_temp = int(nozzle)
    if (bed := _first_number(values, "bed_temperature", "hot_plate_temp")) is not None:
        meta.bed_temp = int(bed)
    return meta


def _default_temps(meta: GcodeMeta) -> None:
    material = meta.tools[0].material.upper() if meta.tools else "PLA"
    meta.nozzle_temp, meta.bed_temp = MATERIAL_TEMPS.get(
        material, MATERIAL_TEMPS["PLA"]
    )


def parse_3mf(path: str) -> GcodeMeta:
    """Read filament data from a sliced 3MF's Metadata/slice_info.config."""
    meta = GcodeMeta()
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "Metadata/slice_info.config" in names:
                root = ET.fromstring(archive.read("Metadata/slice_info.config"))  # noqa: S314
                for plate in root.iter("plate"):
                    for item in plate.iter("metadata"):
                        if item.get("key") == "prediction":
                            meta.printing_time_s = int(float(item.get("value", "0")))
                    for fil in plate.iter("filament"):
                        meta.tools.append(
                            ToolData(
                                tool_id=len(meta.tools),
                                material=fil.get("type", "PLA"),
                                color=fil.get("color", "#FFFFFF").upper(),
                                weight_g=float(fil.get("used_g", "0") or 0),
                                length_mm=float(fil.get("used_m", "0") or 0) * 1000,
                            )
                        )
                    break
            _default_temps(meta)
            if "Metadata/plate_1.png" in names:
                meta.thumbnail_png = archive.read("Metadata/plate_1.png")
    except zipfile.BadZipFile, ET.ParseError, ValueError, OSError:
        return GcodeMeta()
    return meta


def _fmt_duration(seconds: int) -> str:
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}h {m}m {s}s"


def seed_gcode(seed: SeedFile) -> bytes:
    """Return a small but well-formed G-code file carrying the seed's metadata."""
    tools = seed.tools
    lines = [
        "; HEADER_BLOCK_START",
        "; generated by flashforge_emulator",
        f"; estimated printing time (normal mode) = {_fmt_duration(seed.printing_time_s)}",
        f"; total layer number: {seed.layers}",
        "; HEADER_BLOCK_END",
        "",
        "; CONFIG_BLOCK_START",
        f"; filament_type = {';'.join(t.material for t in tools)}",
        f"; filament_colour = {';'.join(t.color for t in tools)}",
        f"; filament used [mm] = {', '.join(f'{t.length_mm:.2f}' for t in tools)}",
        f"; filament used [g] = {', '.join(f'{t.weight_g:.2f}' for t in tools)}",
        f"; nozzle_temperature = {','.join(str(seed.nozzle_temp) for _ in tools)}",
        f"; bed_temperature = {seed.bed_temp}",
        f"; sparse_infill_density = {seed.infill_percent}%",
        "; layer_height = 0.2",
        "; CONFIG_BLOCK_END",
        "",
        f"M190 S{seed.bed_temp}",
        f"M104 S{seed.nozzle_temp}",
        "G28",
        "G92 E0",
    ]
    for layer in range(1, min(seed.layers, 40) + 1):
        z = layer * 0.2
        lines.extend(
            [
                f";LAYER_CHANGE\n;Z:{z:.2f}",
                f"G1 Z{z:.2f} F600",
                "G1 X60 Y60 E1.2 F3000",
                "G1 X160 Y60 E2.4",
                "G1 X160 Y160 E3.6",
                "G1 X60 Y160 E4.8",
                "G92 E0",
            ]
        )
    lines.extend(["M104 S0", "M140 S0", "M84", ""])
    return "\n".join(lines).encode()


def seed_3mf(seed: SeedFile, thumbnail_png: bytes) -> bytes:
    """Return a minimal sliced 3MF archive carrying the seed's metadata."""
    filaments = "\n".join(
        f'    <filament id="{i + 1}" type="{t.material}" color="{t.color}"'
        f' used_m="{t.length_mm / 1000:.2f}" used_g="{t.weight_g:.2f}" />'
        for i, t in enumerate(seed.tools)
    )
    config = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<config>\n  <plate>\n'
        '    <metadata key="index" value="1"/>\n'
        f'    <metadata key="prediction" value="{seed.printing_time_s}"/>\n'
        f"{filaments}\n  </plate>\n</config>\n"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Metadata/slice_info.config", config)
        archive.writestr("Metadata/plate_1.gcode", seed_gcode(seed))
        archive.writestr("Metadata/plate_1.png", thumbnail_png)
    return buffer.getvalue()
