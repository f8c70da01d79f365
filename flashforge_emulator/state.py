"""The printer's state: pure, no I/O, driven by an explicit clock.

PrinterState holds what the printer knows and is the one object the servers
and tests talk to; the rules live beside it: `heaters` (temperatures), `job`
(the print job over time), `commands` and `material` (the /control commands)
and `wire` (the JSON the firmware serves, `wire.detail(state, ...)`).
"""

from __future__ import annotations

from . import commands, job, wire
from .codes import ACTIVE_STATUSES, Outcome, Status
from .gcode import GcodeMeta
from .heaters import Heaters
from .job import Job
from .material import SlotState
from .profiles import Profile


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
        self.pausing_seconds = job.pausing_seconds(self.heating_seconds)
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
        # When a calibration under way ends (it takes heating_seconds).
        self.calibration_ends: float | None = None
        self.cumulative_filament_m = 1234.56
        self.cumulative_print_time_s = 987654
        self.coordinate = [0.0, 0.0, 0.0]
        # The legacy TCP API's view: M146 colour, the file M23 selected, G90/G91.
        self.light_color = (255, 255, 255) if self.light_on else (0, 0, 0)
        self.selected_file: str | None = None
        self.relative_moves = False

        self.heaters = Heaters(profile)
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
    def status(self, value: Status) -> None:
        # A plain string would only fail later, when /detail spells it.
        if not isinstance(value, Status):
            raise TypeError(f"status must be a Status, not {value!r}")
        self._status = value

    # ----------------------------------------------------------------- time

    @property
    def now(self) -> float:
        """Return the time of the last update."""
        return self._now

    def update(self, now: float) -> None:
        """Advance the simulation to a point in time."""
        if now > self._now:
            job.advance(self, now)
            self._now = now
        if self.calibration_ends is not None and self._now >= self.calibration_ends:
            self.calibration_ends = None
            if self.status == Status.CALIBRATE_DOING:
                self.status = Status.READY
        self.heaters.update(self._now)

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
        return self.heaters.nozzles[0].current

    @nozzle_temp.setter
    def nozzle_temp(self, value: float) -> None:
        self.heaters.nozzles[0].force(value, self._now, self.heating_seconds)

    @property
    def nozzle_target(self) -> float:
        """Return the first nozzle's target."""
        return self.heaters.nozzles[0].target

    @property
    def bed_temp(self) -> float:
        """Return the bed temperature."""
        return self.heaters.bed.current

    @bed_temp.setter
    def bed_temp(self, value: float) -> None:
        self.heaters.bed.force(value, self._now, self.heating_seconds)

    @property
    def bed_target(self) -> float:
        """Return the bed target."""
        return self.heaters.bed.target

    @property
    def chamber_temp(self) -> float:
        """Return the chamber temperature, or the no-sensor sentinel."""
        return self.heaters.chamber_reading

    @chamber_temp.setter
    def chamber_temp(self, value: float) -> None:
        self.heaters.chamber.force(value, self._now, self.heating_seconds)

    @property
    def chamber_target(self) -> float:
        """Return the chamber target."""
        return self.heaters.chamber.target

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

    def start_calibration(self) -> None:
        """Calibrate for heating_seconds, then be ready again."""
        self.status = Status.CALIBRATE_DOING
        self.calibration_ends = self._now + self.heating_seconds

    def clear_error(self) -> None:
        """Leave the error state; any interrupted job is dropped."""
        self.error_code = ""
        if self.status == Status.ERROR:
            self.status = Status.READY
            job.drop(self)

    # ---------------------------------------------------- prints, commands

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
        return job.start(
            self,
            file_name,
            meta,
            leveling=leveling,
            use_matl_station=use_matl_station,
            tool_count=tool_count,
            mappings=mappings,
        )

    def apply_command(self, cmd: object, args: object) -> Outcome:
        """Apply one /control command; return the firmware's answer."""
        return commands.apply(self, cmd, args)

    def product(self) -> dict[str, int]:
        """Return the /product "product" object."""
        return wire.product(self.profile)
