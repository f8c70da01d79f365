"""Commands that work the printer by hand: homing, moves, extrusion, calibration, errors.

Each is checked against the printer's state, read just before, and refused
before anything is sent: no manual command goes to a printer with a job
running or paused, or busy homing or calibrating.
"""

from typing import Final

from .errors import ControlProblem, FlashForgeControlError, FlashForgeNotSupportedError
from .http import FlashForgeHttpClient
from .models import PrinterDetail
from .tcp import FlashForgeTcpClient

# The AD5X (by product id) homes, moves and extrudes over HTTP (homingCtrl_cmd,
# moveCtrl_cmd, extrudeCtrl_cmd): preferred to a TCP session there. It alone
# clears an error over HTTP (errorCodeCtrl_cmd): its material station's.
_HTTP_MOTION_PIDS: Final = frozenset({38})
_CLEAR_ERROR_PIDS: Final = frozenset({38})
# A manual extrusion's speed over TCP (mm/min), as the AD5X's own: 5 mm/s.
DEFAULT_EXTRUDE_FEED_RATE: Final = 300


def can_control(detail: PrinterDetail) -> bool:
    """Return whether the printer's reported state lets it take a manual command."""
    return not (detail.status.job_loaded or detail.status.working)


def check_can_control(detail: PrinterDetail) -> None:
    """Refuse a printer whose reported state forbids a manual command."""
    if can_control(detail):
        return
    status = detail.status
    # Else homing or calibrating: another command would cut in.
    problem = (
        ControlProblem.JOB_RUNNING if status.job_loaded else ControlProblem.WORKING
    )
    raise FlashForgeControlError(problem, status=detail.raw_status or status.value)


class ManualControl:
    """The manual commands of a ``FlashForgePrinter``, which this is mixed into."""

    _http: FlashForgeHttpClient | None
    _tcp: FlashForgeTcpClient | None
    last_detail: PrinterDetail | None

    async def detail(self) -> PrinterDetail:
        """Return the printer's state (the printer's own read)."""
        raise NotImplementedError

    @property
    def can_move(self) -> bool:
        """Return whether the printer homes, moves and extrudes (over TCP, or the AD5X's HTTP)."""
        return self._tcp is not None or self._http_motion is not None

    @property
    def can_calibrate(self) -> bool:
        """Return whether the printer calibrates on command (every HTTP printer)."""
        return self._http is not None

    @property
    def can_clear_error(self) -> bool:
        """Return whether the printer clears an error on command (the AD5X)."""
        return self._pid_client(_CLEAR_ERROR_PIDS) is not None

    @property
    def _http_motion(self) -> FlashForgeHttpClient | None:
        """Return the HTTP client where it homes and moves the head (the AD5X's)."""
        return self._pid_client(_HTTP_MOTION_PIDS)

    def _pid_client(self, pids: frozenset[int]) -> FlashForgeHttpClient | None:
        """Return the HTTP client of a printer whose product id is among pids."""
        detail = self.last_detail
        if detail is None or detail.pid not in pids:
            return None
        return self._http

    async def _controllable(self, feature: str, offered: bool) -> PrinterDetail:
        """Refuse a printer without the feature, or in a state that forbids it."""
        if not offered:
            raise FlashForgeNotSupportedError(feature)
        detail = await self.detail()
        check_can_control(detail)
        return detail

    async def _motion(self, feature: str) -> FlashForgeHttpClient | FlashForgeTcpClient:
        """Return the client that moves the printer, once its state allows it."""
        await self._controllable(feature, self.can_move)
        client = self._http_motion or self._tcp
        if client is None:
            raise FlashForgeNotSupportedError(feature)
        return client

    async def home(self) -> None:
        """Home the axes: over HTTP where it offers it, else with G28."""
        await (await self._motion("home")).home()

    async def move(
        self, *, x: float = 0, y: float = 0, z: float = 0, feed_rate: int
    ) -> None:
        """Move the head by a distance along each axis (mm), at a feed rate (mm/min).

        Over the AD5X's HTTP API each axis moves at the printer's own speed.
        """
        client = await self._motion("move")
        if isinstance(client, FlashForgeTcpClient):
            await client.move(x=x, y=y, z=z, feed_rate=feed_rate)
            return
        for axis, delta in (("x", x), ("y", y), ("z", z)):
            if delta:
                await client.move_axis(axis, delta)

    async def extrude(
        self, distance: float, *, feed_rate: int = DEFAULT_EXTRUDE_FEED_RATE
    ) -> None:
        """Push filament through the nozzle by distance mm; a negative one pulls it back.

        The AD5X heats its nozzle for it and extrudes at its own speed; over
        TCP the nozzle must be hot already, at the feed rate given (mm/min).
        """
        client = await self._motion("extrude")
        if isinstance(client, FlashForgeTcpClient):
            await client.move(e=distance, feed_rate=feed_rate)
        else:
            await client.extrude(distance)

    async def calibrate(self, *, leveling: bool, vibration_compensation: bool) -> None:
        """Run the printer's calibration: bed leveling, vibration compensation, or both."""
        if not (leveling or vibration_compensation):
            raise ValueError("Choose what to calibrate")
        await self._controllable("calibration", self.can_calibrate)
        if self._http is not None:
            await self._http.calibrate(
                leveling=leveling, vibration_compensation=vibration_compensation
            )

    async def clear_error(self) -> None:
        """Clear the error the printer reports now (its material station's)."""
        detail = await self.detail()
        client = self._pid_client(_CLEAR_ERROR_PIDS)
        if client is None:
            raise FlashForgeNotSupportedError("clear_error")
        if detail.error_code is None:
            raise FlashForgeControlError(
                ControlProblem.NO_ERROR,
                status=detail.raw_status or detail.status.value,
            )
        await client.clear_error(detail.error_code)
