"""The legacy TCP API's replies, worded per model (`Profile.tcp_dialect`).

Pure functions of the printer's state: each returns the reply's bytes. The
5M family follows legacy-api.md; the Adventurer 3 follows
networkserver_commands_adventurer3.yaml (`echo:`/`ack:` prefixes, its own
state words, `M115` and `M119` without the `CMD ... Received.` line); the
Adventurer 4 uses legacy-api.md's framing with the older integer `M105` form.
Every reply ends with an `ok` line, so a client never has to wait for silence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import job
from .codes import ACTIVE_STATUSES, Status
from .profiles import TcpDialect

if TYPE_CHECKING:
    from .core import PrinterCore
    from .state import PrinterState

EOL = "\r\n"
OK = "ok"

# MachineStatus words: legacy-api.md (5M, Adventurer 4) and the A3 YAML.
_LEGACY_STATUS = {
    Status.READY: "READY",
    Status.HEATING: "BUILDING_FROM_SD",
    Status.PRINTING: "BUILDING_FROM_SD",
    Status.PAUSING: "BUILDING_FROM_SD",
    Status.PAUSED: "PAUSED",
    Status.COMPLETED: "BUILDING_COMPLETED",
    Status.CANCEL: "BUILDING_COMPLETED",
    Status.BUSY: "BUSY",
    Status.CALIBRATE_DOING: "BUSY",
    Status.ERROR: "ERROR",
}
_A3_STATUS = {
    Status.READY: "IDLE",
    Status.HEATING: "PRINTING",
    Status.PRINTING: "PRINTING",
    Status.PAUSING: "PRINTING",
    Status.PAUSED: "PAUSED",
    Status.COMPLETED: "IDLE",
    Status.CANCEL: "IDLE",
    Status.BUSY: "HOMING",
    Status.CALIBRATE_DOING: "HOMING",
    Status.ERROR: "ERROR",
}


def frame(code: str, lines: list[str], *, header: bool = True) -> bytes:
    """Return a reply: `CMD <code> Received.`, the data lines, `ok`."""
    head = [f"CMD {code} Received."] if header else []
    return EOL.join([*head, *lines, OK]).encode() + EOL.encode()


def dialect(core: PrinterCore) -> TcpDialect:
    """Return the model's TCP dialect (only called for models that have one)."""
    value = core.profile.tcp_dialect
    if value is None:  # pragma: no cover - no TCP server runs for these
        raise RuntimeError(f"{core.profile.model_name} has no TCP API")
    return value


def control_granted(core: PrinterCore) -> bytes:
    """Return the answer to `M601 S1` when control is granted."""
    if dialect(core) == TcpDialect.ADVENTURER_3:
        return frame("M601", [])
    return frame("M601", ["Control Success V2.1."])


def control_refused(core: PrinterCore) -> bytes:
    """Return the answer to `M601 S1` while another client holds control."""
    if dialect(core) == TcpDialect.ADVENTURER_3:
        return frame("M601", ["Error: have been connected"])
    return frame("M601", ["Control Failed."])


def control_released(core: PrinterCore) -> bytes:
    """Return the answer to `M602`."""
    if dialect(core) == TcpDialect.ADVENTURER_3:
        return frame("M602", [])
    return frame("M602", ["Control Release."])


def info(core: PrinterCore) -> bytes:
    """Return the `M115` reply."""
    profile = core.profile
    state = core.tick()
    x, y, z = profile.build_volume
    if dialect(core) == TcpDialect.ADVENTURER_3:
        return frame(
            "M115",
            [
                f"echo: Machine Type: {profile.machine_type}",
                f"Machine Name: {state.name}",
                f"Firmware: v{profile.firmware_version}",
                f"Serial Number: {core.serial}",
                f"X: {x} Y: {y} Z: {z}",
                f"Tool Count: {profile.nozzle_count}",
                f"Mac Address:{core.mac_addr}",
            ],
            header=False,
        )
    return frame(
        "M115",
        [
            f"Machine Type: {profile.machine_type}",
            f"Machine Name: {state.name}",
            f"Firmware: v{profile.firmware_version}",
            f"SN: {core.serial}",
            f"X: {x} Y: {y} Z: {z}",
            f"Tool Count: {profile.nozzle_count}",
            f"Mac Address:{core.mac_addr}",
        ],
    )


def _current_file(state: PrinterState) -> str:
    if state.job is not None:
        return state.job.file_name
    return state.selected_file or ""


def _move_mode(state: PrinterState) -> str:
    if state.status in (Status.HEATING, Status.PRINTING, Status.PAUSING):
        return "MOVING"
    if state.status == Status.PAUSED:
        return "PAUSED"
    return "READY"


def status(core: PrinterCore) -> bytes:
    """Return the `M119` reply: endstops, machine state, light, current file."""
    state = core.tick()
    if dialect(core) == TcpDialect.ADVENTURER_3:
        moving = _move_mode(state) == "MOVING"
        return frame(
            "M119",
            [
                "echo: Endstop: X-max: 0 Y-max: 0 Z-min: 0",
                f"MachineStatus: {_A3_STATUS[state.status]}",
                f"MoveMode: {'1.0' if moving else '0.0'}",
                "FilamentStatus: ok",
                f"LEDStatus: {'on' if state.light_on else 'off'}",
                f"PrintFileName: {_current_file(state)}",
            ],
            header=False,
        )
    job_flag = int(state.job is not None)
    return frame(
        "M119",
        [
            "Endstop: X-max: 110 Y-max: 110 Z-min: 0",
            f"MachineStatus: {_LEGACY_STATUS[state.status]}",
            f"MoveMode: {_move_mode(state)}",
            f"Status: S:1 L:0 J:{job_flag} F:0",
            f"LED: {int(state.light_on)}",
            f"CurrentFile: {_current_file(state)}",
        ],
    )


