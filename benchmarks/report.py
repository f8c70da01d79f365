"""Figures, the machine they ran on, and the Markdown report."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
import os
from pathlib import Path
import platform
import sys

import aiohttp
from homeassistant import const as ha_const
import psutil  # type: ignore[import-untyped]

from .measure import MB


@dataclass(frozen=True, slots=True)
class Figure:
    """One measured value, with its target when the issue sets one."""

    name: str
    value: str
    target: str = ""
    met: bool | None = None

    @property
    def verdict(self) -> str:
        """Return met / MISSED / an empty string when there is no target."""
        if self.met is None:
            return ""
        return "met" if self.met else "**MISSED**"


@dataclass(slots=True)
class Section:
    """The figures of one benchmark and how they are measured."""

    title: str
    how: str
    figures: list[Figure] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, figure: Figure) -> None:
        """Append a figure."""
        self.figures.append(figure)


def cpu_model() -> str:
    """Return the CPU model name from /proc/cpuinfo."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> list[tuple[str, str]]:
    """Describe the machine and software the figures come from."""
    return [
        ("Date", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("CPU", cpu_model()),
        ("Cores", str(os.cpu_count())),
        ("Memory", f"{psutil.virtual_memory().total / MB / 1024:.0f} GiB"),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", sys.version.split()[0]),
        ("Home Assistant", ha_const.__version__),
        ("aiohttp", aiohttp.__version__),
    ]


def render_text(sections: list[Section]) -> str:
    """Return the figures as plain text for the terminal."""
    lines: list[str] = []
    for section in sections:
        lines.append(f"\n== {section.title} ({section.seconds:.1f} s)")
        for figure in section.figures:
            target = (
                f"  [target {figure.target}: {figure.verdict}]" if figure.target else ""
            )
            lines.append(f"  {figure.name}: {figure.value}{target}")
    return "\n".join(lines) + "\n"


def render_markdown(sections: list[Section], command: str, notes: str) -> str:
    """Return the report for docs/benchmarks.md."""
    lines = [
        "# Benchmarks",
        "",
        f"Figures of the last full run (`{command}`), against the emulator",
        "on loopback. Absolute times depend on the machine; ratios are measured",
        "against a baseline in the same run. Regenerate this page with",
        "`scripts/bench`; `scripts/bench --quick` runs a reduced version (CI",
        "runs it so the code keeps working, without checking any timing).",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in machine()),
        "",
    ]
    for section in sections:
        lines += [
            f"## {section.title}",
            "",
            section.how,
            "",
            "| Figure | Value | Target | |",
            "|---|---|---|---|",
            *(
                f"| {figure.name} | {figure.value} | {figure.target} | {figure.verdict} |"
                for figure in section.figures
            ),
            "",
        ]
    if notes:
        lines += ["## Notes", "", notes.strip(), ""]
    return "\n".join(lines)
