"""The results of a run: each test's verdict (folded from its pytest reports, also on the xdist
controller), each requirement's grade, and the root causes that blocked other tests."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from scimcert.harness.catalogue import Catalogue, Requirement
from scimcert.harness.outcome import SEVERITY, Grade, Verdict, combine
from scimcert.idp.dialect import names

VIOLATION = "schema-violation"
# The user property naming a provisioning test's cell: "scenario<TAB>dialect".
MATRIX = "scenario-dialect"
# The requirement every server error (5xx) is filed under, whichever test met it.
SERVER_ERROR = "rfc7644/3.12/no-server-error"


@dataclass
class TestOutcome:
    """One test: the requirements it names and its verdict (None until a phase gave one)."""

    nodeid: str
    requirements: tuple[str, ...]
    verdict: Verdict | None = None
    cell: tuple[str, str] | None = None

    def grades(self, server_error: Grade = Grade.FAILED,
               soft: frozenset[str] = frozenset()) -> dict[str, Grade]:
        """What this test says about each requirement it touches.

        A failure filed under one requirement leaves the test's other requirements unproven:
        they are blocked by it. A failure filed under none counts against each, by its own
        level: a deviation for those in `soft` (SHOULD and MAY, unless the run is strict), so
        a SHOULD sharing a test with an IdP requirement is never shown failed. A server error
        also counts against `SERVER_ERROR`, graded `server_error` (from that requirement's
        level and the run's strictness).
        """
        verdict = self.verdict
        if verdict is None:
            return {}
        filed = verdict.requirement
        out: dict[str, Grade] = {}
        if verdict.own is not None:
            # The test's own checks held (or did not apply); only the server error counts.
            out = dict.fromkeys(self.requirements, verdict.own)
            out[SERVER_ERROR] = verdict.grade
        elif verdict.grade in (Grade.FAILED, Grade.DEVIATION) and filed is not None:
            out = dict.fromkeys((r for r in self.requirements if r != filed), Grade.BLOCKED)
            out[filed] = verdict.grade
        elif verdict.grade == Grade.FAILED:
            out = {r: Grade.DEVIATION if r in soft else Grade.FAILED for r in self.requirements}
        else:
            out = dict.fromkeys(self.requirements, verdict.grade)
        if verdict.server_errors and SERVER_ERROR not in out:
            out[SERVER_ERROR] = server_error
        return out

    def to_json(self, requirement: str, grade: Grade) -> dict[str, Any]:
        verdict = self.verdict or Verdict(Grade.SKIPPED, reason="not run")
        data: dict[str, Any] = {"nodeid": self.nodeid, "outcome": grade.value,
                                "reason": verdict.reason}
        if verdict.at:
            data["at"] = verdict.at
        if grade == Grade.BLOCKED:
            data["blocked_by"] = verdict.blocked_by or verdict.requirement
        if verdict.cause:
            data["cause"] = verdict.cause
        if grade in (Grade.FAILED, Grade.DEVIATION) and verdict.curl:
            data["exchange"] = verdict.exchange
            data["curl"] = verdict.curl
        if requirement == SERVER_ERROR and verdict.server_errors:
            data["reason"] = "\n".join(verdict.server_errors)
        return data


@dataclass
class RequirementOutcome:
    requirement: Requirement
    grade: Grade
    tests: list[tuple[TestOutcome, Grade]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        req = self.requirement
        return {
            "id": req.id, "kind": req.kind, "level": req.level, "area": req.area,
            "section": req.section,
            "summary": req.summary, "source": req.source, "quote": req.quote,
            "outcome": self.grade.value,
            "tests": [test.to_json(req.id, grade) for test, grade in self.tests],
        }


@dataclass
class RootCause:
    """A failed precondition: reported once, by the first test that met it; the tests it kept
    from their own checks are listed as blocked."""

    key: str
    requirement: str
    what: str
    lines: list[str]
    exchange: str | None
    curl: str | None
    reported_by: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"requirement": self.requirement, "what": self.what, "lines": self.lines,
                "exchange": self.exchange, "curl": self.curl, "reported_by": self.reported_by,
                "blocked": self.blocked}


def rank(grade: Grade) -> int:
    return SEVERITY.index(grade) if grade in SEVERITY else len(SEVERITY)


class Results:
    """Collects pytest test reports into test outcomes."""

    def __init__(self, strict: bool = False) -> None:
        self.strict = strict
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
        for name, value in properties:
            if name == VIOLATION:
                self.seen[(report.nodeid, value)] = None
        named = tuple(value for name, value in properties if name == "requirement")
        data = getattr(report, "scim", None)
        if not named and data is None:
            return
        test = self.tests.setdefault(report.nodeid, TestOutcome(report.nodeid, named))
        cell = next((value for name, value in properties if name == MATRIX), None)
        if cell is not None:
            scenario, dialect = cell.split("\t")
            test.cell = (scenario, dialect)
        if data is None:
            return
        verdict = Verdict.from_json(data)
        if test.verdict is None or rank(verdict.grade) < rank(test.verdict.grade):
            test.verdict = verdict

    def outcomes(self, catalogue: Catalogue) -> list[RequirementOutcome]:
        """Every catalogue requirement with its tests and combined grade, in catalogue order."""
        by_req: dict[str, list[tuple[TestOutcome, Grade]]] = {r.id: [] for r in catalogue}
        soft = frozenset() if self.strict else frozenset(r.id for r in catalogue if r.soft)
        server_error = Grade.DEVIATION if SERVER_ERROR in soft else Grade.FAILED
        for test in self.tests.values():
            for rid, grade in test.grades(server_error, soft).items():
                if rid in by_req:
                    by_req[rid].append((test, grade))
        return [RequirementOutcome(req, combine(g for _, g in by_req[req.id]), by_req[req.id])
                for req in catalogue]

    def root_causes(self) -> list[RootCause]:
        """Each failed precondition once, with the tests that reported and that it blocked."""
        causes: dict[str, RootCause] = {}
        verdicts = [(t.nodeid, t.verdict) for t in self.tests.values() if t.verdict is not None]
        for nodeid, verdict in verdicts:
            finding = verdict.finding
            if verdict.cause is None or finding is None:
                continue
            if verdict.cause in causes:
                causes[verdict.cause].reported_by.append(nodeid)
                continue
            causes[verdict.cause] = RootCause(
                verdict.cause, finding["requirement"], finding["what"], list(finding["lines"]),
                finding.get("exchange"), finding.get("curl"), [nodeid])
        for nodeid, verdict in verdicts:
            if verdict.grade == Grade.BLOCKED and verdict.cause in causes:
                causes[verdict.cause].blocked.append(nodeid)
        return sorted(causes.values(), key=lambda c: -len(c.blocked))

    def listing(self) -> list[dict[str, Any]]:
        """Every test with its verdict: grade, where a failure was raised (a check of its own or
        a precondition) and the requirement it is filed under."""
        out = []
        for test in self.tests.values():
            verdict = test.verdict
            entry: dict[str, Any] = {"nodeid": test.nodeid,
                                     "outcome": verdict.grade.value if verdict else "not run"}
            if verdict is not None and verdict.at:
                entry["at"] = verdict.at
            if verdict is not None and verdict.requirement:
                entry["requirement"] = verdict.requirement
            out.append(entry)
        return out

    def matrix(self) -> dict[str, Any]:
        """The compatibility matrix: each provisioning scenario in each dialect, with the test's
        outcome and, for a failure, the requirement it is filed under."""
        cells: dict[str, dict[str, dict[str, Any]]] = {}
        dialects: dict[str, None] = {}
        for test in self.tests.values():
            if test.cell is None:
                continue
            scenario, dialect = test.cell
            dialects[dialect] = None
            verdict = test.verdict
            entry: dict[str, Any] = {"outcome": verdict.grade.value if verdict else "not run",
                                     "nodeid": test.nodeid}
            if verdict is not None and verdict.requirement:
                entry["requirement"] = verdict.requirement
            cells.setdefault(scenario, {})[dialect] = entry
        order = {name: i for i, name in enumerate(names())}
        return {"dialects": sorted(dialects, key=lambda d: order.get(d, len(order))),
                "scenarios": dict(sorted(cells.items()))}

    def counts(self) -> dict[str, int]:
        """How many tests ended with each grade."""
        out: dict[str, int] = {}
        for test in self.tests.values():
            grade = test.verdict.grade.value if test.verdict else "not run"
            out[grade] = out.get(grade, 0) + 1
        return out


def blocked_by(tests: Iterable[TestOutcome]) -> dict[str, int]:
    """How many tests each requirement blocked through a typed `Blocked` (not a root cause)."""
    out: dict[str, int] = {}
    for test in tests:
        verdict = test.verdict
        if verdict and verdict.grade == Grade.BLOCKED and verdict.cause is None \
                and verdict.blocked_by:
            out[verdict.blocked_by] = out.get(verdict.blocked_by, 0) + 1
    return out
