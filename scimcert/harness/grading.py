"""How a test outcome becomes a grade (RFC 2119 levels; scim2-tester's Status vocabulary).

MUST and IdP-level requirements fail; a failing test whose requirements are all SHOULD or MAY
is a deviation (xfail-like) unless --strict; an unadvertised feature is not applicable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from scimcert.harness.catalogue import Requirement

NOT_APPLICABLE = "not applicable"
DEVIATION = "deviation"
READ_ONLY = "read-only: pass --allow-writes"

# ServiceProviderConfig keys of the features a test may require (RFC 7643 §5).
FEATURES = ("patch", "bulk", "filter", "changePassword", "sort", "etag")


class Grade(StrEnum):
    """The verdict on a requirement or a test."""

    MET = "met"  # every test proving it passed
    FAILED = "failed"  # a MUST or IdP-level requirement is not met (or a SHOULD under --strict)
    DEVIATION = "deviation"  # a SHOULD/MAY is not met
    NOT_APPLICABLE = "not applicable"  # the target does not advertise the feature
    SKIPPED = "skipped"  # not run: read-only run, deselected, or skipped for another reason
    ERROR = "error"  # the harness or the target broke (setup error, connection lost)
    UNTESTED = "untested"  # no test names it


def deviation_level(requirements: Iterable[Requirement]) -> str | None:
    """The level to report a failure under when every requirement is soft, else None."""
    levels = [r.level for r in requirements]
    if not levels or any(level not in ("SHOULD", "MAY") for level in levels):
        return None
    return "SHOULD" if "SHOULD" in levels else "MAY"


def deviation_reason(level: str, message: str) -> str:
    first = next((line for line in message.splitlines() if line.strip()), "failed")
    return f"{DEVIATION} ({level}): {first.strip()}"


def feature_supported(spc: Mapping[str, Any], feature: str) -> bool:
    """Whether ServiceProviderConfig advertises `feature` (`{"etag": {"supported": true}}`)."""
    if feature not in FEATURES:
        raise KeyError(f"unknown feature {feature!r}; one of {', '.join(FEATURES)}")
    entry = spc.get(feature)
    return isinstance(entry, Mapping) and entry.get("supported") is True


def not_applicable_reason(feature: str) -> str:
    return f"{NOT_APPLICABLE}: ServiceProviderConfig does not advertise {feature}"


def outcome_grade(outcome: str, wasxfail: str | None, skip_reason: str | None) -> Grade:
    """The grade of one test from its pytest report fields."""
    if outcome == "passed":
        return Grade.MET
    if outcome == "failed":
        return Grade.FAILED
    if wasxfail is not None and wasxfail.startswith(DEVIATION):
        return Grade.DEVIATION
    if skip_reason is not None and NOT_APPLICABLE in skip_reason:
        return Grade.NOT_APPLICABLE
    return Grade.SKIPPED


SEVERITY = (Grade.ERROR, Grade.FAILED, Grade.DEVIATION, Grade.MET, Grade.NOT_APPLICABLE,
            Grade.SKIPPED)


def combine(grades: Iterable[Grade]) -> Grade:
    """The grade of a requirement from the grades of its tests: the worst one wins, and a
    requirement with passes and not-applicable tests is met."""
    present = set(grades)
    if not present:
        return Grade.UNTESTED
    for grade in SEVERITY:
        if grade in present:
            return grade
    return Grade.UNTESTED
