"""Faults that tests switch on to make the printer misbehave."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FaultKind(StrEnum):
    """The kinds of misbehaviour the emulator can inject."""

    LATENCY = "latency"
    """Wait `delay` seconds before handling the request (then answer normally)."""
    DROP = "drop"
    """Close the connection without answering; on uploads after `after_bytes`."""
    BUSY = "busy"
    """Answer code 5 "Busy" to commands (/control, /printGcode, /uploadGcode)."""
    INVALID_JSON = "invalid_json"
    """Handle the request, then send HTTP 200 with the JSON body cut in half."""
    HTML_ERROR = "html_error"
    """Answer HTTP 500 with an HTML error page, without handling the request."""
    SILENCE = "silence"
    """TCP: read the command and never answer (the connection stays open)."""
    GARBAGE = "garbage"
    """TCP: handle the command, then answer `after_bytes` (default 512) bytes of noise."""
    CONTROL_REFUSED = "control_refused"
    """TCP: refuse `M601` as if another program held control."""


COMMAND_PATHS = frozenset({"/control", "/printGcode", "/uploadGcode"})
# TCP faults name a command as sent, "~M119"; "~" alone is every TCP command.
TCP_PREFIX = "~"
HTTP_ONLY_KINDS = frozenset(
    {FaultKind.BUSY, FaultKind.INVALID_JSON, FaultKind.HTML_ERROR}
)
TCP_ONLY_KINDS = frozenset(
    {FaultKind.SILENCE, FaultKind.GARBAGE, FaultKind.CONTROL_REFUSED}
)


@dataclass(slots=True)
class Fault:
    """One injected fault and how many more times it fires."""

    kind: FaultKind
    path: str | None = None
    count: int | None = None
    delay: float = 0.0
    after_bytes: int = 0

    def __post_init__(self) -> None:
        """Refuse a kind on a protocol it cannot happen on."""
        tcp = self.path is not None and self.path.startswith(TCP_PREFIX)
        if tcp and self.kind in HTTP_ONLY_KINDS:
            raise ValueError(f"{self.kind} is an HTTP fault, not for {self.path}")
        if not tcp and self.kind in TCP_ONLY_KINDS:
            raise ValueError(f'{self.kind} is a TCP fault: give a path such as "~M119"')

    def matches(self, path: str) -> bool:
        """Return whether the fault applies to a request path or TCP command."""
        if self.count is not None and self.count <= 0:
            return False
        tcp = path.startswith(TCP_PREFIX)
        if self.path is None:
            # No path: every HTTP path, as before the TCP API existed.
            if tcp:
                return False
        elif self.path == TCP_PREFIX:
            if not tcp:
                return False
        elif self.path != path:
            return False
        # Busy is a command answer: reads never report it.
        return self.kind != FaultKind.BUSY or path in COMMAND_PATHS


class FaultSet:
    """The active faults, consumed as they fire."""

    def __init__(self) -> None:
        """Start with no faults."""
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        """Activate a fault."""
        self._faults.append(fault)

    def clear(self) -> None:
        """Deactivate every fault."""
        self._faults.clear()

    def __bool__(self) -> bool:
        """Return whether any fault can still fire."""
        return any(f.count is None or f.count > 0 for f in self._faults)

    def take(self, path: str, kinds: frozenset[FaultKind]) -> Fault | None:
        """Fire the first matching fault of the given kinds, if any."""
        for fault in self._faults:
            if fault.kind in kinds and fault.matches(path):
                if fault.count is not None:
                    fault.count -= 1
                return fault
        return None

    def take_latency(self, path: str) -> float:
        """Fire every matching latency fault and return the total delay."""
        total = 0.0
        for fault in self._faults:
            if fault.kind == FaultKind.LATENCY and fault.matches(path):
                if fault.count is not None:
                    fault.count -= 1
                total += fault.delay
        return total


FAILURE_KINDS = frozenset(
    {FaultKind.DROP, FaultKind.BUSY, FaultKind.HTML_ERROR, FaultKind.INVALID_JSON}
)
TCP_FAILURE_KINDS = frozenset({FaultKind.DROP, FaultKind.SILENCE, FaultKind.GARBAGE})
