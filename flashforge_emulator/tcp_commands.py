"""The legacy TCP API's commands: what each does to the printer, what it answers.

Each handler takes the printer, the command code (`M104`) and its arguments
(`S200`) and returns the reply's bytes, or None where the model sends no
reply at all (the Adventurer 3's motion commands). The session commands and
the upload (`M601`, `M602`, `M28`, `M29`) live in `tcp`, the wording in
`tcp_replies`.
"""

from __future__ import annotations

from collections.abc import Callable

from . import job, tcp_replies
from .codes import ACTIVE_STATUSES, Outcome, Status, fail
from .commands import homing, needs_idle
from .core import PrinterCore
from .profiles import FAN_SPEED_MAX, TcpDialect
from .storage import StoredFile, safe_file_name

type Handler = Callable[[PrinterCore, str, str], bytes | None]

# Path prefixes the firmware strips before looking a file up (the A3 YAML).
PATH_PREFIXES = ("0:/user/", "/data/", "data/")
RGB_MAX = 255
# M106 S is 0-255 (G-code); the state keeps percent, as /detail reports it.
FAN_PWM_MAX = 255


def words(args: str) -> dict[str, str]:
    """Split G-code arguments into {letter: value}: "X10 F3000" -> {"X": "10", "F": "3000"}."""
    return {token[0]: token[1:] for token in args.split() if token}


def number(values: dict[str, str], *letters: str) -> float | None:
    """Return the first of the letters' values that is a number, else None."""
    for letter in letters:
        try:
            return float(values[letter])
        except KeyError, ValueError:
            continue
    return None


def storage_name(path: str) -> str | None:
    """Return the stored file a command's path names (`0:/user/x`, `/data/x`, `x`)."""
    text = path.strip()
    for prefix in PATH_PREFIXES:
        text = text.removeprefix(prefix)
    return safe_file_name(text)


def find_file(core: PrinterCore, path: str) -> StoredFile | None:
    """Return the stored file a path names, or None."""
    name = storage_name(path)
    return core.store.files.get(name) if name is not None else None


def _is_a3(core: PrinterCore) -> bool:
    return core.profile.tcp_dialect == TcpDialect.ADVENTURER_3


def _answer(core: PrinterCore, code: str, args: str, outcome: Outcome) -> bytes:
    if outcome.ok:
        return tcp_replies.acknowledge(core, code, f"{code} {args}".strip())
    if _is_a3(core):
        # The A3 accepts what it cannot do and does nothing (its YAML, M24).
        return tcp_replies.frame(code, [])
    return tcp_replies.refuse(code, outcome.message)


def _motion(action: Callable[[PrinterCore, str, str], None]) -> Handler:
    """Wrap a motion command: refused while printing, silent on the Adventurer 3."""

    def handler(core: PrinterCore, code: str, args: str) -> bytes | None:
        refusal = needs_idle(core.state, f"send {code}")
        if refusal is None:
            action(core, code, args)
        if _is_a3(core):
            # Forwarded to the motion controller (or ignored while printing): no reply.
            return None
        if refusal is not None:
            return tcp_replies.refuse(code, refusal.message)
        return tcp_replies.acknowledge(core, code, f"{code} {args}".strip())

    return handler


@_motion
def home(core: PrinterCore, _code: str, _args: str) -> None:
    """Home every axis (G28)."""
    homing(core.state, {})


@_motion
def positioning(core: PrinterCore, code: str, _args: str) -> None:
    """Make later moves absolute (G90) or relative (G91)."""
    core.state.relative_moves = code == "G91"


@_motion
def move(core: PrinterCore, code: str, args: str) -> None:
    """Move (G1) or set the position (G92), within the build volume."""
    state = core.state
    values = words(args.upper())
    relative = code == "G1" and state.relative_moves
    for index, (axis, limit) in enumerate(
        zip("XYZ", core.profile.build_volume, strict=True)
    ):
        value = number(values, axis)
        if value is None:
            continue
        goal = state.coordinate[index] + value if relative else value
        state.coordinate[index] = round(min(max(goal, 0.0), float(limit)), 3)


