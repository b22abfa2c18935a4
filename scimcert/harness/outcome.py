"""Typed outcomes: the grade of a test and of a requirement, and the exceptions a test ends with
when it cannot give a verdict of its own (scim2-tester's Status, Autobahn's grades).

A test's `Verdict` travels with its pytest report (also from xdist workers) as a plain dict, so
nothing is ever read back out of a skip message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

import pytest


class Grade(StrEnum):
    """The verdict on a test, or on a requirement from the verdicts of its tests."""

    MET = "met"  # every applicable check held
    FAILED = "failed"  # a MUST or IdP requirement is not met (or a SHOULD/MAY under --strict)
    DEVIATION = "deviation"  # a SHOULD or MAY is not met
    BLOCKED = "blocked"  # could not be checked: a root cause found elsewhere stopped it
    NOT_APPLICABLE = "not applicable"  # the target does not have the feature or attribute
    SKIPPED = "skipped"  # not run: a read-only run, or skipped for another reason
    ERROR = "error"  # the suite or the connection broke; no verdict on the target
    UNTESTED = "untested"  # no test names it


# The grade of a requirement is the first of these its tests have.
SEVERITY = (Grade.FAILED, Grade.ERROR, Grade.DEVIATION, Grade.BLOCKED, Grade.SKIPPED, Grade.MET,
            Grade.NOT_APPLICABLE)
# Where a failure was raised: at a check of the test's own, or in a precondition it needed.
AT_CHECK = "check"
AT_PRECONDITION = "precondition"


@dataclass(frozen=True)
class Verdict:
    """One test's outcome. `requirement` is the id a failure is filed under; `blocked_by` names
    the requirement (or root-cause finding) that kept the test from its own checks."""

    grade: Grade
    reason: str = ""
    requirement: str | None = None
    at: str | None = None
    blocked_by: str | None = None
    # The root cause a precondition failure belongs to: set on the test that reported it
    # (with the `finding` itself) and on every test it blocked.
    cause: str | None = None
    finding: Mapping[str, Any] | None = None
    server_errors: tuple[str, ...] = field(default=())
    # For a test graded by the server errors it met: the grade its own checks earned.
    own: Grade | None = None
    # A failed check's evidence as a reader replays it: the exchange's title and a curl command
    # (redacted; the token stays in $SCIM_TOKEN).
    exchange: str | None = None
    curl: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["grade"] = self.grade.value
        data["own"] = self.own.value if self.own else None
        data["server_errors"] = list(self.server_errors)
        return {k: v for k, v in data.items() if v not in (None, "", [])}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Verdict:
        return cls(grade=Grade(data["grade"]), reason=data.get("reason", ""),
                   requirement=data.get("requirement"), at=data.get("at"),
                   blocked_by=data.get("blocked_by"), cause=data.get("cause"),
                   finding=data.get("finding"),
                   server_errors=tuple(data.get("server_errors", ())),
                   own=Grade(data["own"]) if data.get("own") else None,
                   exchange=data.get("exchange"), curl=data.get("curl"))


def combine(grades: Iterable[Grade]) -> Grade:
    """A requirement's grade: met only when every applicable test met it (not-applicable tests
    aside); otherwise the most severe grade among its tests."""
    present = set(grades)
    if not present:
        return Grade.UNTESTED
    return next(grade for grade in SEVERITY if grade in present)


class NotApplicable(pytest.skip.Exception):
    """The target does not have what the test checks (a feature, an attribute it does not
    declare, an answer the RFC lets it give instead)."""


class Blocked(pytest.skip.Exception):
    """The test could not reach its own checks because the target misbehaved on `by` (a
    requirement id), which is graded by its own tests."""

    def __init__(self, by: str, reason: str) -> None:
        super().__init__(reason)
        self.by = by


def not_applicable(reason: str) -> None:
    """End the test as not applicable."""
    raise NotApplicable(f"not applicable: {reason}")


def blocked(by: str, reason: str) -> None:
    """End the test as blocked by requirement `by`."""
    raise Blocked(by, reason)
