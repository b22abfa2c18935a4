"""The environment of a pytest run the self-tests start in a subprocess."""

from __future__ import annotations

import os

# The target comes from the command line only: a SCIM_* variable of the outer run (a URL, a token,
# strictness) must not leak into a run meant for one bridge. PYTEST_ADDOPTS would change the inner
# run's options, and CI / BUILD_NUMBER make pytest print every failure message in full in the short
# summary, so what the self-tests read from the inner output would depend on where they run.
OUTER = ("PYTEST_ADDOPTS", "CI", "BUILD_NUMBER")


def environment(**extra: str) -> dict[str, str]:
    """This process's environment without the outer run's settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCIM_") and k not in OUTER}
    env.update(extra)
    return env