def temperatures(core: PrinterCore) -> bytes:
    """Return the `M105` reply: every nozzle, then the bed."""
    state = core.tick()
    nozzles = state.heaters.nozzles
    bed = state.heaters.bed
    kind = dialect(core)
    if kind == TcpDialect.ADVENTURER_3:
        # The A3 firmware reports the nozzle target only while printing.
        printing = state.job is not None and state.status in ACTIVE_STATUSES
        target = round(nozzles[0].target) if printing else 0
        line = f"ok T0:{round(nozzles[0].current)}/{target}"
        return frame("M105", [f"{line} B:{round(bed.current)}/{round(bed.target)}"])
    if kind == TcpDialect.ADVENTURER_4:
        tools = " ".join(
            f"T{i}:{round(h.current)} /{round(h.target)}" for i, h in enumerate(nozzles)
        )
        return frame("M105", [f"{tools} B:{round(bed.current)}/{round(bed.target)}"])
    tools = " ".join(
        f"T{i}:{h.current:.1f}/{h.target:.1f}" for i, h in enumerate(nozzles)
    )
    return frame("M105", [f"{tools} B:{bed.current:.1f}/{bed.target:.1f}"])


def progress(core: PrinterCore) -> bytes:
    """Return the `M27` reply: percent done ("byte" in the firmware's words), layers."""
    state = core.tick()
    loaded = state.job is not None
    percent = round(state.progress * 100) if loaded else 0
    if dialect(core) == TcpDialect.ADVENTURER_3:
        # The A3 reports 0/0 with no job and no layer line at all.
        return frame("M27", [f"SD printing byte {percent}/{100 if loaded else 0}"])
    layers = state.job.meta.layers if state.job is not None else 0
    return frame(
        "M27",
        [
            f"SD printing byte {percent}/100",
            f"Layer: {job.current_layer(state)}/{layers}",
        ],
    )


# M661 (5M form): magic, count, then per file a marker, length and the path.
FILE_LIST_MAGIC = bytes((0x44, 0xAA, 0xAA, 0x44))
FILE_ENTRY_MARKER = b"::" + bytes((0xA3, 0xA3))
# M662: the A3 YAML's 0x2A2A2AA2; the 5M family sends it in that byte order,
# the Adventurer 3 and 4 byte-swapped (what the A3 YAML calls big-endian).
THUMBNAIL_MAGIC = bytes((0x2A, 0x2A, 0x2A, 0xA2))
THUMBNAIL_MAGIC_SWAPPED = bytes((0xA2, 0xA2, 0x2A, 0x2A))
STORAGE_PREFIX = "/data/"
# The Adventurer 3 lists only the files it can print.
A3_LISTED_SUFFIXES = (".g", ".gx", ".gcode")


def file_list(core: PrinterCore) -> bytes:
    """Return the `M661` reply: every stored file, in the model's form."""
    names = [f.name for f in core.store.recent(limit=len(core.store.files))]
    if dialect(core) == TcpDialect.ADVENTURER_3:
        names = [n for n in names if n.lower().endswith(A3_LISTED_SUFFIXES)]
        if not names:
            return b"CMD M661 Error.\r\nok\r\n"
        return frame("M661", [f"info_list.size: {len(names)}", *names])
    body = bytearray(FILE_LIST_MAGIC)
    body += len(names).to_bytes(4, "big")
    for name in names:
        path = (STORAGE_PREFIX + name).encode()
        body += FILE_ENTRY_MARKER + len(path).to_bytes(4, "big") + path
    return frame("M661", []) + bytes(body)


def thumbnail(core: PrinterCore, png: bytes | None) -> bytes:
    """Return the `M662` reply: magic, length and the PNG; an error without one."""
    if png is None:
        return frame("M662", ["Error: File not exists"])
    swapped = dialect(core) != TcpDialect.FIVE_M
    magic = THUMBNAIL_MAGIC_SWAPPED if swapped else THUMBNAIL_MAGIC
    lines = ["ack header length: 8"] if dialect(core) == TcpDialect.ADVENTURER_3 else []
    return frame("M662", lines) + magic + len(png).to_bytes(4, "big") + png


# The Adventurer 3 echoes these commands as it forwards them ("ack: M104 S200").
A3_ECHOED = frozenset({"M104", "M140", "M146"})


def acknowledge(core: PrinterCore, code: str, command: str) -> bytes:
    """Return the plain answer to a command that was carried out."""
    if dialect(core) == TcpDialect.ADVENTURER_3 and code in A3_ECHOED:
        # The A3 echoes the command it forwarded (its YAML's "ack: " replies).
        return frame(code, [f"ack: {command}"])
    return frame(code, [])


def refuse(code: str, message: str) -> bytes:
    """Return the answer to a command the printer will not carry out."""
    return frame(code, [f"Error: {message}"])
