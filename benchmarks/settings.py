"""How much each benchmark does, in the full and the quick run."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Settings:
    """Sizes and durations of one run."""

    quick: bool
    poll_samples: int
    poll_gap: float
    command_samples: int
    change_samples: int
    upload_sizes_mb: tuple[int, ...]
    upload_rounds: int
    scale_printers: int
    scale_seconds: float
    setup_entries: int
    setup_import_rounds: int


FULL = Settings(
    quick=False,
    poll_samples=100,
    poll_gap=0.25,
    command_samples=10,
    change_samples=8,
    upload_sizes_mb=(100, 500),
    upload_rounds=2,
    scale_printers=50,
    scale_seconds=60.0,
    setup_entries=8,
    setup_import_rounds=5,
)

QUICK = Settings(
    quick=True,
    poll_samples=10,
    poll_gap=0.05,
    command_samples=2,
    change_samples=2,
    upload_sizes_mb=(10, 20),
    upload_rounds=1,
    scale_printers=5,
    scale_seconds=3.0,
    setup_entries=2,
    setup_import_rounds=1,
)