def _heater_target(core: PrinterCore, code: str, args: str, *, bed: bool) -> bytes:
    state = core.state
    values = words(args.upper())
    target = number(values, "S")
    if target is None:
        return tcp_replies.refuse(code, f"{code} needs S<temperature>")
    if bed:
        heater, maximum = state.heaters.bed, core.profile.bed_max_temp
    else:
        tool = int(number(values, "T") or 0)
        if not 0 <= tool < len(state.heaters.nozzles):
            return tcp_replies.refuse(code, f"no tool T{tool}")
        heater, maximum = state.heaters.nozzles[tool], core.profile.nozzle_max_temp
    # The firmware caps a target at the heater's maximum rather than refusing it.
    heater.set_target(min(max(target, 0.0), maximum), state.now, state.heating_seconds)
    return tcp_replies.acknowledge(core, code, f"{code} {args}".strip())


def nozzle(core: PrinterCore, code: str, args: str) -> bytes:
    """Set a nozzle's target (M104 S<t> [T<n>])."""
    return _heater_target(core, code, args, bed=False)


def bed(core: PrinterCore, code: str, args: str) -> bytes:
    """Set the bed's target (M140 S<t>)."""
    return _heater_target(core, code, args, bed=True)


def fan(core: PrinterCore, code: str, args: str) -> bytes:
    """Switch the part fan on (M106 [S<0-255>]; the A3 on/off only) or off (M107)."""
    state = core.state
    if code == "M107":
        state.cooling_fan = 0
    else:
        speed = None if _is_a3(core) else number(words(args.upper()), "S")
        pwm = FAN_PWM_MAX if speed is None else min(max(speed, 0.0), FAN_PWM_MAX)
        state.cooling_fan = round(pwm * FAN_SPEED_MAX / FAN_PWM_MAX)
    return tcp_replies.acknowledge(core, code, f"{code} {args}".strip())


def light(core: PrinterCore, code: str, args: str) -> bytes:
    """Switch the light (M146), with its colour where the model has an RGB light."""
    state = core.state
    if _is_a3(core):
        # The A3 YAML: "0" switches off, any other parameter on.
        state.light_on = args.strip() != "0"
        return tcp_replies.acknowledge(core, code, f"{code} {args}".strip())
    values = words(args.lower())
    rgb = [number(values, letter) for letter in "rgb"]
    if all(value is None for value in rgb):
        level = number(values, "s")
        if level is None:
            return tcp_replies.refuse(code, "M146 needs r g b (0-255) or S")
        rgb = [RGB_MAX if level > 0 else 0] * 3
    red, green, blue = (round(min(max(v or 0, 0), RGB_MAX)) for v in rgb)
    state.light_on = red + green + blue > 0
    if state.light_on:
        state.light_color = (
            (red, green, blue) if core.profile.has_rgb_light else (255, 255, 255)
        )
    return tcp_replies.acknowledge(core, code, f"{code} {args}".strip())


def _clear_for_next_print(core: PrinterCore) -> None:
    """Take a finished job off a printer without the HTTP API (nothing else can)."""
    state = core.state
    if not core.profile.has_http and state.status in (Status.COMPLETED, Status.CANCEL):
        job.clear_platform(state)


def _start(core: PrinterCore, stored: StoredFile) -> Outcome:
    _clear_for_next_print(core)
    outcome = core.state.start_print(stored.name, stored.meta)
    if outcome.ok:
        core.store.touch(stored.name)
        core.state.selected_file = None
    return outcome


def select(core: PrinterCore, code: str, args: str) -> bytes:
    """Start a file (M23 on the 5M family) or select it for M24 (Adventurer 3, 4)."""
    stored = find_file(core, args)
    state = core.state
    if core.profile.m23_starts_print:
        if stored is None:
            return tcp_replies.refuse(code, "File not exists")
        return _answer(core, code, args, _start(core, stored))
    if _is_a3(core):
        # The A3 opens whatever it is given; a missing file is "Size: 0".
        state.selected_file = stored.name if stored is not None else None
        shown = stored.name if stored is not None else storage_name(args) or ""
        size = stored.size if stored is not None else 0
        opened = f"File opened: {tcp_replies.STORAGE_PREFIX}{shown} Size: {size}"
        return tcp_replies.frame(code, [opened, "Done printing file"])
    if stored is None:
        return tcp_replies.refuse(code, "File not exists")
    state.selected_file = stored.name
    opened = (
        f"File opened: {tcp_replies.STORAGE_PREFIX}{stored.name} Size: {stored.size}"
    )
    return tcp_replies.frame(code, [opened, "File selected"])


