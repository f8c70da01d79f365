"""Hypothesis profiles for the fuzz targets, chosen by HYPOTHESIS_PROFILE.

``ci`` (the default) keeps the normal suite fast; ``full`` is what
``scripts/fuzz`` runs: 10,000 examples per target (FUZZ_EXAMPLES overrides). The integration-level
target sets a whole config entry up per example, so ``full`` caps it at
FUZZ_INTEGRATION_EXAMPLES (default 10,000) for machines where that is too long.
"""

import os

from hypothesis import HealthCheck, Phase, settings

_SUPPRESSED = [
    HealthCheck.function_scoped_fixture,
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.large_base_example,
]

settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    suppress_health_check=_SUPPRESSED,
    derandomize=True,
    database=None,
)
settings.register_profile(
    "full",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "10000")),
    deadline=None,
    suppress_health_check=_SUPPRESSED,
    database=None,
)

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")

FUZZ: settings = settings.get_profile(PROFILE)
"""Settings for the fast, pure targets."""

INTEGRATION: settings = settings(
    FUZZ,
    max_examples=(
        int(os.environ.get("FUZZ_INTEGRATION_EXAMPLES", "10000"))
        if PROFILE == "full"
        else 15
    ),
    # Shrinking re-runs whole setups for minutes; the first failure is shown as is.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
"""Settings for targets that set a config entry up per example."""

ACTIONS: settings = settings(
    FUZZ, max_examples=FUZZ.max_examples if PROFILE == "full" else 20
)
"""Settings for the action-input targets (one service call per example)."""
