"""The legacy TCP API's replies: framed within bounds, then parsed strictly.

A reply is lines: ``CMD <code> Received.``, data lines, ``ok``. Printers word
it in several ways, and every one the references give is taken: the Adventurer
3 prefixes data with ``ack:``/``echo:``, leaves out the first line of some
replies, and ends ``M105`` with its data on the ``ok`` line; the file list and
thumbnail add binary data after ``ok``. No read is without a bound: a line is
at most ``MAX_LINE_BYTES``, a reply ``MAX_REPLY_LINES`` lines, binary data
``MAX_FILES`` paths of ``MAX_PATH_BYTES`` or ``MAX_THUMBNAIL_BYTES``. A parser
refuses a reply that lacks what makes it that reply, and drops values that
are out of bounds; it ignores lines it does not know, which firmware adds.
"""

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
import re
from typing import Final

from ..const import MAX_NAME_LENGTH, MAX_PARTS, MAX_VERSION_LENGTH
from ..errors import (
    FlashForgeConnectionError,
    FlashForgeError,
    FlashForgeNotFoundError,
    FlashForgeResponseError,
)
from ..fields import bounded_text, file_name_text, mac_text, token
from ..status import MachineStatus
from .const import (
    FILE_ENTRY_MAGIC,
    FILE_LIST_MAGIC,
    MAX_FILES,
    MAX_LINE_BYTES,
    MAX_PATH_BYTES,
    MAX_REPLY_LINES,
    MAX_THUMBNAIL_BYTES,
    NOT_FOUND_CODE,
    THUMBNAIL_MAGICS,
)
from .models import LegacyInfo, LegacyState, Temperature

# The Adventurer 3's prefixes on data lines.
_PREFIX: Final = re.compile(r"(?:ack|echo)\s*:\s*", re.IGNORECASE)
# The first line of a reply; "Error" instead of "Received" is a refusal.
_HEADER: Final = re.compile(r"CMD\s+([A-Z]\d+)\s+(Received|Error)\.?", re.IGNORECASE)
# A heater's reading in M105: "T0:17.9/0.0", "T0:22 /0", "B:18.5/0.0".
_NUMBER: Final = r"-?\d{1,4}(?:\.\d{1,3})?"
_TEMPERATURE: Final = re.compile(
    rf"(?<![A-Za-z])(T\d?|B)\s*:\s*({_NUMBER})\s*/\s*({_NUMBER})(?![\d.])"
)
# M27: progress in "bytes" (percent on every model documented), and layers.
_FRACTION: Final = r"(\d{1,12})\s*/\s*(\d{1,12})"
_PROGRESS: Final = re.compile(rf"SD printing byte\s+{_FRACTION}", re.IGNORECASE)
_NOT_PRINTING: Final = re.compile(r"Not SD printing", re.IGNORECASE)
_LAYER: Final = re.compile(rf"Layer\s*:\s*{_FRACTION}", re.IGNORECASE)
# M115's build volume: "X: 220 Y: 220 Z: 220".
_VOLUME: Final = re.compile(r"X:\s*(\d{1,5})\s+Y:\s*(\d{1,5})\s+Z:\s*(\d{1,5})")
# The Adventurer 3's file list: a count, then one name a line.
_LIST_SIZE: Final = re.compile(r"info_list\.size\s*:\s*(\d{1,12})", re.IGNORECASE)
# The Adventurer 3's thumbnail: a line announcing the binary data instead of ok.
_THUMBNAIL_HEADER: Final = re.compile(r"ack\s+header\s+length\s*:", re.IGNORECASE)
# The printers' words for a file they do not have.
_NOT_FOUND: Final = re.compile(r"not exist|not found|no such file", re.IGNORECASE)
# A serial number is letters and digits, with a dash or underscore at most.
_SERIAL: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")
_SERIAL_LENGTH: Final = 64

# MachineStatus words: legacy-api.md's (5M, Adventurer 4) and the Adventurer
# 3's (networkserver_commands_adventurer3.yaml).
_STATUSES: Final = {
    "READY": MachineStatus.READY,
    "BUILDING_FROM_SD": MachineStatus.PRINTING,
    "PAUSED": MachineStatus.PAUSED,
    "BUILDING_COMPLETED": MachineStatus.COMPLETED,
    "BUSY": MachineStatus.BUSY,
    "IDLE": MachineStatus.READY,
    "PRINTING": MachineStatus.PRINTING,
    "HOMING": MachineStatus.BUSY,
    "ERROR": MachineStatus.ERROR,
}
_LIGHT: Final = {"1": True, "0": False, "on": True, "off": False}


