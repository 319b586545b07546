"""Every test run is the same run: hypothesis (and schemathesis, built on it) draws its examples
from a fixed seed and keeps no database of past failures between runs. HYPOTHESIS_PROFILE=explore
draws new examples each run, many more of them: to hunt for bugs, not for CI."""

import os

from hypothesis import settings

settings.register_profile("lernmi", derandomize=True, database=None, deadline=None)
settings.register_profile("explore", max_examples=3000, database=None, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "lernmi"))
