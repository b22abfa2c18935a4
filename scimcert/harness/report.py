"""The per-requirement conformance report: aggregated from test reports, written as JSON,
markdown and a self-contained HTML page. RFC conformance and IdP compatibility are kept apart."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scimcert.harness.bodies import Finding
from scimcert.harness.catalogue import Catalogue, Requirement
from scimcert.harness.grading import SEVERITY, Grade, combine, outcome_grade
from scimcert.harness.page import SECTIONS, page

CHECK_FAILURE = "scimcert.harness.checks.CheckFailure"
VIOLATION = "schema-violation"


@dataclass
class TestOutcome:
    nodeid: str
    requirements: tuple[str, ...]
    grade: Grade | None = None
    reason: str = ""


@dataclass
class RequirementOutcome:
    requirement: Requirement
    grade: Grade
    tests: list[TestOutcome] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        req = self.requirement
        return {
            "id": req.id, "level": req.level, "area": req.area, "section": req.section,
            "summary": req.summary, "source": req.source, "outcome": self.grade.value,
            "tests": [{"nodeid": t.nodeid, "outcome": t.grade.value if t.grade else "not run",
                       "reason": t.reason} for t in self.tests],
        }


def requirement_ids(user_properties: Any) -> tuple[str, ...]:
    return tuple(value for name, value in user_properties if name == "requirement")


def violation_texts(user_properties: Any) -> tuple[str, ...]:
    return tuple(value for name, value in user_properties if name == VIOLATION)


def failure_reason(report: Any) -> str:
    """The first lines of a failure's message: the check's expected vs actual (CheckFailure
    messages are already redacted), without the exchange and curl that follow."""
    crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
    message = str(getattr(crash, "message", "") or "").removeprefix(f"{CHECK_FAILURE}: ")
    lines = [line for line in message.splitlines() if line.strip()]
    if "exchange:" in lines:
        lines = lines[:lines.index("exchange:")]
    return "\n".join(lines[:8])[:800]


def skip_reason(longrepr: Any) -> str | None:
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return None


class Results:
    """Collects pytest test reports (also on the xdist controller) into test outcomes."""

    def __init__(self) -> None:
        self.tests: dict[str, TestOutcome] = {}
        self.seen: dict[tuple[str, str], None] = {}

    @property
    def violations(self) -> list[tuple[str, str]]:
        """(nodeid, violation text) of every body a test received that broke its schema."""
        return list(self.seen)

    def add(self, report: Any) -> None:
        """Fold one `TestReport` (setup, call or teardown) into its test's outcome."""
        properties = getattr(report, "user_properties", ())
        # Each phase's report carries the test's properties so far: keep each violation once.
        for text in violation_texts(properties):
            self.seen[(report.nodeid, text)] = None
        ids = requirement_ids(properties)
        if not ids:
            return
        test = self.tests.setdefault(report.nodeid, TestOutcome(report.nodeid, ids))
        if report.when != "call" and report.outcome == "passed":
            return
        if report.when != "call" and report.outcome == "failed":
            grade, reason = Grade.ERROR, f"error in {report.when}"
        else:
            wasxfail = getattr(report, "wasxfail", None)
            reason_text = skip_reason(report.longrepr) if report.skipped else None
            grade = outcome_grade(report.outcome, wasxfail, reason_text)
            reason = wasxfail or reason_text or (failure_reason(report) if report.failed else "")
        if test.grade is None or SEVERITY.index(grade) < SEVERITY.index(test.grade):
            test.grade, test.reason = grade, reason

    def outcomes(self, catalogue: Catalogue) -> list[RequirementOutcome]:
        """Every catalogue requirement with its tests and combined grade, in catalogue order."""
        by_req: dict[str, list[TestOutcome]] = {r.id: [] for r in catalogue}
        for test in self.tests.values():
            for rid in test.requirements:
                if rid in by_req:
                    by_req[rid].append(test)
        return [RequirementOutcome(req, combine(t.grade for t in by_req[req.id] if t.grade),
                                   by_req[req.id])
                for req in catalogue]


