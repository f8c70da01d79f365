"""Heater physics: temperatures ramp to their target and cool back to ambient."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .codes import Outcome, fail, invalid, is_number
from .profiles import AMBIENT_TEMP, HEATER_OFF, NO_CHANGE, Profile

# How much of the bed's warmth an unheated enclosure takes on.
CHAMBER_SHARE_OF_BED = 0.2


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
        """Set the temperature, as after an earlier job; it drifts to the goal from there."""
        self.current = value
        self._from = value
        self._start = now
        self._duration = heat_seconds * (2 if self.goal < value else 1)


class Heaters:
    """A printer's heaters: one per nozzle, the bed and the chamber."""

    def __init__(self, profile: Profile) -> None:
        """Fit the heaters a profile has, all off and at room temperature."""
        self.profile = profile
        self.nozzles = [Heater() for _ in range(profile.nozzle_count)]
        self.bed = Heater()
        self.chamber = Heater()

    def __iter__(self) -> Iterator[Heater]:
        """Iterate over every heater, nozzles first."""
        return iter((*self.nozzles, self.bed, self.chamber))

    def update(self, now: float) -> None:
        """Bring every temperature up to a point in time."""
        for heater in self:
            heater.update(now)
        if self.profile.chamber_sensor and not self.profile.chamber_ctrl:
            # An unheated enclosure follows the bed, slowly and partially.
            self.chamber.current = (
                AMBIENT_TEMP + (self.bed.current - AMBIENT_TEMP) * CHAMBER_SHARE_OF_BED
            )

    def switch_off(self, now: float, heat_seconds: float) -> None:
        """Let every heater that is on cool down from a point in time."""
        for heater in self:
            if heater.target > 0:
                heater.set_target(0, now, heat_seconds)

    @property
    def chamber_reading(self) -> float:
        """Return the chamber temperature, or the no-sensor sentinel."""
        if not self.profile.chamber_sensor:
            return self.profile.chamber_sentinel
        return self.chamber.current

    def plan_targets(
        self, args: Mapping[str, Any]
    ) -> list[tuple[Heater, float]] | Outcome:
        """Return the targets temperatureCtl_cmd arguments set, or the error."""
        if (
            args.get("chamber", NO_CHANGE) != NO_CHANGE
            and not self.profile.chamber_ctrl
        ):
            return fail("This printer has no chamber temperature control")
        plan: list[tuple[Heater, float]] = []
        for key, value, heater, maximum in self._requests(args):
            target = _target(key, value, maximum)
            if isinstance(target, Outcome):
                return target
            if target is not None:
                plan.append((heater, target))
        return plan

    def _requests(
        self, args: Mapping[str, Any]
    ) -> list[tuple[str, object, Heater, int]]:
        """Return (argument name, value, heater, highest target) for each field sent."""
        profile = self.profile
        requests: list[tuple[str, object, Heater, int]] = []
        if "platform" in args:
            requests.append(
                ("platform", args["platform"], self.bed, profile.bed_max_temp)
            )
        if "chamber" in args:
            requests.append(
                ("chamber", args["chamber"], self.chamber, profile.chamber_max_temp)
            )
        if profile.has_tool_temperatures:
            # Such firmware reads only the nozzles array, and only with every tool.
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
        return requests


def _target(key: str, value: object, maximum: int) -> float | Outcome | None:
    """Return a heater's new target, None for no change, or the error."""
    if not is_number(value):
        return invalid(f"temperatureCtl_cmd {key} must be a number")
    number = float(value)
    if number == NO_CHANGE:
        return None
    if number in (HEATER_OFF, 0):
        return 0.0
    if number < 0 or number > maximum:
        return invalid(f"temperatureCtl_cmd {key} {value} is outside 0 to {maximum}")
    return number
