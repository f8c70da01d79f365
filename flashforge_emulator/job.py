"""The print job: starting it, its phases over time, pausing and finishing.

States: ready → heating (`heating_seconds`) → printing (`print_seconds` at
100 % speed) → completed; pause → pausing → paused; continue resumes the
phase paused; cancel → cancel; clearing the platform → ready.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import math
from typing import TYPE_CHECKING, Any

from .codes import ACTIVE_STATUSES, SUCCESS, Outcome, Status, fail
from .gcode import GcodeMeta
from .material import validate_mappings
from .profiles import FAN_SPEED_MAX

if TYPE_CHECKING:
    from .state import PrinterState

# How long "pausing" lasts before "paused", as a share of the heating time
# (capped), so fast test paces stay fast and demo paces look natural.
PAUSING_SHARE = 0.25
PAUSING_MAX_SECONDS = 2.0
# A phase that ends within this of a step's end counts as ended (float error).
PHASE_SLACK = 1e-9


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


def pausing_seconds(heating_seconds: float) -> float:
    """Return how long pausing lasts for a printer that heats in heating_seconds."""
    return min(PAUSING_MAX_SECONDS, heating_seconds * PAUSING_SHARE)


def advance(state: PrinterState, now: float) -> None:
    """Run the loaded job from the state's last update to now, phase by phase."""
    remaining = now - state.now
    at = state.now
    while remaining > 1e-12 and state.job is not None:
        job = state.job
        if state.status == Status.HEATING:
            step = min(remaining, state.heating_seconds - job.heating_elapsed)
            job.heating_elapsed += step
            remaining -= step
            at += step
            if job.heating_elapsed >= state.heating_seconds - PHASE_SLACK:
                state.status = Status.PRINTING
                continue
            break
        if state.status == Status.PRINTING:
            rate = state.speed / 100
            step = min(remaining, (state.print_seconds - job.effective) / rate)
            job.effective += step * rate
            job.duration += step
            remaining -= step
            at += step
            if job.effective >= state.print_seconds - PHASE_SLACK:
                job.effective = state.print_seconds
                finish(state, Status.COMPLETED, at)
            break
        if state.status == Status.PAUSING:
            step = min(remaining, state.pausing_seconds - job.pausing_elapsed)
            job.pausing_elapsed += step
            remaining -= step
            at += step
            if job.pausing_elapsed >= state.pausing_seconds - PHASE_SLACK:
                state.status = Status.PAUSED
                continue
            break
        break


def start(
    state: PrinterState,
    file_name: str,
    meta: GcodeMeta,
    *,
    leveling: bool,
    use_matl_station: bool,
    tool_count: object,
    mappings: object,
) -> Outcome:
    """Start printing a stored file, if the printer is ready."""
    if state.status != Status.READY:
        return fail(
            f"Printer is {state.status.value}; a print can only start when ready"
        )
    if use_matl_station and state.profile.has_material_feeder:
        problem = validate_mappings(state.slots, meta, tool_count, mappings)
        if problem is not None:
            return problem
    job_mappings = (
        [m for m in mappings if isinstance(m, dict)]
        if isinstance(mappings, list)
        else []
    )
    state.job = Job(
        file_name=file_name,
        meta=meta,
        leveling=leveling,
        use_matl_station=use_matl_station,
        mappings=job_mappings,
    )
    state.status = Status.HEATING
    heaters = state.heaters
    tools_used = max(1, min(len(meta.tools), len(heaters.nozzles)))
    for heater in heaters.nozzles[:tools_used]:
        heater.set_target(meta.nozzle_temp, state.now, state.heating_seconds)
    heaters.bed.set_target(meta.bed_temp, state.now, state.heating_seconds)
    if state.cooling_fan == 0:
        state.cooling_fan = FAN_SPEED_MAX
    if job_mappings:
        state.current_slot = int(job_mappings[0].get("slotId", 0))
    if state.heating_seconds == 0:
        state.status = Status.PRINTING
    return SUCCESS


def finish(state: PrinterState, status: Status, at: float) -> None:
    """End the job (completed or cancelled) at a point in time; it stays loaded."""
    job = state.job
    assert job is not None  # noqa: S101 - only called with a job loaded
    state.status = status
    state.heaters.switch_off(at, state.heating_seconds)
    state.cooling_fan = 0
    state.cooling_left_fan = 0
    state.current_slot = 0
    share = min(1.0, job.effective / state.print_seconds)
    state.cumulative_filament_m += job.meta.total_length_mm * share / 1000
    state.cumulative_print_time_s += round(job.duration)


def drop(state: PrinterState) -> None:
    """Unload the job without counting it, as an error does."""
    state.job = None
    state.heaters.switch_off(state.now, state.heating_seconds)


def pause(state: PrinterState) -> Outcome:
    """Pause a heating or printing job."""
    if state.status not in (Status.HEATING, Status.PRINTING):
        return fail(f"Cannot pause: printer is {state.status.value}, not printing")
    assert state.job is not None  # noqa: S101 - active statuses carry a job
    state.job.resume_status = state.status
    state.job.pausing_elapsed = 0.0
    state.status = Status.PAUSED if state.pausing_seconds == 0 else Status.PAUSING
    return SUCCESS


def resume(state: PrinterState) -> Outcome:
    """Continue a paused job."""
    if state.status != Status.PAUSED:
        return fail(f"Cannot continue: printer is {state.status.value}, not paused")
    assert state.job is not None  # noqa: S101 - active statuses carry a job
    # Back to where the pause interrupted: heating, or (usually) printing.
    state.status = state.job.resume_status
    return SUCCESS


def cancel(state: PrinterState) -> Outcome:
    """Cancel the job in progress."""
    if state.status not in ACTIVE_STATUSES:
        return fail(
            f"Cannot cancel: printer is {state.status.value}, no print in progress"
        )
    finish(state, Status.CANCEL, state.now)
    return SUCCESS


def clear_platform(state: PrinterState) -> Outcome:
    """Take a finished job off the plate so the printer is ready again."""
    if state.status in (Status.COMPLETED, Status.CANCEL):
        state.status = Status.READY
        state.job = None
        return SUCCESS
    if state.status == Status.READY:
        return SUCCESS
    if state.status == Status.ERROR:
        return fail(f"Cannot clear platform: printer is in error {state.error_code}")
    return fail(f"Cannot clear platform: printer is {state.status.value}")


def remaining_seconds(state: PrinterState) -> float:
    """Return the seconds left of an active job at the current speed."""
    job = state.job
    if job is None or state.status not in ACTIVE_STATUSES:
        return 0.0
    remaining = (state.print_seconds - job.effective) / (state.speed / 100)
    if state.status == Status.HEATING:
        remaining += state.heating_seconds - job.heating_elapsed
    return remaining


def current_layer(state: PrinterState) -> int:
    """Return the layer being printed (all of them once completed)."""
    job = state.job
    layers = job.meta.layers if job else 0
    if state.status == Status.COMPLETED:
        return layers
    if job is not None and state.status != Status.HEATING and job.effective > 0:
        return max(1, math.ceil(state.progress * layers))
    return 0
