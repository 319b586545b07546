"""Every test run is the same run: hypothesis (and schemathesis, built on it) draws its examples
from a fixed seed and keeps no database of past failures between runs. HYPOTHESIS_PROFILE=explore
draws new examples each run, many more of them: to hunt for bugs, not for CI. Neither asks
anything of the machine's speed."""

import os

from hypothesis import HealthCheck, settings

# Nothing a machine's speed decides: no deadline per example, no health check on slow drawing.
settings.register_profile(
    "lernmi",
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "explore",
    max_examples=3000,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "lernmi"))
