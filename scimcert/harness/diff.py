"""What changed between two runs (two conformance.json): each requirement and each test that
regressed, was fixed, is new, or is no longer checked. A bridge's CI gates on regressions.

An outcome's weight: met and not applicable hold; blocked, deviation, then failed and error are
ever worse. A change to a heavier weight is a regression (met → blocked too: the requirement is
no longer shown to hold), a change from any weight to holding is a fix. Skipped, untested and
not run say nothing about the target, so they are neither: a requirement or test checked in only
one of the runs is new or no longer checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

WEIGHT = {"met": 0, "not applicable": 0, "blocked": 1, "deviation": 2, "failed": 3, "error": 3}
# Tests listed per kind of change; requirements are always listed in full.
SHOWN_TESTS = 20


@dataclass(frozen=True)
class Change:
    kind: str  # "requirement" or "test"
    key: str
    old: str | None
    new: str | None

    def line(self) -> str:
        if self.old is None:
            return f"{self.kind} {self.key}: {self.new}"
        if self.new is None:
            return f"{self.kind} {self.key}: was {self.old}"
        return f"{self.kind} {self.key}: {self.old} → {self.new}"


@dataclass
class Diff:
    regressed: list[Change] = field(default_factory=list)
    fixed: list[Change] = field(default_factory=list)
    new: list[Change] = field(default_factory=list)
    gone: list[Change] = field(default_factory=list)

    @property
    def regression(self) -> bool:
        return bool(self.regressed)


def outcomes(doc: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(kind, key) → outcome of every requirement and every test the run checked."""
    found = {("requirement", r["id"]): r["outcome"]
             for section in ("rfc", "idp") for r in doc[section]["requirements"]}
    found.update({("test", v["nodeid"]): v["outcome"] for v in doc["verdicts"]})
    return {key: outcome for key, outcome in found.items() if outcome in WEIGHT}


def compare(old: dict[str, Any], new: dict[str, Any]) -> Diff:
    before, after = outcomes(old), outcomes(new)
    diff = Diff()
    for key in sorted(before.keys() | after.keys()):
        was, now = before.get(key), after.get(key)
        change = Change(key[0], key[1], was, now)
        if was is None:
            diff.new.append(change)
        elif now is None:
            diff.gone.append(change)
        elif WEIGHT[now] > WEIGHT[was]:
            diff.regressed.append(change)
        elif WEIGHT[now] == 0 < WEIGHT[was]:
            diff.fixed.append(change)
    return diff


def lines(diff: Diff, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The changes as a reader scans them: regressions first, each kind with its count."""
    out = [f"old: {_run(old)}", f"new: {_run(new)}"]
    if old["run"]["strict"] != new["run"]["strict"]:
        out.append("note: one run graded strictly and the other not: SHOULD/MAY deviations "
                   "and failures are not comparable")
    for title, changes in (("regressed", diff.regressed), ("fixed", diff.fixed),
                           ("new", diff.new), ("no longer checked", diff.gone)):
        out.append(f"{title}: {len(changes)}")
        requirements = [c for c in changes if c.kind == "requirement"]
        tests = [c for c in changes if c.kind == "test"]
        out += [f"  {c.line()}" for c in requirements + tests[:SHOWN_TESTS]]
        if len(tests) > SHOWN_TESTS:
            out.append(f"  … and {len(tests) - SHOWN_TESTS} more tests")
    out.append("verdict: " + ("REGRESSED" if diff.regression else "no regression"))
    return out


def _run(doc: dict[str, Any]) -> str:
    run = doc["run"]
    return (f"{run['target']} · profile {run.get('profile', 'full')} · seed {run['seed']} · "
            f"strict {run['strict']} · {run['finished']}")
