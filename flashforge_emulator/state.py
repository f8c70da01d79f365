"""The printer's state machine: pure, no I/O, driven by an explicit clock.

Time only moves when `update(now)` is called (the server calls it on every
request, `Emulator.advance` and `Emulator.printer` call it too), so nothing
burns CPU between requests and tests can step time deterministically.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
import math
import time
from typing import Any, TypeIs

from .gcode import GcodeMeta
from .profiles import AMBIENT_TEMP, FAN_SPEED_MAX, HEATER_OFF, NO_CHANGE, Profile

# How long "pausing" lasts before "paused", as a share of the heating time
# (capped), so fast test paces stay fast and demo paces look natural.
PAUSING_SHARE = 0.25
PAUSING_MAX_SECONDS = 2.0
Z_OFFSET_LIMIT = 5.0
MAX_TOOLS = 4


class ResponseCode(IntEnum):
    """Codes of the firmware's JSON answers (http-api.md)."""

    SUCCESS = 0
    ERROR = 1
    INVALID_PARAMETER = 2
    UNAUTHORIZED = 3
    NOT_FOUND = 4
    BUSY = 5


class Status(StrEnum):
    """Machine states as /detail spells them."""

    READY = "ready"
    BUSY = "busy"
    CALIBRATE_DOING = "calibrate_doing"
    ERROR = "error"
    HEATING = "heating"
    PRINTING = "printing"
    PAUSING = "pausing"
    PAUSED = "paused"
    CANCEL = "cancel"
    COMPLETED = "completed"


ACTIVE_STATUSES = frozenset(
    {Status.HEATING, Status.PRINTING, Status.PAUSING, Status.PAUSED}
)
JOB_STATUSES = ACTIVE_STATUSES | {Status.COMPLETED, Status.CANCEL}


@dataclass(frozen=True, slots=True)
class Outcome:
    """The code and message a command answers with."""

    code: int
    message: str

    @property
    def ok(self) -> bool:
        """Return whether the command succeeded."""
        return self.code == ResponseCode.SUCCESS


SUCCESS = Outcome(ResponseCode.SUCCESS, "Success")


def _fail(message: str) -> Outcome:
    return Outcome(ResponseCode.ERROR, message)


def _invalid(message: str) -> Outcome:
    return Outcome(ResponseCode.INVALID_PARAMETER, message)


class Clock:
    """A monotonic clock that tests can move forward by hand."""

    def __init__(self, source: Callable[[], float] = time.monotonic) -> None:
        """Wrap a time source; the offset accumulates manual advances."""
        self._source = source
        self._offset = 0.0

    @classmethod
    def manual(cls, start: float = 0.0) -> Clock:
        """Return a clock that stands still until advance() is called."""
        return cls(lambda: start)

    def now(self) -> float:
        """Return the current time in seconds."""
        return self._source() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        if seconds < 0:
            raise ValueError("time only moves forward")
        self._offset += seconds


@dataclass(slots=True)
class Heater:
    """A heater whose temperature ramps linearly to its goal."""

    current: float = AMBIENT_TEMP
    target: float = 0.0
    _from: float = AMBIENT_TEMP
    _start: float = 0.0
    _duration: float = 0.0

    @property
    def goal(self) -> float:
        """Return where the temperature is heading: the target, or ambient when off."""
        return self.target if self.target > 0 else AMBIENT_TEMP

    def value_at(self, now: float) -> float:
        """Return the temperature at a time, following the current ramp."""
        if self._duration <= 0:
            return self.goal
        share = min(1.0, max(0.0, (now - self._start) / self._duration))
        return self._from + (self.goal - self._from) * share

    def update(self, now: float) -> None:
        """Recompute the current temperature."""
        self.current = self.value_at(now)

    def set_target(self, target: float, now: float, heat_seconds: float) -> None:
        """Start ramping from the current temperature towards a new target."""
        self.update(now)
        self.target = max(0.0, target)
        self._from = self.current
        self._start = now
        cooling = self.goal < self._from
        # Cooling is passive and slower than heating.
        self._duration = heat_seconds * (2 if cooling else 1)

    def force(self, value: float, now: float, heat_seconds: float) -> None:
        """Set the current temperature (tests do this); it drifts to the goal from there."""
        self.current = value
        self._from = value
        self._start = now
        self._duration = heat_seconds * (2 if self.goal < value else 1)


@dataclass(slots=True)
class SlotState:
    """One material station slot."""

    slot_id: int
    material: str
    color: str
    has_filament: bool


