"""What the HTTP, camera and discovery servers share about one printer."""

from __future__ import annotations

from collections import Counter
import hashlib
from typing import Any, NamedTuple

from .clock import Clock
from .faults import FaultSet
from .profiles import Profile
from .state import PrinterState
from .storage import FileStore
from .wire import detail


class ReceivedCommand(NamedTuple):
    """A /control command as received: a (cmd, args) tuple with names."""

    cmd: str
    args: dict[str, Any]


class PrinterCore:
    """One printer: its state, files, credentials, faults and counters."""

    def __init__(
        self,
        *,
        profile: Profile,
        serial: str,
        check_code: str,
        host: str,
        name: str | None,
        heating_seconds: float,
        print_seconds: float,
        command_seconds: float,
        store: FileStore,
        clock: Clock,
    ) -> None:
        """Assemble a powered-on printer."""
        self.profile = profile
        self.serial = serial
        self.check_code = check_code
        self.host = host
        self.port = 0
        self.camera_port: int | None = None
        self.command_seconds = command_seconds
        self.store = store
        self.clock = clock
        self.faults = FaultSet()
        self.state = PrinterState(
            profile,
            name=name,
            heating_seconds=heating_seconds,
            print_seconds=print_seconds,
            now=clock.now(),
        )
        self.commands: list[ReceivedCommand] = []
        # The legacy TCP API: command lines as received, the connection in control.
        self.tcp_port: int | None = None
        self.tcp_commands: list[str] = []
        self.tcp_holder: int | None = None
        self.request_counts: Counter[str] = Counter()
        self.max_concurrent_commands = 0
        self._commands_in_flight = 0
        self._executing = False
        digest = hashlib.sha256(serial.encode()).digest()
        # Locally administered unicast MAC, stable per serial.
        self.mac_addr = ":".join(f"{b:02X}" for b in (0x02, *digest[:5]))
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        self.register_codes = (
            "".join(alphabet[b % len(alphabet)] for b in digest[8:16]),
            "".join(alphabet[b % len(alphabet)] for b in digest[16:24]),
        )

    def tick(self) -> PrinterState:
        """Bring the simulation up to the clock and return the state."""
        self.state.update(self.clock.now())
        return self.state

    def authorized(self, serial: object, check_code: object) -> bool:
        """Return whether the credentials match the printer's."""
        return serial == self.serial and check_code == self.check_code

    @property
    def camera_stream_url(self) -> str:
        """Return the MJPEG URL while the stream is on, else ""."""
        if self.camera_port is None or not self.state.stream_on:
            return ""
        return f"http://{self.host}:{self.camera_port}/?action=stream"

    @property
    def thumb_url(self) -> str:
        """Return the current job thumbnail URL."""
        return f"http://{self.host}:{self.port}/getThum"

    def detail(self) -> dict[str, Any]:
        """Return the /detail "detail" object as served right now."""
        return detail(
            self.tick(),
            ip_addr=self.host,
            mac_addr=self.mac_addr,
            camera_stream_url=self.camera_stream_url,
            thumb_url=self.thumb_url,
            remaining_disk_mb=max(0.0, self.profile.disk_total_mb - self.store.used_mb),
            register_codes=self.register_codes,
        )

    @property
    def executing(self) -> bool:
        """Return whether a command is being carried out."""
        return self._executing

    def begin_command(self) -> bool:
        """Count a command request in; return whether it may execute (not Busy)."""
        self._commands_in_flight += 1
        self.max_concurrent_commands = max(
            self.max_concurrent_commands, self._commands_in_flight
        )
        if self._executing:
            return False
        self._executing = True
        return True

    def end_command(self, *, executed: bool) -> None:
        """Count a command request out."""
        self._commands_in_flight -= 1
        if executed:
            self._executing = False
