"""Run profiles: what a run is for, and so which tests it runs and how it grades them.

- smoke: the admin's look at a deployed bridge. Discovery, auth and every read-only check, and a
  verdict of a few lines; with writes allowed, one canary user created, deactivated,
  reactivated and deleted as Entra provisions it (fixtures/scenarios/canary.json).
- full: every applicable check (the default).
- certification: full, graded strictly (SHOULD/MAY deviations fail), every IdP dialect, the
  thorough property-test profile and the complete report, as a vendor publishes it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

# The provisioning replay a smoke run with writes allowed sends: one user's whole life, as the
# IdP most bridges are deployed for sends it.
CANARY = ("canary", "entra")
DEFAULT = "full"
# The hypothesis profile certification asks the property suites for (SCIM_HYPOTHESIS_PROFILE).
THOROUGH = "thorough"


@dataclass(frozen=True)
class Profile:
    name: str
    purpose: str
    strict: bool = False
    every_dialect: bool = False
    hypothesis: str | None = None
    report: bool = False

    @property
    def smoke(self) -> bool:
        return self.name == "smoke"

    def keeps(self, item: pytest.Item, allow_writes: bool) -> bool:
        """Whether this profile runs `item`: smoke keeps what only reads, and the canary replay
        when it may write; the others keep everything."""
        if not self.smoke:
            return True
        if item.get_closest_marker("writes") is None:
            return True
        return allow_writes and replays(item) == CANARY


PROFILES = {p.name: p for p in (
    Profile("smoke", "discovery, auth and read-only checks, a verdict of a few lines; with "
            "--allow-writes one canary user created, deactivated, reactivated and deleted as "
            "Entra does it"),
    Profile("full", "every applicable check"),
    Profile("certification", "full, strict, every dialect, the thorough property profile and "
            "the complete report", strict=True, every_dialect=True, hypothesis=THOROUGH,
            report=True),
)}


def load(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise KeyError(f"unknown profile {name!r}; profiles: {', '.join(PROFILES)}") from None


def replays(item: pytest.Item) -> tuple[str, str] | None:
    """(scenario, dialect) of a provisioning replay, else None."""
    scenario, dialect = item.get_closest_marker("scenario"), item.get_closest_marker("dialect")
    if scenario is None or dialect is None:
        return None
    return scenario.args[0], dialect.args[0]