@dataclass(slots=True)
class Job:
    """The print job currently loaded."""

    file_name: str
    meta: GcodeMeta
    leveling: bool = False
    use_matl_station: bool = False
    mappings: list[dict[str, Any]] = field(default_factory=list)
    heating_elapsed: float = 0.0
    pausing_elapsed: float = 0.0
    resume_status: Status = Status.PRINTING
    # Seconds of printing at 100 % speed done so far; print_seconds = finished.
    effective: float = 0.0
    duration: float = 0.0


def _is_number(value: object) -> TypeIs[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _open_close(value: object) -> bool | None:
    if value == "open":
        return True
    if value == "close":
        return False
    return None


def _onoff(flag: bool) -> str:
    return "open" if flag else "close"


class PrinterState:
    """Everything the printer knows, and the rules for changing it."""

    def __init__(
        self,
        profile: Profile,
        *,
        name: str | None = None,
        heating_seconds: float = 30.0,
        print_seconds: float = 300.0,
        now: float = 0.0,
    ) -> None:
        """Power on a printer of the given profile, idle and cool."""
        self.profile = profile
        self.name = name or profile.default_name
        self.heating_seconds = max(0.0, heating_seconds)
        self.print_seconds = max(0.001, print_seconds)
        self.pausing_seconds = min(
            PAUSING_MAX_SECONDS, self.heating_seconds * PAUSING_SHARE
        )
        self._now = now

        self._status = Status.READY
        self.error_code = ""
        self.light_on = profile.has_factory_light
        self.door_open = False
        self.internal_fan_on = False
        self.external_fan_on = False
        self.auto_shutdown = False
        self.auto_shutdown_minutes = 30
        self.stream_on = profile.has_camera
        self.location = ""
        self.speed = 100
        self.z_offset = 0.0
        self.cooling_fan = 0
        self.cooling_left_fan = 0
        self.chamber_fan = 0
        self.tvoc = 0
        self.leveling_detection = True
        self.vibration_compensation = True
        self.cumulative_filament_m = 1234.56
        self.cumulative_print_time_s = 987654
        self.disk_used_mb = 0.0
        self.coordinate = [0.0, 0.0, 0.0]

        self.nozzles = [Heater() for _ in range(profile.nozzle_count)]
        self.bed = Heater()
        self.chamber = Heater()
        self.job: Job | None = None

        self.slots = [
            SlotState(i + 1, s.material, s.color, s.has_filament)
            for i, s in enumerate(profile.slots)
        ]
        self.current_slot = 0
        self.current_load_slot = 0
        self.matl_state_action = 0
        self.matl_state_step = 0
        self.indep_material = "PLA"
        self.indep_color = "#FFFFFF"
        self.indep_state_action = 0
        self.indep_state_step = 0

    @property
    def status(self) -> Status:
        """Return the machine state."""
        return self._status

    @status.setter
    def status(self, value: Status | str) -> None:
        # Tests may assign plain strings such as "error".
        self._status = Status(value)

    # ----------------------------------------------------------------- time

    @property
    def now(self) -> float:
        """Return the time of the last update."""
        return self._now

    def update(self, now: float) -> None:
        """Advance the simulation to a point in time."""
        if now > self._now:
            self._run_job(now)
            self._now = now
        for heater in self._heaters():
            heater.update(self._now)
        if self.profile.chamber_sensor and not self.profile.chamber_ctrl:
            # An unheated enclosure follows the bed, slowly and partially.
            self.chamber.current = (
                AMBIENT_TEMP + (self.bed.current - AMBIENT_TEMP) * 0.2
            )

    def _heaters(self) -> list[Heater]:
        return [*self.nozzles, self.bed, self.chamber]

    def _run_job(self, now: float) -> None:
        remaining = now - self._now
        at = self._now
        while remaining > 1e-12 and self.job is not None:
            job = self.job
            if self.status == Status.HEATING:
                step = min(remaining, self.heating_seconds - job.heating_elapsed)
                job.heating_elapsed += step
                remaining -= step
                at += step
                if job.heating_elapsed >= self.heating_seconds - 1e-9:
                    self.status = Status.PRINTING
                    continue
                break
            if self.status == Status.PRINTING:
                rate = self.speed / 100
                step = min(remaining, (self.print_seconds - job.effective) / rate)
                job.effective += step * rate
                job.duration += step
                remaining -= step
                at += step
                if job.effective >= self.print_seconds - 1e-9:
                    job.effective = self.print_seconds
                    self._finish(Status.COMPLETED, at)
                break
            if self.status == Status.PAUSING:
                step = min(remaining, self.pausing_seconds - job.pausing_elapsed)
                job.pausing_elapsed += step
                remaining -= step
                at += step
                if job.pausing_elapsed >= self.pausing_seconds - 1e-9:
                    self.status = Status.PAUSED
                    continue
                break
            break

    # ----------------------------------------------------------- derived

    @property
    def progress(self) -> float:
        """Return the job's progress from 0 to 1."""
        if self.job is None:
            return 0.0
        return min(1.0, self.job.effective / self.print_seconds)

    @property
    def nozzle_temp(self) -> float:
        """Return the first nozzle's temperature."""
        return self.nozzles[0].current

    @nozzle_temp.setter
    def nozzle_temp(self, value: float) -> None:
        self.nozzles[0].force(value, self._now, self.heating_seconds)

    @property
    def nozzle_target(self) -> float:
        """Return the first nozzle's target."""
        return self.nozzles[0].target

    @property
    def bed_temp(self) -> float:
        """Return the bed temperature."""
        return self.bed.current

    @bed_temp.setter
    def bed_temp(self, value: float) -> None:
        self.bed.force(value, self._now, self.heating_seconds)

    @property
    def bed_target(self) -> float:
        """Return the bed target."""
        return self.bed.target

    @property
    def chamber_temp(self) -> float:
        """Return the chamber temperature, or the no-sensor sentinel."""
        if not self.profile.chamber_sensor:
            return self.profile.chamber_sentinel
        return self.chamber.current

    @chamber_temp.setter
    def chamber_temp(self, value: float) -> None:
        self.chamber.force(value, self._now, self.heating_seconds)

    @property
    def chamber_target(self) -> float:
        """Return the chamber target."""
        return self.chamber.target

    @property
    def discovery_status(self) -> int:
        """Return the UDP discovery status: 0 ready, 1 busy or printing, 2 error."""
        if self.status == Status.ERROR:
            return 2
        if self.status in ACTIVE_STATUSES or self.status in (
            Status.BUSY,
            Status.CALIBRATE_DOING,
        ):
            return 1
        return 0

    # ------------------------------------------------------------ errors

    def set_error(self, code: str) -> None:
        """Put the printer in the error state with an error code such as "E0011"."""
        self.status = Status.ERROR
        self.error_code = code

    def clear_error(self) -> None:
        """Leave the error state; any interrupted job is dropped."""
        self.error_code = ""
        if self.status == Status.ERROR:
            self.status = Status.READY
            self._drop_job()

    # ------------------------------------------------------------- prints

    def validate_mappings(  # noqa: PLR0911 - one guard clause per rule reads best
        self, meta: GcodeMeta, tool_count: object, mappings: object
    ) -> Outcome | None:
        """Check AD5X material mappings against the station; None when valid."""
        if not _is_number(tool_count) or int(tool_count) != tool_count:
            return _invalid("gcodeToolCnt must be an integer")
        count = int(tool_count)
        if not 1 <= count <= MAX_TOOLS:
            return _invalid(
                f"gcodeToolCnt must be 1 to {MAX_TOOLS} with useMatlStation, got {count}"
            )
        if not isinstance(mappings, list):
            return _invalid("materialMappings must be a JSON array")
        if len(mappings) != count:
            return _invalid(
                f"materialMappings has {len(mappings)} entries but gcodeToolCnt is {count}"
            )
        if meta.tools and len(meta.tools) != count:
            return _invalid(
                f"gcodeToolCnt is {count} but the file uses {len(meta.tools)} tools"
            )
        seen: set[int] = set()
        for entry in mappings:
            if not isinstance(entry, dict):
                return _invalid("each materialMappings entry must be an object")
            tool_id, slot_id = entry.get("toolId"), entry.get("slotId")
            if not _is_number(tool_id) or not _is_number(slot_id):
                return _invalid("each mapping needs integer toolId and slotId")
            tool, slot = int(tool_id), int(slot_id)
            if not 0 <= tool < count or tool in seen:
                return _invalid(f"toolId {tool} is out of range or repeated")
            seen.add(tool)
            if not 1 <= slot <= len(self.slots):
                return _invalid(
                    f"slot {slot} does not exist (slots are 1 to {len(self.slots)})"
                )
            if not self.slots[slot - 1].has_filament:
                return _invalid(f"slot {slot} has no filament loaded")
        return None

    def start_print(
        self,
        file_name: str,
        meta: GcodeMeta,
        *,
        leveling: bool = False,
        use_matl_station: bool = False,
        tool_count: object = 0,
        mappings: object = None,
    ) -> Outcome:
        """Start printing a stored file, if the printer is ready."""
        if self.status != Status.READY:
            return _fail(
                f"Printer is {self.status.value}; a print can only start when ready"
            )
        if use_matl_station and self.profile.matl_station_flags:
            problem = self.validate_mappings(meta, tool_count, mappings)
            if problem is not None:
                return problem
        job_mappings = (
            [m for m in mappings if isinstance(m, dict)]
            if isinstance(mappings, list)
            else []
        )
        self.job = Job(
            file_name=file_name,
            meta=meta,
            leveling=leveling,
            use_matl_station=use_matl_station,
            mappings=job_mappings,
        )
        self.status = Status.HEATING
        now = self._now
        tools_used = max(1, min(len(meta.tools), len(self.nozzles)))
        for heater in self.nozzles[:tools_used]:
            heater.set_target(meta.nozzle_temp, now, self.heating_seconds)
        self.bed.set_target(meta.bed_temp, now, self.heating_seconds)
        if self.cooling_fan == 0:
            self.cooling_fan = FAN_SPEED_MAX
        if job_mappings:
            self.current_slot = int(job_mappings[0].get("slotId", 0))
        if self.heating_seconds == 0:
            self.status = Status.PRINTING
        return SUCCESS

    def _finish(self, status: Status, at: float) -> None:
        job = self.job
        assert job is not None  # noqa: S101 - only called with a job loaded
        self.status = status
        for heater in self._heaters():
            if heater.target > 0:
                heater.set_target(0, at, self.heating_seconds)
        self.cooling_fan = 0
        self.cooling_left_fan = 0
        self.current_slot = 0
        share = min(1.0, job.effective / self.print_seconds)
        self.cumulative_filament_m += job.meta.total_length_mm * share / 1000
        self.cumulative_print_time_s += round(job.duration)

    def _drop_job(self) -> None:
        self.job = None
        for heater in self._heaters():
            if heater.target > 0:
                heater.set_target(0, self._now, self.heating_seconds)

    # ------------------------------------------------------------ commands

    def apply_command(self, cmd: object, args: object) -> Outcome:
        """Apply one /control command; return the firmware's answer."""
        if not isinstance(cmd, str):
            return _invalid("payload.cmd must be a string")
        if args is None:
            args = {}
        if not isinstance(args, dict):
            return _invalid("payload.args must be an object")
        handler = self._command_handlers().get(cmd)
        if handler is None:
            return _invalid(f"Unknown command: {cmd}")
        return handler(args)

    def _command_handlers(self) -> dict[str, Callable[[Mapping[str, Any]], Outcome]]:
        handlers: dict[str, Callable[[Mapping[str, Any]], Outcome]] = {
            "lightControl_cmd": self._cmd_light,
            "circulateCtl_cmd": self._cmd_circulate,
            "jobCtl_cmd": self._cmd_job,
            "streamCtrl_cmd": self._cmd_stream,
            "stateCtrl_cmd": self._cmd_state,
            "printerCtl_cmd": self._cmd_printer,
            "temperatureCtl_cmd": self._cmd_temperature,
            "delayClose_cmd": self._cmd_delay_close,
            "reName_cmd": self._cmd_rename,
            "calibration_cmd": self._cmd_calibration,
            "errorCodeCtrl_cmd": self._cmd_error_code,
        }
        if self.profile.has_matl_station:
            handlers["msConfig_cmd"] = self._cmd_ms_config
        if self.profile.material_commands:
            handlers |= {
                "ipdMsConfig_cmd": self._cmd_ipd_ms_config,
                "ms_cmd": self._cmd_ms,
                "ipdMs_cmd": self._cmd_ipd_ms,
                "moveCtrl_cmd": self._cmd_move,
                "extrudeCtrl_cmd": self._cmd_extrude,
                "homingCtrl_cmd": self._cmd_homing,
            }
        return handlers

    def _cmd_light(self, args: Mapping[str, Any]) -> Outcome:
        # Works even where /product says lightCtrlState 0 (aftermarket LEDs).
        flag = _open_close(args.get("status"))
        if flag is None:
            return _invalid('lightControl_cmd needs status "open" or "close"')
        self.light_on = flag
        return SUCCESS

    def _cmd_circulate(self, args: Mapping[str, Any]) -> Outcome:
        if not self.profile.has_filtration:
            return _fail("This printer has no controllable filtration fans")
        internal, external = args.get("internal"), args.get("external")
        if internal is None and external is None:
            return _invalid("circulateCtl_cmd needs internal and/or external")
        new_internal = (
            self.internal_fan_on if internal is None else _open_close(internal)
        )
        new_external = (
            self.external_fan_on if external is None else _open_close(external)
        )
        if new_internal is None or new_external is None:
            return _invalid('circulateCtl_cmd values must be "open" or "close"')
        self.internal_fan_on = new_internal and self.profile.internal_fan_ctrl
        self.external_fan_on = new_external and self.profile.external_fan_ctrl
        return SUCCESS

    def _cmd_job(self, args: Mapping[str, Any]) -> Outcome:
        actions = {
            "pause": self._job_pause,
            "continue": self._job_continue,
            "cancel": self._job_cancel,
        }
        action = actions.get(str(args.get("action")))
        if action is None:
            return _invalid('jobCtl_cmd action must be "pause", "continue" or "cancel"')
        return action()

    def _job_pause(self) -> Outcome:
        if self.status not in (Status.HEATING, Status.PRINTING):
            return _fail(f"Cannot pause: printer is {self.status.value}, not printing")
        assert self.job is not None  # noqa: S101 - active statuses carry a job
        self.job.resume_status = self.status
        self.job.pausing_elapsed = 0.0
        self.status = Status.PAUSED if self.pausing_seconds == 0 else Status.PAUSING
        return SUCCESS

    def _job_continue(self) -> Outcome:
        if self.status != Status.PAUSED:
            return _fail(f"Cannot continue: printer is {self.status.value}, not paused")
        assert self.job is not None  # noqa: S101 - active statuses carry a job
        # Back to where the pause interrupted: heating, or (usually) printing.
        self.status = self.job.resume_status
        return SUCCESS

    def _job_cancel(self) -> Outcome:
        if self.status not in ACTIVE_STATUSES:
            return _fail(
                f"Cannot cancel: printer is {self.status.value}, no print in progress"
            )
        self._finish(Status.CANCEL, self._now)
        return SUCCESS

    def _cmd_stream(self, args: Mapping[str, Any]) -> Outcome:
        if not self.profile.has_camera:
            return _fail("This printer has no camera")
        flag = _open_close(args.get("action"))
        if flag is None:
            return _invalid('streamCtrl_cmd action must be "open" or "close"')
        self.stream_on = flag
        return SUCCESS

    def _cmd_state(self, args: Mapping[str, Any]) -> Outcome:
        if args.get("action") != "setClearPlatform":
            return _invalid('stateCtrl_cmd action must be "setClearPlatform"')
        if self.status in (Status.COMPLETED, Status.CANCEL):
            self.status = Status.READY
            self.job = None
            return SUCCESS
        if self.status == Status.READY:
            return SUCCESS
        if self.status == Status.ERROR:
            return _fail(
                f"Cannot clear platform: printer is in error {self.error_code}"
            )
        return _fail(f"Cannot clear platform: printer is {self.status.value}")

    def _cmd_printer(self, args: Mapping[str, Any]) -> Outcome:
        changes: dict[str, float] = {}
        for key in (
            "zAxisCompensation",
            "speed",
            "chamberFan",
            "coolingFan",
            "coolingLeftFan",
        ):
            if key not in args:
                continue  # omitted fields are left alone (partial update)
            value = args[key]
            if not _is_number(value):
                return _invalid(f"printerCtl_cmd {key} must be a number")
            if value == NO_CHANGE:
                continue
            changes[key] = float(value)
        if "zAxisCompensation" in changes:
            z = changes["zAxisCompensation"]
            if -Z_OFFSET_LIMIT <= z <= Z_OFFSET_LIMIT:  # outside the range: ignored
                self.z_offset = round(z, 3)
        if "speed" in changes:
            speed = round(changes["speed"])
            self.speed = max(self.profile.speed_min, min(self.profile.speed_max, speed))
        for key, attr in (
            ("chamberFan", "chamber_fan"),
            ("coolingFan", "cooling_fan"),
            ("coolingLeftFan", "cooling_left_fan"),
        ):
            if key in changes:
                value = round(changes[key])
                if value >= 0:  # other negative values mean nothing to the firmware
                    setattr(self, attr, min(FAN_SPEED_MAX, value))
        return SUCCESS

    def _check_temp(
        self, key: str, value: object, maximum: int
    ) -> tuple[float | None, Outcome | None]:
        """Return (new target or None for no change, error)."""
        if not _is_number(value):
            return None, _invalid(f"temperatureCtl_cmd {key} must be a number")
        number = float(value)
        if number == NO_CHANGE:
            return None, None
        if number in (HEATER_OFF, 0):
            return 0.0, None
        if number < 0 or number > maximum:
            return None, _invalid(
                f"temperatureCtl_cmd {key} {value} is outside 0 to {maximum}"
            )
        return number, None

    def _cmd_temperature(self, args: Mapping[str, Any]) -> Outcome:
        profile = self.profile
        if args.get("chamber", NO_CHANGE) != NO_CHANGE and not profile.chamber_ctrl:
            return _fail("This printer has no chamber temperature control")
        # (argument name, value, heater, highest allowed target)
        requests: list[tuple[str, object, Heater, int]] = []
        if "platform" in args:
            requests.append(
                ("platform", args["platform"], self.bed, profile.bed_max_temp)
            )
        if "chamber" in args:
            requests.append(
                ("chamber", args["chamber"], self.chamber, profile.chamber_max_temp)
            )
        if profile.creator5_extras:
            # The Creator 5 reads only the nozzles array, and only with 4 entries.
            nozzles = args.get("nozzles")
            if isinstance(nozzles, list) and len(nozzles) == len(self.nozzles):
                requests.extend(
                    (f"nozzles[{i}]", value, heater, profile.nozzle_max_temp)
                    for i, (value, heater) in enumerate(
                        zip(nozzles, self.nozzles, strict=True)
                    )
                )
        else:
            # A single-nozzle printer ignores leftNozzle.
            for key, heater in zip(
                ("rightNozzle", "leftNozzle"), self.nozzles, strict=False
            ):
                if key in args:
                    requests.append((key, args[key], heater, profile.nozzle_max_temp))
        plan: list[tuple[Heater, float]] = []
        for key, value, heater, maximum in requests:
            target, error = self._check_temp(key, value, maximum)
            if error:
                return error
            if target is not None:
                plan.append((heater, target))
        # Validate everything first so a bad field changes nothing.
        for heater, target in plan:
            heater.set_target(target, self._now, self.heating_seconds)
        return SUCCESS

    def _cmd_delay_close(self, args: Mapping[str, Any]) -> Outcome:
        flag = _open_close(args.get("automaticShutdown"))
        if flag is None:
            return _invalid(
                'delayClose_cmd automaticShutdown must be "open" or "close"'
            )
        minutes = args.get("shutdownAfterTime", self.auto_shutdown_minutes)
        if not _is_number(minutes) or minutes < 0:
            return _invalid("delayClose_cmd shutdownAfterTime must be minutes >= 0")
        self.auto_shutdown = flag
        self.auto_shutdown_minutes = int(minutes)
        return SUCCESS

    def _cmd_rename(self, args: Mapping[str, Any]) -> Outcome:
        name = args.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 64:
            return _invalid("reName_cmd name must be 1 to 64 characters")
        self.name = name
        return SUCCESS

    def _cmd_calibration(self, args: Mapping[str, Any]) -> Outcome:
        leveling = _open_close(args.get("levelingDetection"))
        vibration = _open_close(args.get("vibrationCompensation"))
        if leveling is None or vibration is None:
            return _invalid('calibration_cmd values must be "open" or "close"')
        self.leveling_detection, self.vibration_compensation = leveling, vibration
        return SUCCESS

    def _cmd_error_code(self, args: Mapping[str, Any]) -> Outcome:
        if args.get("action") != "clearErrorCode":
            return _invalid('errorCodeCtrl_cmd action must be "clearErrorCode"')
        if self.status != Status.ERROR or args.get("errorCode") != self.error_code:
            return _fail(
                f"Error code {args.get('errorCode')!r} is not the current error"
            )
        self.clear_error()
        return SUCCESS

    def _slot_arg(self, args: Mapping[str, Any]) -> int | None:
        slot = args.get("slot")
        if not _is_number(slot) or not 0 <= slot <= len(self.slots):
            return None
        return int(slot)

    def _cmd_ms_config(self, args: Mapping[str, Any]) -> Outcome:
        slot = self._slot_arg(args)
        material, color = args.get("mt"), args.get("rgb")
        if slot is None or not isinstance(material, str) or not isinstance(color, str):
            return _invalid("msConfig_cmd needs slot 1-4, mt and rgb")
        if slot == 0:
            return SUCCESS  # the firmware ignores slot 0 here
        target = self.slots[slot - 1]
        target.material, target.color = material, color
        return SUCCESS

    def _cmd_ipd_ms_config(self, args: Mapping[str, Any]) -> Outcome:
        material, color = args.get("mt"), args.get("rgb")
        if not isinstance(material, str) or not isinstance(color, str):
            return _invalid("ipdMsConfig_cmd needs mt and rgb")
        self.indep_material, self.indep_color = material, color
        return SUCCESS

    def _cmd_ms(self, args: Mapping[str, Any]) -> Outcome:
        action, slot = args.get("action"), self._slot_arg(args)
        if action not in (0, 1, 2) or slot is None or slot == 0:
            return _invalid("ms_cmd needs action 0-2 and slot 1-4")
        if self.status in ACTIVE_STATUSES:
            return _fail(f"Cannot change filament: printer is {self.status.value}")
        if action == 0 and not self.slots[slot - 1].has_filament:
            return _fail(f"Slot {slot} has no filament")
        if action in (0, 1):
            self.current_slot = slot if action == 0 else 0
        # Loading and unloading finish at once in the emulator.
        self.current_load_slot = 0
        self.matl_state_action = 0
        self.matl_state_step = 0
        return SUCCESS

    def _cmd_ipd_ms(self, args: Mapping[str, Any]) -> Outcome:
        if args.get("action") not in (0, 1, 2):
            return _invalid("ipdMs_cmd needs action 0-2")
        if self.status in ACTIVE_STATUSES:
            return _fail(f"Cannot change filament: printer is {self.status.value}")
        return SUCCESS

    def _needs_idle(self, what: str) -> Outcome | None:
        if self.status in ACTIVE_STATUSES or self.status == Status.ERROR:
            return _fail(f"Cannot {what}: printer is {self.status.value}")
        return None

    def _cmd_move(self, args: Mapping[str, Any]) -> Outcome:
        axis, delta = args.get("axis"), args.get("delta")
        if axis not in ("x", "y", "z") or not _is_number(delta):
            return _invalid("moveCtrl_cmd needs axis x, y or z and a numeric delta")
        if problem := self._needs_idle("move"):
            return problem
        index = "xyz".index(str(axis))
        self.coordinate[index] = round(self.coordinate[index] + float(delta), 3)
        return SUCCESS

    def _cmd_extrude(self, args: Mapping[str, Any]) -> Outcome:
        if not _is_number(args.get("delta")):
            return _invalid("extrudeCtrl_cmd needs a numeric delta")
        return self._needs_idle("extrude") or SUCCESS

    def _cmd_homing(self, _args: Mapping[str, Any]) -> Outcome:
        if problem := self._needs_idle("home"):
            return problem
        self.coordinate = [0.0, 0.0, 0.0]
        return SUCCESS

    # -------------------------------------------------------------- /detail

    def product(self) -> dict[str, int]:
        """Return the /product "product" object."""
        p = self.profile
        return {
            "chamberTempCtrlState": int(p.chamber_ctrl),
            "externalFanCtrlState": int(p.external_fan_ctrl),
            "internalFanCtrlState": int(p.internal_fan_ctrl),
            "lightCtrlState": int(p.has_factory_light),
            "nozzleTempCtrlState": 1,
            "platformTempCtrlState": 1,
        }

    def matl_station_info(self) -> dict[str, Any]:
        """Return the matlStationInfo object."""
        return {
            "currentLoadSlot": self.current_load_slot,
            "currentSlot": self.current_slot,
            "slotCnt": len(self.slots),
            "slotInfos": [
                {
                    "hasFilament": s.has_filament,
                    "materialColor": s.color,
                    "materialName": s.material,
                    "slotId": s.slot_id,
                }
                for s in self.slots
            ],
            "stateAction": self.matl_state_action,
            "stateStep": self.matl_state_step,
        }

    def detail(
        self,
        *,
        ip_addr: str,
        mac_addr: str,
        camera_stream_url: str,
        thumb_url: str,
        remaining_disk_mb: float,
        register_codes: tuple[str, str],
    ) -> dict[str, Any]:
        """Return the /detail "detail" object for the current moment."""
        p = self.profile
        job = self.job
        status = self.status
        progress = self.progress
        meta = job.meta if job else None
        has_job = job is not None and status in JOB_STATUSES
        layers = meta.layers if meta else 0
        if status == Status.COMPLETED:
            layer = layers
        elif job is not None and status != Status.HEATING and job.effective > 0:
            layer = max(1, math.ceil(progress * layers))
        else:
            layer = 0
        remaining = 0.0
        if job is not None and status in ACTIVE_STATUSES:
            remaining = (self.print_seconds - job.effective) / (self.speed / 100)
            if status == Status.HEATING:
                remaining += self.heating_seconds - job.heating_elapsed
        # The slicer's estimate for the whole job, as clients read it (they
        # multiply by progress for what is used so far).
        job_len = round(meta.total_length_mm, 1) if meta else 0.0
        job_weight = round(meta.total_weight_g, 2) if meta else 0.0
        tools = meta.tools if meta else []
        right_nozzle = self.nozzles[0]
        left_nozzle = (
            self.nozzles[1] if len(self.nozzles) > 1 and not p.creator5_extras else None
        )

        detail: dict[str, Any] = {
            "autoShutdown": _onoff(self.auto_shutdown),
            "autoShutdownTime": self.auto_shutdown_minutes,
            "cameraStreamUrl": camera_stream_url,
            "chamberFanSpeed": self.chamber_fan,
            "chamberTargetTemp": round(self.chamber.target, 1)
            if p.chamber_ctrl
            else 0.0,
            "chamberTemp": round(self.chamber_temp, 1),
            "coolingFanSpeed": self.cooling_fan,
            "cumulativeFilament": round(self.cumulative_filament_m, 2),
            "cumulativePrintTime": int(self.cumulative_print_time_s),
            "currentPrintSpeed": self.speed,
            "doorStatus": _onoff(self.door_open),
            "errorCode": self.error_code,
            "estimatedLeftLen": 0.0,
            "estimatedLeftWeight": 0.0,
            "estimatedRightLen": job_len,
            "estimatedRightWeight": job_weight,
            "estimatedTime": round(remaining),
            "externalFanStatus": _onoff(self.external_fan_on),
            "fillAmount": meta.infill_percent if meta and has_job else 0,
            "firmwareVersion": p.firmware_version,
            "flashRegisterCode": register_codes[0],
            "internalFanStatus": _onoff(self.internal_fan_on),
            "ipAddr": ip_addr,
            "leftFilamentType": "",
            "leftTargetTemp": round(left_nozzle.target, 1) if left_nozzle else 0.0,
            "leftTemp": round(left_nozzle.current, 1) if left_nozzle else 0.0,
            "lightStatus": _onoff(self.light_on),
            "location": self.location,
            "macAddr": mac_addr,
            "measure": p.measure,
            "name": self.name,
            "nozzleCnt": p.nozzle_count,
            "nozzleModel": p.nozzle_model,
            "nozzleStyle": p.nozzle_style,
            "pid": p.pid_wire,
            "platTargetTemp": round(self.bed.target, 1),
            "platTemp": round(self.bed.current, 1),
            "polarRegisterCode": register_codes[1],
            "printDuration": round(job.duration) if job and has_job else 0,
            "printFileName": job.file_name if job and has_job else "",
            "printFileThumbUrl": thumb_url if has_job else "",
            "printLayer": layer if has_job else 0,
            "printProgress": round(progress, 4) if has_job else 0.0,
            "printSpeedAdjust": self.speed,
            "remainingDiskSpace": round(remaining_disk_mb, 1),
            "rightFilamentType": tools[0].material if tools and has_job else "",
            "rightTargetTemp": round(right_nozzle.target, 1),
            "rightTemp": round(right_nozzle.current, 1),
            "status": status.value,
            "targetPrintLayer": layers if has_job else 0,
            "tvoc": self.tvoc,
            "zAxisCompensation": self.z_offset,
        }
        if p.ad5x_extras:
            detail |= {
                "camera": 0,
                "clearFanStatus": "open",
                "coolingFanLeftSpeed": self.cooling_left_fan,
                "coordinate": list(self.coordinate),
                "extrudeCtrl": 1,
                "moveCtrl": 1,
            }
        if p.matl_station_flags:
            detail |= {
                "hasMatlStation": 1,
                "indepMatlInfo": {
                    "materialColor": self.indep_color,
                    "materialName": self.indep_material,
                    "stateAction": self.indep_state_action,
                    "stateStep": self.indep_state_step,
                },
            }
        if p.has_matl_station:
            detail["matlStationInfo"] = self.matl_station_info()
        if p.creator5_extras:
            detail |= {
                "camera": 1,
                "lidar": 1,
                "model": p.model_name,
                "nozzleTargetTemps": [round(n.target, 1) for n in self.nozzles],
                "nozzleTemps": [round(n.current, 1) for n in self.nozzles],
            }
        return dict(sorted(detail.items()))
