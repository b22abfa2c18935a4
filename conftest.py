"""Thin root conftest: registers the scimcert pytest plugin and the hypothesis profiles."""

import os

from hypothesis import settings

pytest_plugins = ["scimcert.harness.plugin"]

# `ci` is the default so every run replays the same examples (DESIGN.md: deterministic);
# pick another with HYPOTHESIS_PROFILE=dev|nightly.
settings.register_profile("ci", derandomize=True, database=None, max_examples=60, deadline=None)
settings.register_profile("dev", max_examples=20, deadline=None)
settings.register_profile("nightly", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
