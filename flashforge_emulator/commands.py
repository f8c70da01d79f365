"""The /control commands: one handler per `cmd`, each answering an Outcome."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from . import job, material
from .codes import (
    ACTIVE_STATUSES,
    SUCCESS,
    Outcome,
    Status,
    fail,
    invalid,
    is_number,
    open_close,
)
from .profiles import FAN_SPEED_MAX, NO_CHANGE, Profile

if TYPE_CHECKING:
    from .state import PrinterState

type Handler = Callable[[PrinterState, Mapping[str, Any]], Outcome]

Z_OFFSET_LIMIT = 5.0
NAME_MAX_LENGTH = 64


def apply(state: PrinterState, cmd: object, args: object) -> Outcome:
    """Apply one /control command; return the firmware's answer."""
    if not isinstance(cmd, str):
        return invalid("payload.cmd must be a string")
    if args is None:
        args = {}
    if not isinstance(args, dict):
        return invalid("payload.args must be an object")
    handler = handlers_for(state.profile).get(cmd)
    if handler is None:
        return invalid(f"Unknown command: {cmd}")
    return handler(state, args)


def light(state: PrinterState, args: Mapping[str, Any]) -> Outcome:
    """Handle lightControl_cmd."""
    # Works even where /product says lightCtrlState 0 (aftermarket LEDs).
    flag = open_close(args.get("status"))
    if flag is None:
        return invalid('lightControl_cmd needs status "open" or "close"')
    state.light_on = flag
    return SUCCESS


def circulate(state: PrinterState, args: Mapping[str, Any]) -> Outcome:
    """Handle circulateCtl_cmd: switch the filtration fans."""
    profile = state.profile
    if not profile.has_filtration:
        return fail("This printer has no controllable filtration fans")
    internal, external = args.get("internal"), args.get("external")
    if internal is None and external is None:
        return invalid("circulateCtl_cmd needs internal and/or external")
    new_internal = state.internal_fan_on if internal is None else open_close(internal)
    new_external = state.external_fan_on if external is None else open_close(external)
    if new_internal is None or new_external is None:
        return invalid('circulateCtl_cmd values must be "open" or "close"')
    state.internal_fan_on = new_internal and profile.internal_fan_ctrl
    state.external_fan_on = new_external and profile.external_fan_ctrl
    return SUCCESS


JOB_ACTIONS: dict[str, Callable[[PrinterState], Outcome]] = {
    "pause": job.pause,
    "continue": job.resume,
    "cancel": job.cancel,
}


def job_control(state: PrinterState, args: Mapping[str, Any]) -> Outcome:
    """Handle jobCtl_cmd: pause, continue or cancel the job."""
    action = JOB_ACTIONS.get(str(args.get("action")))
    if action is None:
        return invalid('jobCtl_cmd action must be "pause", "continue" or "cancel"')
    return action(state)


def stream(state: PrinterState, args: Mapping[str, Any]) -> Outcome:
    """Handle streamCtrl_cmd: switch the camera stream."""
    if not state.profile.has_camera:
        return fail("This printer has no camera")
    flag = open_close(args.get("action"))
    if flag is None:
        return invalid('streamCtrl_cmd action must be "open" or "close"')
    state.stream_on = flag
    return SUCCESS


def state_control(state: PrinterState, args: Mapping[str, Any]) -> Outcome:
    """Handle stateCtrl_cmd: clear the platform after a job."""
    if args.get("action") != "setClearPlatform":
        return invalid('stateCtrl_cmd action must be "setClearPlatform"')
    return job.clear_platform(state)


PRINTER_FIELDS = (
    "zAxisCompensation",
    "speed",
    "chamberFan",
    "coolingFan",
    "coolingLeftFan",
)
FAN_ATTRIBUTES = (
    ("chamberFan", "chamber_fan"),
    ("coolingFan", "cooling_fan"),
    ("coolingLeftFan", "cooling_left_fan"),
)


def printer_control(state: PrinterState, args: Mapping[str, Any]) -> Outcome:
    """Handle printerCtl_cmd: speed, Z offset and fans, each optional."""
    changes: dict[str, float] = {}
    for key in PRINTER_FIELDS:
        if key not in args:
            continue  # omitted fields are left alone (partial update)
        value = args[key]
        if not is_number(value):
            return invalid(f"printerCtl_cmd {key} must be a number")
        if value == NO_CHANGE:
            continue
        changes[key] = float(value)
    if "zAxisCompensation" in changes:
        z = changes["zAxisCompensation"]
        if -Z_OFFSET_LIMIT <= z <= Z_OFFSET_LIMIT:  # outside the range: ignored
            state.z_offset = round(z, 3)
    if "speed" in changes:
        speed = round(changes["speed"])
        profile = state.profile
        state.speed = max(profile.speed_min, min(profile.speed_max, speed))
    for key, attr in FAN_ATTRIBUTES:
        if key in changes:
            value = round(changes[key])
            if value >= 0:  # other negative values mean nothing to the firmware
                setattr(state, attr, min(FAN_SPEED_MAX, value))
    return SUCCESS