def start_or_resume(core: PrinterCore, code: str, args: str) -> bytes:
    """Resume a paused job, or start the file M23 selected (M24)."""
    state = core.state
    selected = state.selected_file
    if state.status != Status.PAUSED and selected is not None:
        stored = core.store.files.get(selected)
        outcome = (
            fail(f"File not found: {selected}")
            if stored is None
            else _start(core, stored)
        )
    else:
        outcome = job.resume(state)
    return _answer(core, code, args, outcome)


def pause(core: PrinterCore, code: str, args: str) -> bytes:
    """Pause the job (M25)."""
    return _answer(core, code, args, job.pause(core.state))


def cancel(core: PrinterCore, code: str, args: str) -> bytes:
    """Cancel the job (M26); the 5M family then waits for the plate to be cleared."""
    outcome = job.cancel(core.state)
    if outcome.ok:
        _clear_for_next_print(core)
    core.state.selected_file = None
    return _answer(core, code, args, outcome)


def emergency_stop(core: PrinterCore, code: str, args: str) -> bytes:
    """Halt (M112); the 5M family ignores it (legacy-api.md)."""
    state = core.state
    if core.profile.tcp_dialect == TcpDialect.FIVE_M:
        return tcp_replies.frame(code, [])
    if state.job is not None and state.status in ACTIVE_STATUSES:
        job.finish(state, Status.CANCEL, state.now)
        _clear_for_next_print(core)
    state.heaters.switch_off(state.now, state.heating_seconds)
    state.cooling_fan = 0
    state.selected_file = None
    if _is_a3(core):
        return tcp_replies.frame(code, ["echo: Emergency Stop!!!"])
    return tcp_replies.frame(code, [])


def file_list(core: PrinterCore, _code: str, _args: str) -> bytes:
    """List every stored file (M661)."""
    return tcp_replies.file_list(core)


def thumbnail(core: PrinterCore, _code: str, args: str) -> bytes:
    """Send a stored file's PNG thumbnail (M662 <path>)."""
    stored = find_file(core, args)
    return tcp_replies.thumbnail(core, stored.thumbnail if stored else None)


def info(core: PrinterCore, _code: str, _args: str) -> bytes:
    """Report the machine's identity (M115)."""
    return tcp_replies.info(core)


def status(core: PrinterCore, _code: str, _args: str) -> bytes:
    """Report the machine state, light and current file (M119)."""
    return tcp_replies.status(core)


def temperatures(core: PrinterCore, _code: str, _args: str) -> bytes:
    """Report temperatures and targets (M105)."""
    return tcp_replies.temperatures(core)


def progress(core: PrinterCore, _code: str, _args: str) -> bytes:
    """Report progress and layers (M27)."""
    return tcp_replies.progress(core)


HANDLERS: dict[str, Handler] = {
    "M115": info,
    "M119": status,
    "M105": temperatures,
    "M27": progress,
    "G28": home,
    "G90": positioning,
    "G91": positioning,
    "G1": move,
    "G92": move,
    "M104": nozzle,
    "M140": bed,
    "M106": fan,
    "M107": fan,
    "M146": light,
    "M23": select,
    "M24": start_or_resume,
    "M25": pause,
    "M26": cancel,
    "M112": emergency_stop,
    "M661": file_list,
    "M662": thumbnail,
}


def apply(core: PrinterCore, code: str, args: str) -> bytes | None:
    """Carry out one command; an unknown one is acknowledged and does nothing."""
    handler = HANDLERS.get(code)
    if handler is None:
        return tcp_replies.frame(code, [])
    return handler(core, code, args)
