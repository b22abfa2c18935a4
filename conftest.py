"""Thin root conftest: hypothesis profiles. The scimcert pytest plugin does the rest."""

import os

from hypothesis import settings

# `ci` is the default so every run replays the same examples (DESIGN.md: deterministic);
# pick another with HYPOTHESIS_PROFILE=dev|nightly.
settings.register_profile("ci", derandomize=True, database=None, max_examples=60, deadline=None)
settings.register_profile("dev", max_examples=20, deadline=None)
settings.register_profile("nightly", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