def area_lines(outcomes: list[RequirementOutcome]) -> list[str]:
    """One terminal line per area this run tested: MUST met/failed, SHOULD deviations …"""
    lines = []
    tested = (o.requirement.area for o in outcomes if o.grade != Grade.UNTESTED)
    for area in dict.fromkeys(tested):
        counts = Counter(_bucket(o) for o in outcomes if o.requirement.area == area)
        parts = [f"{counts[key]} {key}" for key in BUCKETS if counts[key]]
        lines.append(f"{area}: " + ", ".join(parts))
    return lines


BUCKETS = ("MUST met", "MUST failed", "SHOULD/MAY met", "SHOULD/MAY failed", "deviations",
           "IdP met", "IdP failed", "not applicable", "errors", "skipped", "untested")


def _bucket(outcome: RequirementOutcome) -> str:
    level = outcome.requirement.level
    kind = "MUST" if level == "MUST" else "SHOULD/MAY" if outcome.requirement.is_rfc else "IdP"
    return {
        Grade.MET: f"{kind} met",
        Grade.FAILED: f"{kind} failed",
        Grade.DEVIATION: "deviations",
        Grade.NOT_APPLICABLE: "not applicable",
        Grade.ERROR: "errors",
        Grade.SKIPPED: "skipped",
        Grade.UNTESTED: "untested",
    }[outcome.grade]


def document(outcomes: list[RequirementOutcome], meta: dict[str, Any],
             violations: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
    """The JSON report: run metadata, totals per grade, the two sections, and the bodies
    received that broke their schema (not graded: the representation suite grades them)."""
    sections = {}
    for key, _ in SECTIONS:
        chosen = [o for o in outcomes if o.requirement.is_rfc == (key == "rfc")]
        sections[key] = {
            "totals": dict(Counter(o.grade.value for o in chosen)),
            "requirements": [o.to_json() for o in chosen],
        }
    found = [{"test": nodeid, "violation": text, **Finding.parse(text).to_json()}
             for nodeid, text in violations]
    return {"run": meta, "rfc": sections["rfc"], "idp": sections["idp"],
            "schema_violations": found}


def markdown(doc: dict[str, Any]) -> str:
    run = doc["run"]
    lines = ["# SCIM conformance report", "",
             f"Target: {run['target']} · seed {run['seed']} · strict {run['strict']} · "
             f"{run['finished']}", ""]
    for key, title in SECTIONS:
        section = doc[key]
        lines += [f"## {title}", "", _totals(section["totals"]), "",
                  "| requirement | level | section | outcome | tests |",
                  "|---|---|---|---|---|"]
        for req in section["requirements"]:
            tests = "<br>".join(f"`{t['nodeid']}` {t['outcome']}" for t in req["tests"]) or "—"
            lines.append(f"| `{req['id']}` {_md(req['summary'])} | {req['level']} | "
                         f"{_md(req['section'])} | **{req['outcome']}** | {tests} |")
        lines.append("")
    found = doc.get("schema_violations") or []
    if found:
        lines += ["## Bodies that are not valid SCIM", ""]
        lines += [f"- `{v['violation']}` ({v['test']})" for v in found]
        lines.append("")
    return "\n".join(lines)


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _totals(totals: dict[str, int]) -> str:
    return ", ".join(f"{n} {grade}" for grade, n in sorted(totals.items())) or "no requirements"


def write(folder: Path, doc: dict[str, Any], secrets: tuple[str, ...] = ()) -> list[Path]:
    """Write conformance.json, conformance.md and conformance.html into `folder`.

    Every secret is masked in every file: failure reasons quote the target's answers, and a
    target may echo what it was sent.
    """
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "conformance.json": json.dumps(doc, indent=2, ensure_ascii=False) + "\n",
        "conformance.md": markdown(doc),
        "conformance.html": page(doc),
    }
    written = []
    for name, text in files.items():
        for secret in secrets:
            text = text.replace(secret, "***")
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
