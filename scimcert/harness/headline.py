"""The run's verdict in plain words, from the report document: a headline per section (RFC
conformance, IdP compatibility) and the problems to fix, root causes first. The HTML page, the
short markdown summary and the smoke profile's few lines all say it the same way."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

# The draft interop profile has a column of its own: unclaimed, its misses are deviations.
SECTIONS = (("rfc", "RFC conformance"), ("profile", "Interop profile (IETF draft)"),
            ("idp", "IdP compatibility"))
# Outcomes a reader must act on; a deviation (SHOULD/MAY) is reported, not a problem.
NOT_MET = ("failed", "error", "blocked")
UNCOUNTED = ("not applicable", "skipped", "untested")
# A requirement's label (Requirement.label) as a failure reason starts with it.
LABEL = re.compile(r"^[a-z0-9]+/\S+ \([A-Za-z0-9-]+\): ")
# Failure.lines() aligns expected and actual; shown on one line they need one space.
SEEN = re.compile(r"^(expected|actual):\s+")


@dataclass(frozen=True)
class Section:
    """One section's verdict: `bad` requirements not met of `tested`, and the deviations."""

    title: str
    tested: int
    bad: int
    deviations: int
    counts: dict[str, int]

    @property
    def tone(self) -> str:
        return "bad" if self.bad else "soft" if self.deviations else "ok"

    def headline(self) -> str:
        if not self.tested:
            return "nothing checked"
        if self.bad:
            return f"{self.bad} of {self.tested} not met"
        soft = f", {self.deviations} deviations" if self.deviations else ""
        return f"all {self.tested} met{soft}"


@dataclass(frozen=True)
class Problem:
    """What a reader fixes: a root cause (a failed precondition, with the tests it blocked) or a
    requirement not met, with the first failing test's evidence."""

    requirement: str
    what: str
    evidence: tuple[str, ...]
    curl: str | None
    blocks: int = 0


def section(doc: dict[str, Any], key: str) -> Section:
    return verdict(dict(SECTIONS)[key], _requirements(doc, key))


def verdict(title: str, requirements: list[dict[str, Any]]) -> Section:
    """The verdict on some requirements of a report (a section, or one IdP's group)."""
    counts = Counter(r["outcome"] for r in requirements)
    tested = sum(n for outcome, n in counts.items() if outcome not in UNCOUNTED)
    bad = sum(counts[o] for o in NOT_MET)
    return Section(title, tested, bad, counts["deviation"], dict(counts))


def sections(doc: dict[str, Any]) -> list[Section]:
    """RFC conformance always; the profile and the IdPs where the run checked something."""
    found = [(key, section(doc, key)) for key, _ in SECTIONS]
    return [s for key, s in found if key == "rfc" or s.tested]


def passed(doc: dict[str, Any]) -> bool:
    return not any(s.bad for s in sections(doc))


def problems(doc: dict[str, Any]) -> list[Problem]:
    """Root causes first (most blocking first), then each requirement failed or in error that no
    root cause explains. A requirement only blocked is explained by its root cause."""
    found = [Problem(c["requirement"], c["what"], _evidence("\n".join(c["lines"][1:])),
                     c.get("curl"), len(c["blocked"])) for c in doc.get("root_causes") or []]
    explained = {p.requirement for p in found}
    for key, _ in SECTIONS:
        for req in _requirements(doc, key):
            if req["outcome"] not in ("failed", "error") or req["id"] in explained:
                continue
            test = next((t for t in req["tests"] if t["outcome"] == req["outcome"]), None)
            evidence = _evidence(test["reason"]) if test else ()
            found.append(Problem(req["id"], req["summary"], evidence,
                                 test.get("curl") if test else None))
    return found


def _requirements(doc: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """A section's requirements; a report written before the section existed has none."""
    return (doc.get(key) or {}).get("requirements", [])


def _evidence(reason: str) -> tuple[str, ...]:
    """The lines of a failure reason that say what was seen: the statement and expected vs
    actual, not the requirement labels it starts with."""
    lines = [SEEN.sub(r"\1: ", line.strip()) for line in reason.splitlines()
             if not LABEL.match(line)]
    shown = [line for line in lines if SEEN.match(line)]
    statement = next((line for line in lines if line and line not in shown), None)
    return tuple(([statement] if statement else []) + shown)


def deviations(doc: dict[str, Any]) -> int:
    return sum(s.deviations for s in sections(doc))


def lines(doc: dict[str, Any], *, limit: int = 3, report: str | None = None) -> list[str]:
    """A few plain lines: pass or fail, each section's headline, the first problems with their
    evidence and reproducer, where the full report is."""
    run = doc["run"]
    found = problems(doc)
    heads = "; ".join(f"{s.title}: {s.headline()}" for s in sections(doc))
    if found:
        out = [f"FAIL: {run['target']} — {len(found)} problem{'s' if len(found) != 1 else ''} "
               f"to fix ({heads})"]
    else:
        out = [f"PASS: {run['target']} — {heads}"]
    for number, problem in enumerate(found[:limit], 1):
        blocks = f" (blocks {problem.blocks} test{'s' if problem.blocks != 1 else ''})" \
            if problem.blocks else ""
        out.append(f"{number}. {problem.requirement}: {problem.what}{blocks}")
        out += [f"   {line}" for line in problem.evidence]
        if problem.curl:
            out.append(f"   reproduce: {problem.curl}")
    if len(found) > limit:
        out.append(f"… and {len(found) - limit} more")
    # The headlines count every section's deviations; this line explains the RFC's only (an
    # unclaimed interop profile's misses are deviations whatever --strict says).
    soft = section(doc, "rfc").deviations
    if soft:
        out.append(f"{soft} SHOULD/MAY recommendation{'s' if soft != 1 else ''} not followed "
                   "(deviations: reported, not failures unless --strict)")
    if report:
        out.append(f"full report: {report}")
    return out
