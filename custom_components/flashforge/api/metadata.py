"""Read which materials and colours a sliced file needs, from its slicer metadata.

The AD5X needs a material mapping for every tool (filament) a file uses, and
for a file that is not on the printer yet the only source is the file itself.
Slicers describe the filaments in comments (G-code) or in the archive's
configuration (3MF). Only bounded parts of a file are read, never all of it,
so a large file costs no more memory than a small one.

Functions here do blocking file I/O: run them in an executor.
"""

from collections.abc import Iterable, Mapping, Sequence
import contextlib
import json
import math
from pathlib import Path
import re
from typing import IO, TYPE_CHECKING

from .errors import FlashForgeFileError
from .models import FileTool
from .upload import UploadSource

if TYPE_CHECKING:
    import zipfile

# OrcaSlicer and FlashPrint describe filaments near the start of a G-code file,
# PrusaSlicer (and OrcaSlicer's full config block) near the end.
HEAD_BYTES = 256 * 1024
TAIL_BYTES = 64 * 1024
# Configuration members of a 3MF are small; a larger one is not worth reading.
MAX_CONFIG_BYTES = 4 * 1024 * 1024

SLICE_INFO = "Metadata/slice_info.config"
PROJECT_SETTINGS = "Metadata/project_settings.config"

# One `; key = value` (or `;key: value`) comment line, found without splitting
# the text into a list of lines.
_COMMENT = re.compile(
    r"^[ \t]*;[ \t]*([A-Za-z_][\w \[\]().]*?)[ \t]*[=:][ \t]*(.*?)[ \t\r]*$",
    re.MULTILINE,
)
_COLOR = re.compile(r"#?([0-9A-Fa-f]{6})(?:[0-9A-Fa-f]{2})?")
_EMBEDDED_GCODE = re.compile(r"Metadata/plate_\d+\.gcode")

_TYPE_KEYS = ("filament_type",)
_COLOR_KEYS = ("filament_colour", "filament_color")
_EXTRUDER_COLOR_KEYS = ("extruder_colour", "extruder_color")
_WEIGHT_KEYS = ("filament used [g]", "filament_used_g")
_KEYS = frozenset((*_TYPE_KEYS, *_COLOR_KEYS, *_EXTRUDER_COLOR_KEYS, *_WEIGHT_KEYS))


def read_file_tools(source: Path | UploadSource) -> tuple[FileTool, ...]:
    """Return the tools a sliced file uses; empty when its metadata says nothing.

    A path is opened like an upload's source (no links, no FIFOs); an open
    source is read through its descriptor, so the file read is the file sent.
    Unreadable or malformed files also give an empty result: the metadata is
    a help for material mapping, not a check of the file.
    """
    if isinstance(source, Path):
        try:
            with UploadSource.open(source) as opened:
                return read_file_tools(opened)
        except FlashForgeFileError:
            return ()
    try:
        with source.reader() as handle:
            if source.real_path.suffix.lower() == ".3mf":
                return _read_3mf(handle)
            return _read_gcode(handle)
    except OSError, ValueError:
        return ()


def parse_gcode_comments(text: str) -> tuple[FileTool, ...]:
    """Return the tools described by slicer comments in G-code text."""
    return _tools_from_values(_scan_comments(text))


def _read_gcode(handle: IO[bytes]) -> tuple[FileTool, ...]:
    """Read the tools from the head of a G-code file and from its tail."""
    values = _scan_comments(_head_text(handle.read(HEAD_BYTES)))
    size = handle.seek(0, 2)
    if size > HEAD_BYTES:
        handle.seek(max(HEAD_BYTES, size - TAIL_BYTES))
        # The read starts mid-line: drop the fragment before the first break.
        tail = handle.read().partition(b"\n")[2]
        # What the head said wins; the tail fills in what it left out.
        for key, value in _scan_comments(_decode(tail)).items():
            values.setdefault(key, value)
    return _tools_from_values(values)


def _read_3mf(handle: IO[bytes]) -> tuple[FileTool, ...]:
    """Read the tools of a sliced 3MF from the first member that names them."""
    # The archive and XML readers (tens of milliseconds to import) load with
    # the first 3MF read, in the executor that reads it, not with the library.
    from xml.etree import ElementTree as ET  # noqa: PLC0415
    import zipfile  # noqa: PLC0415

    try:
        with zipfile.ZipFile(handle) as archive:
            names = archive.namelist()
            if SLICE_INFO in names and (
                tools := _slice_info_tools(_read_member(archive, SLICE_INFO))
            ):
                return tools
            if PROJECT_SETTINGS in names and (
                tools := _project_settings_tools(
                    _read_member(archive, PROJECT_SETTINGS)
                )
            ):
                return tools
            for name in sorted(n for n in names if _EMBEDDED_GCODE.fullmatch(n)):
                with archive.open(name) as member:
                    head = _head_text(member.read(HEAD_BYTES))
                    if tools := parse_gcode_comments(head):
                        return tools
    except zipfile.BadZipFile, ET.ParseError:
        pass
    return ()


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    """Return a small archive member, refusing one that inflates beyond the cap."""
    with archive.open(name) as member:
        data = _read_at_most(member, MAX_CONFIG_BYTES)
    if data is None:
        raise ValueError(f"{name} is larger than {MAX_CONFIG_BYTES} bytes")
    return data


