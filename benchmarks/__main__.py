"""``scripts/bench [--quick] [--only NAME ...]``: run the benchmarks, report.

Each benchmark runs in a fresh Python process (``benchmarks.one``). The full
run prints the figures and writes ``docs/benchmarks.md``; the quick run
prints them and writes ``--output`` only when asked to.
"""

import argparse
import json
from pathlib import Path
import subprocess
import sys
import tempfile
import time

from .one import BENCHMARKS
from .report import Figure, Section, render_markdown, render_text

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"
COMPILED = ("custom_components", "flashforge_emulator", "benchmarks")
NOTES = Path(__file__).resolve().parent / "NOTES.md"
FUZZ_REPORT = REPORT.with_name("fuzz.md")


def _compile() -> None:
    """Byte-compile our code in place (``__pycache__``, ignored by git).

    Home Assistant's own modules were compiled when pip installed them, and
    an installed integration is compiled once, the first time it loads;
    compiling ours in each measurement would count what a user pays once.
    """
    subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "compileall", "-q", *COMPILED], check=True, cwd=ROOT
    )


def _run_one(name: str, quick: bool) -> Section:
    """Run one benchmark in a subprocess and read back its section."""
    with tempfile.TemporaryDirectory(prefix="flashforge-bench-") as folder:
        output = Path(folder) / f"{name}.json"
        command = [sys.executable, "-m", "benchmarks.one", name, str(output)]
        subprocess.run([*command, *(["--quick"] if quick else [])], check=True)  # noqa: S603 - our own interpreter and module
        data = json.loads(output.read_text(encoding="utf-8"))
    figures = [Figure(**figure) for figure in data.pop("figures")]
    return Section(**data, figures=figures)


def main() -> int:
    """Run the chosen benchmarks; return 0 when every one ran."""
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="reduced run (CI)")
    parser.add_argument(
        "--only", nargs="+", choices=list(BENCHMARKS), default=list(BENCHMARKS)
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help=f"write the Markdown report here (default: {REPORT} for a full run of all)",
    )
    args = parser.parse_args()
    output = args.output
    if output is None and not args.quick and args.only == list(BENCHMARKS):
        output = REPORT
    start = time.perf_counter()
    _compile()
    sections = [_run_one(name, args.quick) for name in args.only]
    sys.stdout.write(render_text(sections))
    sys.stdout.write(f"\nall benchmarks: {time.perf_counter() - start:.1f} s\n")
    if output is not None:
        # The fuzzers' last counts (scripts/fuzz) belong on the same page.
        notes = "\n".join(
            path.read_text(encoding="utf-8")
            for path in (NOTES, FUZZ_REPORT)
            if path.exists()
        )
        command = "scripts/bench" + (" --quick" if args.quick else "")
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(render_markdown(sections, command, notes), encoding="utf-8")
        sys.stdout.write(f"report written to {output}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
