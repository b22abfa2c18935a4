"""Hypothesis profiles of the property suites: how many examples a property tries and how many
steps a state machine takes, chosen with `--scim-hypothesis-profile` (SCIM_HYPOTHESIS_PROFILE).

Every example sends requests, so the numbers are far below hypothesis's defaults: `ci` keeps the
default run fast and tries the same inputs on every run (its seed depends on the test alone);
`dev` and `thorough` draw their seed from the run's `--scim-seed`, so another seed explores
other inputs and the same seed replays them. No profile keeps a database of past failures: a
failure is replayed by its seed, on any machine.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from hypothesis import HealthCheck, Phase, settings

DEFAULT = "ci"


@dataclass(frozen=True)
class Profile:
    """How much one property run tries: `examples` per property (scaled per property by what
    an example costs), `runs` of a state machine with up to `steps` steps each."""

    name: str
    examples: int
    runs: int
    steps: int
    derandomized: bool
    description: str

    def settings(self, scale: float = 1.0, *, stateful: bool = False) -> settings:
        """Hypothesis settings for one property: no deadline (a target answers when it does),
        no health check about slowness or rejected examples, one bug reported, no database."""
        examples = self.runs if stateful else max(2, round(self.examples * scale))
        return settings(
            max_examples=examples,
            stateful_step_count=self.steps,
            deadline=None,
            database=None,
            derandomize=False,
            print_blob=False,
            report_multiple_bugs=False,
            suppress_health_check=list(HealthCheck),
            # The explain phase replays a failure many more times to annotate it; the shrunk
            # request sequence the runner prints says more.
            phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
        )

    def seed(self, run_seed: int, key: str) -> int:
        """The hypothesis seed of the property `key`: from `key` alone under a derandomised
        profile, else from the run seed too."""
        text = key if self.derandomized else f"{run_seed}:{key}"
        return zlib.crc32(text.encode("utf-8"))


PROFILES = {
    profile.name: profile for profile in (
        Profile("ci", examples=6, runs=5, steps=10, derandomized=True,
                description="bounded and derandomised: the same inputs on every run"),
        Profile("dev", examples=40, runs=20, steps=20, derandomized=False,
                description="seeded from --scim-seed, a few minutes against a local bridge"),
        Profile("thorough", examples=150, runs=75, steps=30, derandomized=False,
                description="25 times the examples of ci, for a nightly or certification run"),
    )
}


def parse(text: str) -> str:
    """A profile name (any case); ValueError naming the profiles otherwise."""
    name = text.strip().lower()
    if name not in PROFILES:
        raise ValueError(f"no hypothesis profile {text!r}: choose one of {', '.join(PROFILES)}")
    return name