def _read_at_most(stream: IO[bytes], limit: int) -> bytes | None:
    """Return the whole stream, or None when it holds more than limit bytes."""
    data = stream.read(limit + 1)
    return None if len(data) > limit else data


def _slice_info_tools(data: bytes) -> tuple[FileTool, ...]:
    """Return the filaments of the first plate in OrcaSlicer/Bambu slice info."""
    from xml.etree import ElementTree as ET  # noqa: PLC0415 - see _read_3mf

    # The member is capped in size, and Python's expat refuses external
    # entities and exponential entity expansion.
    root = ET.fromstring(data)  # noqa: S314
    plate = next(root.iter("plate"), None)
    if plate is None:
        return ()
    return tuple(
        FileTool(
            tool_id=index,
            material_name=_text(filament.get("type")),
            material_color=_color(filament.get("color")),
            filament_weight=_weight(filament.get("used_g")),
            slot_id=None,
        )
        for index, filament in enumerate(plate.iter("filament"))
    )


def _project_settings_tools(data: bytes) -> tuple[FileTool, ...]:
    """Return the filaments of an OrcaSlicer/Bambu project settings file."""
    settings = json.loads(data)
    if not isinstance(settings, Mapping):
        return ()
    return _tools_from_values(
        {
            key: _json_list(settings.get(key))
            for key in (*_TYPE_KEYS, *_COLOR_KEYS, *_EXTRUDER_COLOR_KEYS)
            if key in settings
        }
    )


def _json_list(value: object) -> list[str]:
    """Return a JSON setting as a list of strings."""
    if isinstance(value, list):
        return [item if isinstance(item, str) else "" for item in value]
    return _split(value) if isinstance(value, str) else []


def _head_text(data: bytes) -> str:
    """Decode the head of a file, dropping a last line the read cut short."""
    if len(data) >= HEAD_BYTES:
        data = data.rpartition(b"\n")[0]
    return _decode(data)


def _decode(data: bytes) -> str:
    """Decode G-code text; binary bits (a .gx preview) become replacement marks."""
    return data.decode("utf-8", "replace")


def _scan_comments(text: str) -> dict[str, list[str]]:
    """Collect the filament settings from `; key = value` comment lines."""
    values: dict[str, list[str]] = {}
    for match in _COMMENT.finditer(text):
        key = match.group(1).strip().lower()
        # The first mention wins, as slicers repeat settings in later blocks.
        if key in _KEYS and key not in values:
            values[key] = _split(match.group(2))
    return values


def _split(value: str) -> list[str]:
    """Split a per-filament setting (`PLA;PETG`, `"#FF0000";""`, `1.2, 0.4`)."""
    items = [item.strip().strip("\"'").strip() for item in re.split(r"[;,]", value)]
    return [] if not any(items) else items


def _first(values: Mapping[str, list[str]], keys: Iterable[str]) -> list[str]:
    """Return the first setting present under one of its spellings."""
    return next((values[key] for key in keys if values.get(key)), [])


def _tools_from_values(values: Mapping[str, Sequence[str]]) -> tuple[FileTool, ...]:
    """Build tools from per-filament settings, one list entry per filament."""
    lists = {key: list(value) for key, value in values.items()}
    types = _first(lists, _TYPE_KEYS)
    colors = _first(lists, _COLOR_KEYS)
    extruder_colors = _first(lists, _EXTRUDER_COLOR_KEYS)
    weights = _first(lists, _WEIGHT_KEYS)
    # PrusaSlicer leaves filament_colour empty when the extruder colour is set.
    count = max(len(types), len(colors) or len(extruder_colors))
    return tuple(
        FileTool(
            tool_id=index,
            material_name=_text(_at(types, index)),
            material_color=_color(_at(colors, index))
            or _color(_at(extruder_colors, index)),
            filament_weight=_weight(_at(weights, index)),
            slot_id=None,
        )
        for index in range(count)
    )


def _at(items: Sequence[str], index: int) -> str | None:
    """Return an entry of a per-filament list, None past its end."""
    return items[index] if index < len(items) else None


def _text(value: str | None) -> str | None:
    """Return a material name, None when blank."""
    if value is None or not (stripped := value.strip()):
        return None
    return stripped


def _color(value: str | None) -> str | None:
    """Return a colour as #RRGGBB (dropping any alpha), None when not a colour."""
    if value is None or (match := _COLOR.fullmatch(value.strip())) is None:
        return None
    return f"#{match.group(1).upper()}"


def _weight(value: str | None) -> float | None:
    """Return a filament weight in grams, None when not a number."""
    if value is None:
        return None
    with contextlib.suppress(ValueError):
        weight = float(value)
        if math.isfinite(weight) and weight >= 0:
            return weight
    return None