def temperature(state: PrinterState, args: Mapping[str, Any]) -> Outcome:
    """Handle temperatureCtl_cmd: set heater targets, all or none."""
    plan = state.heaters.plan_targets(args)
    if isinstance(plan, Outcome):
        return plan
    for heater, target in plan:
        heater.set_target(target, state.now, state.heating_seconds)
    return SUCCESS


def delay_close(state: PrinterState, args: Mapping[str, Any]) -> Outcome:
    """Handle delayClose_cmd: automatic shutdown after a print."""
    flag = open_close(args.get("automaticShutdown"))
    if flag is None:
        return invalid('delayClose_cmd automaticShutdown must be "open" or "close"')
    minutes = args.get("shutdownAfterTime", state.auto_shutdown_minutes)
    if not is_number(minutes) or minutes < 0:
        return invalid("delayClose_cmd shutdownAfterTime must be minutes >= 0")
    state.auto_shutdown = flag
    state.auto_shutdown_minutes = int(minutes)
    return SUCCESS


def rename(state: PrinterState, args: Mapping[str, Any]) -> Outcome:
    """Handle reName_cmd."""
    name = args.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > NAME_MAX_LENGTH:
        return invalid(f"reName_cmd name must be 1 to {NAME_MAX_LENGTH} characters")
    state.name = name
    return SUCCESS


def calibration(state: PrinterState, args: Mapping[str, Any]) -> Outcome:
    """Handle calibration_cmd: run leveling detection, vibration compensation or both."""
    leveling = open_close(args.get("levelingDetection"))
    vibration = open_close(args.get("vibrationCompensation"))
    if leveling is None or vibration is None:
        return invalid('calibration_cmd values must be "open" or "close"')
    if problem := needs_idle(state, "calibrate"):
        return problem
    state.leveling_detection, state.vibration_compensation = leveling, vibration
    if leveling or vibration:
        state.start_calibration()
    return SUCCESS


def error_code(state: PrinterState, args: Mapping[str, Any]) -> Outcome:
    """Handle errorCodeCtrl_cmd: clear the current error by its code."""
    if args.get("action") != "clearErrorCode":
        return invalid('errorCodeCtrl_cmd action must be "clearErrorCode"')
    if state.status != Status.ERROR or args.get("errorCode") != state.error_code:
        return fail(f"Error code {args.get('errorCode')!r} is not the current error")
    state.clear_error()
    return SUCCESS


def needs_idle(state: PrinterState, what: str) -> Outcome | None:
    """Return the refusal of a command that needs the printer idle, or None."""
    if state.status in ACTIVE_STATUSES or state.status in (
        Status.ERROR,
        Status.CALIBRATE_DOING,
    ):
        return fail(f"Cannot {what}: printer is {state.status.value}")
    return None


def move(state: PrinterState, args: Mapping[str, Any]) -> Outcome:
    """Handle moveCtrl_cmd: move one axis by a delta."""
    axis, delta = args.get("axis"), args.get("delta")
    if axis not in ("x", "y", "z") or not is_number(delta):
        return invalid("moveCtrl_cmd needs axis x, y or z and a numeric delta")
    if problem := needs_idle(state, "move"):
        return problem
    index = "xyz".index(str(axis))
    state.coordinate[index] = round(state.coordinate[index] + float(delta), 3)
    return SUCCESS


def extrude(state: PrinterState, args: Mapping[str, Any]) -> Outcome:
    """Handle extrudeCtrl_cmd."""
    if not is_number(args.get("delta")):
        return invalid("extrudeCtrl_cmd needs a numeric delta")
    return needs_idle(state, "extrude") or SUCCESS


def homing(state: PrinterState, _args: Mapping[str, Any]) -> Outcome:
    """Handle homingCtrl_cmd."""
    if problem := needs_idle(state, "home"):
        return problem
    state.coordinate = [0.0, 0.0, 0.0]
    return SUCCESS


COMMON: dict[str, Handler] = {
    "lightControl_cmd": light,
    "circulateCtl_cmd": circulate,
    "jobCtl_cmd": job_control,
    "streamCtrl_cmd": stream,
    "stateCtrl_cmd": state_control,
    "printerCtl_cmd": printer_control,
    "temperatureCtl_cmd": temperature,
    "delayClose_cmd": delay_close,
    "reName_cmd": rename,
    "calibration_cmd": calibration,
}
MATERIAL_STATION: dict[str, Handler] = {"msConfig_cmd": material.ms_config}
# The AD5X's station: it alone clears an error over HTTP (its feeding errors).
MATERIAL_FEEDER: dict[str, Handler] = {
    "errorCodeCtrl_cmd": error_code,
    "ipdMsConfig_cmd": material.ipd_ms_config,
    "ms_cmd": material.ms,
    "ipdMs_cmd": material.ipd_ms,
}
MANUAL_MOTION: dict[str, Handler] = {
    "moveCtrl_cmd": move,
    "extrudeCtrl_cmd": extrude,
    "homingCtrl_cmd": homing,
}


def handlers_for(profile: Profile) -> dict[str, Handler]:
    """Return the commands a printer of this profile understands."""
    handlers = dict(COMMON)
    if profile.has_material_station:
        handlers |= MATERIAL_STATION
    if profile.has_material_feeder:
        handlers |= MATERIAL_FEEDER
    if profile.has_manual_motion:
        handlers |= MANUAL_MOTION
    return handlers