@dataclass(frozen=True, slots=True)
class Reply:
    """The data lines of one reply, and the printer's refusal if it sent one."""

    code: str
    lines: tuple[str, ...]
    error: str | None = None

    def text(self) -> str:
        """Return the data lines as one text."""
        return "\n".join(self.lines)


class ReplyReader:
    """Read the replies off one connection, each within its bounds."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        """Read from a stream made with ``limit=MAX_LINE_BYTES``."""
        self._stream = stream
        # A reply that ended on a line with data ("ok T0:..", "Error: ..") may
        # still be followed by a bare "ok": the next reply skips it.
        self._stray_ok = False

    async def reply(self, code: str, *, max_lines: int = MAX_REPLY_LINES) -> Reply:
        """Return the reply to the command ``code``, once its end has been read."""
        lines: list[str] = []
        started = foreign = False
        for _ in range(max_lines):
            text = _clean(await self.line())
            if not text:
                continue
            if (header := _HEADER.fullmatch(text)) is not None:
                # Anything before this reply's first line is an earlier reply's.
                lines.clear()
                started = header.group(1).upper() == code
                foreign = not started
                if started and header.group(2).lower() == "error":
                    self._stray_ok = True
                    return Reply(code, (), "Error")
                continue
            lowered = text.lower()
            if lowered == "ok":
                if foreign or (self._stray_ok and not started and not lines):
                    # The end of an earlier reply.
                    self._stray_ok = foreign = False
                    lines.clear()
                    continue
                self._stray_ok = False
                return Reply(code, tuple(lines))
            if lowered.startswith("ok "):
                self._stray_ok = True
                return Reply(code, (*lines, text[3:].strip()))
            if lowered.startswith("error"):
                self._stray_ok = True
                return Reply(code, tuple(lines), _bounded_error(text))
            lines.append(text)
        raise FlashForgeResponseError(
            f"{code}: the reply is longer than {max_lines} lines"
        )

    async def file_list(self) -> list[str]:
        """Return the paths of the ``M661`` reply, in either form.

        The 5M form sends binary data after ``ok``: a magic, a count, then
        each path after a marker and its length. The Adventurer 3 sends a
        count line, then one name a line.
        """
        for _ in range(MAX_REPLY_LINES):
            text = _clean(await self.line())
            if (header := _HEADER.fullmatch(text)) is not None:
                if header.group(2).lower() == "error":
                    # The Adventurer 3's answer when it stores no file.
                    self._stray_ok = True
                    return []
                continue
            if (size := _LIST_SIZE.fullmatch(text)) is not None:
                return await self._listed_names(_bounded_count(size.group(1)))
            if text.lower() == "ok":
                return await self._binary_paths()
            if text.lower().startswith("error"):
                raise refusal("M661", _bounded_error(text))
        raise FlashForgeResponseError(f"M661: no list in {MAX_REPLY_LINES} lines")

    async def thumbnail(self) -> bytes:
        """Return the image of the ``M662`` reply: a magic, a length, the bytes."""
        for _ in range(MAX_REPLY_LINES):
            raw = await self.line()
            text = _clean(raw)
            lowered = text.lower()
            if lowered == "ok":
                return await self._image(await self._exactly(4))
            if _THUMBNAIL_HEADER.match(raw.strip()):
                # The Adventurer 3's header line; an "ok" line may follow it.
                start = await self._exactly(4)
                if start.startswith(b"ok\r\n"):
                    start = await self._exactly(4)
                elif start.startswith(b"ok\n"):
                    start = start[3:] + await self._exactly(3)
                return await self._image(start)
            if lowered.startswith("error"):
                self._stray_ok = True
                raise refusal("M662", _bounded_error(text))
        raise FlashForgeResponseError(f"M662: no image in {MAX_REPLY_LINES} lines")

    async def line(self) -> str:
        """Return the next line without its line break.

        Bytes that are not UTF-8 are kept as surrogates, which no text or
        name reader takes.
        """
        try:
            raw = await self._stream.readuntil(b"\n")
        except asyncio.LimitOverrunError:
            raise FlashForgeResponseError(
                f"A reply line is longer than {MAX_LINE_BYTES} bytes"
            ) from None
        except asyncio.IncompleteReadError:
            raise FlashForgeConnectionError(
                "The printer closed the connection in the middle of a reply"
            ) from None
        return raw.rstrip(b"\r\n").decode("utf-8", "surrogateescape")

    async def _listed_names(self, count: int) -> list[str]:
        """Return ``count`` names, one a line (the Adventurer 3's form)."""
        names = [_clean(await self.line()) for _ in range(count)]
        # The list may or may not be followed by "ok".
        self._stray_ok = True
        return [name for name in names if file_name_text(name) == name]

    async def _binary_paths(self) -> list[str]:
        """Return the paths of the 5M form's binary list (or a text list after ok)."""
        magic = await self._exactly(len(FILE_LIST_MAGIC))
        if magic != FILE_LIST_MAGIC:
            text = _clean(magic.decode("latin-1") + await self.line())
            if (size := _LIST_SIZE.fullmatch(text)) is None:
                raise FlashForgeResponseError(f"M661: unknown magic {magic.hex()}")
            return await self._listed_names(_bounded_count(size.group(1)))
        count = await self._length(MAX_FILES, "M661: the file count")
        paths: list[str] = []
        for _ in range(count):
            await self._magic(FILE_ENTRY_MAGIC, "M661")
            length = await self._length(MAX_PATH_BYTES, "M661: a path")
            path = _path(await self._exactly(length))
            if path is not None:
                paths.append(path)
        return paths

    async def _image(self, magic: bytes) -> bytes:
        """Return the image after the thumbnail's magic (read) and length."""
        if magic not in THUMBNAIL_MAGICS:
            raise FlashForgeResponseError(f"M662: unknown magic {magic.hex()}")
        length = await self._length(MAX_THUMBNAIL_BYTES, "M662: the image")
        if length == 0:
            raise FlashForgeResponseError("M662: an empty image")
        return await self._exactly(length)

    async def _magic(self, expected: bytes, code: str) -> None:
        """Read a marker of the binary framing; refuse anything else."""
        magic = await self._exactly(len(expected))
        if magic != expected:
            raise FlashForgeResponseError(f"{code}: unknown magic {magic.hex()}")

    async def _length(self, limit: int, what: str) -> int:
        """Read a big-endian uint32 length, refusing one over limit."""
        length = int.from_bytes(await self._exactly(4), "big")
        if length > limit:
            raise FlashForgeResponseError(f"{what} is longer than {limit} ({length})")
        return length

    async def _exactly(self, size: int) -> bytes:
        """Return the next size bytes (size is bounded by the caller)."""
        try:
            return await self._stream.readexactly(size)
        except asyncio.IncompleteReadError:
            raise FlashForgeConnectionError(
                "The printer closed the connection in the middle of a reply"
            ) from None


def refusal(code: str, error: str) -> FlashForgeError:
    """Return the error for a printer's refusal: not found, or a response error."""
    if _NOT_FOUND.search(error):
        return FlashForgeNotFoundError(NOT_FOUND_CODE, f"{code}: {error}")
    return FlashForgeResponseError(f"{code}: {error}")


def parse_info(reply: Reply) -> LegacyInfo:
    """Parse the ``M115`` reply."""
    values = _key_values(reply.lines)
    info = LegacyInfo(
        machine_type=bounded_text(values.get("machine type"), MAX_NAME_LENGTH),
        name=bounded_text(values.get("machine name"), MAX_NAME_LENGTH),
        firmware_version=token(values.get("firmware"), MAX_VERSION_LENGTH),
        serial_number=_serial(values.get("sn", values.get("serial number"))),
        mac_address=mac_text(values.get("mac address")),
        build_volume=_build_volume(reply.lines),
        tool_count=_tool_count(values.get("tool count")),
    )
    if info.machine_type is None and info.unique_id is None:
        raise FlashForgeResponseError("M115: neither a machine type nor a serial")
    return info


def parse_state(status: Reply, temperatures: Reply, progress: Reply) -> LegacyState:
    """Parse the ``M119``, ``M105`` and ``M27`` replies into one state."""
    values = _key_values(status.lines)
    raw_status = bounded_text(values.get("machinestatus"))
    if raw_status is None:
        raise FlashForgeResponseError("M119: no machine status")
    tools, bed = parse_temperatures(temperatures)
    ratio, layer, total_layers = parse_progress(progress)
    light = values.get("led", values.get("ledstatus"))
    return LegacyState(
        status=_STATUSES.get(raw_status.upper(), MachineStatus.UNKNOWN),
        raw_status=raw_status,
        move_mode=bounded_text(values.get("movemode")),
        light_on=None if light is None else _LIGHT.get(light.strip().lower()),
        current_file=file_name_text(
            values.get("currentfile", values.get("printfilename"))
        ),
        nozzle_temperatures=tools,
        bed=bed,
        progress=ratio,
        layer=layer,
        total_layers=total_layers,
    )


def parse_temperatures(
    reply: Reply,
) -> tuple[tuple[Temperature, ...], Temperature | None]:
    """Parse the ``M105`` reply: (current, target) per tool, and the bed's."""
    tools: dict[int, Temperature] = {}
    bed: Temperature | None = None
    for match in _TEMPERATURE.finditer(reply.text()):
        name, current, target = match.groups()
        reading = (float(current), float(target))
        if name == "B":
            bed = reading if bed is None else bed
        else:
            tools.setdefault(int(name[1:] or 0), reading)
    # Tools are numbered from 0: those after a gap are not what they seem.
    count = 0
    while count in tools and count < MAX_PARTS:
        count += 1
    if count == 0:
        raise FlashForgeResponseError("M105: no nozzle temperature")
    return tuple(tools[index] for index in range(count)), bed


def parse_progress(reply: Reply) -> tuple[float | None, int | None, int | None]:
    """Parse the ``M27`` reply: the progress ratio, the layer and the layer count."""
    text = reply.text()
    if (match := _PROGRESS.search(text)) is not None:
        done, total = (int(part) for part in match.groups())
        ratio = done / total if total > 0 and done <= total else None
        if total == 0 and done == 0:
            ratio = 0.0
    elif _NOT_PRINTING.search(text) is not None:
        ratio = None
    else:
        raise FlashForgeResponseError("M27: no progress")
    layer = total_layers = None
    if (match := _LAYER.search(text)) is not None:
        current, count = (int(part) for part in match.groups())
        if current <= count or count == 0:
            layer, total_layers = current, count
    return ratio, layer, total_layers


def _clean(line: str) -> str:
    """Return a line without surrounding space or the Adventurer 3's prefix."""
    text = line.strip()
    if (prefix := _PREFIX.match(text)) is not None:
        text = text[prefix.end() :]
    return text


def _key_values(lines: Iterable[str]) -> dict[str, str]:
    """Return each line's key (lowercase) and value; the first of a key counts."""
    values: dict[str, str] = {}
    for line in lines:
        key, colon, value = line.partition(":")
        if colon:
            values.setdefault(key.strip().lower(), value.strip())
    return values


def _bounded_error(text: str) -> str:
    """Return a printer's error line fit for a message."""
    return bounded_text(text, MAX_NAME_LENGTH) or "Error"


def _bounded_count(value: str) -> int:
    """Return a list's announced size, refusing one over MAX_FILES."""
    count = int(value)
    if count > MAX_FILES:
        raise FlashForgeResponseError(f"M661: more than {MAX_FILES} files ({count})")
    return count


def _path(raw: bytes) -> str | None:
    """Return a stored path, None if it is no text a command could carry."""
    try:
        path = raw.decode()
    except UnicodeDecodeError:
        return None
    return path if path and path.isprintable() and path == path.strip() else None


def _serial(value: str | None) -> str | None:
    """Return a serial number, None if it is none."""
    serial = token(value, _SERIAL_LENGTH)
    return serial if serial is not None and _SERIAL.fullmatch(serial) else None


def _build_volume(lines: Sequence[str]) -> tuple[int, int, int] | None:
    """Return the build volume line's sizes in mm."""
    for line in lines:
        if (match := _VOLUME.fullmatch(line)) is not None:
            x, y, z = (int(part) for part in match.groups())
            return (x, y, z) if x and y and z else None
    return None


def _tool_count(value: str | None) -> int | None:
    """Return a tool count, None outside 1 to MAX_PARTS."""
    digits = (value or "").strip()
    if not digits.isdigit() or len(digits) > 2:
        return None
    count = int(digits)
    return count if 1 <= count <= MAX_PARTS else None
