"""A test's verdict from how it ended, and its pytest report to match.

- a check's failure is filed under the check's requirement (else the test's), and is a
  deviation when that requirement is a SHOULD or MAY, unless the run is strict;
- a failed precondition (a create, a data set, a read the test needed) is one root cause: the
  first test meeting it reports it under the requirement that failed; later ones are blocked;
- any other exception is an error of the suite or of the connection, never a deviation;
- a server error (5xx) met anywhere in a test fails it under its own requirement;
- a failure under the draft interop profile's requirements is a deviation, even when strict,
  unless the target claims the profile or the run asks for it (harness/claim.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from scimcert.harness.catalogue import Requirement
from scimcert.harness.checks import CheckFailure, Failure, PreconditionFailed
from scimcert.harness.claim import NOT_CLAIMED
from scimcert.harness.outcome import (
    AT_CHECK,
    AT_PRECONDITION,
    Blocked,
    Grade,
    NotApplicable,
    Verdict,
)
from scimcert.harness.plugin import recording
from scimcert.harness.plugin.selection import READ_ONLY, READ_ONLY_REASON, REQUIREMENTS
from scimcert.harness.plugin.state import catalogue, standing, state
from scimcert.harness.results import SERVER_ERROR
from scimcert.scim.errors import ScimError
from scimcert.scim.filter import parse
from scimcert.scim.filter.ast import And, Compare, Node
from scimcert.wire import Exchange, Redactor, TargetError

SHOWN_EXCHANGES = 5
REASON_LINES = 8
NOT_IMPLEMENTED = recording.NOT_IMPLEMENTED


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                              ) -> Iterator[pytest.TestReport]:
    recording.check_bodies(item)
    rep: pytest.TestReport = yield
    verdict = judge(item, call, rep)
    if verdict is not None:
        present(item, rep, verdict, call)
    return rep


def judge(item: pytest.Item, call: pytest.CallInfo[None], rep: pytest.TestReport
          ) -> Verdict | None:
    """The verdict a phase's report carries; None for a setup that passed, a clean teardown,
    and a test that is not a suite test (it names no requirement)."""
    if REQUIREMENTS not in item.stash:
        return None
    if rep.when == "teardown":
        if rep.failed:
            return Verdict(Grade.ERROR, reason=f"error in teardown: {_exception(call)}")
        return None
    if rep.when == "setup" and rep.passed:
        return None
    if rep.passed:
        verdict = Verdict(Grade.MET)
    elif rep.skipped:
        verdict = _skipped(item, call)
    else:
        verdict = _failed(item, call, rep)
    return _with_server_errors(item, verdict)


def _skipped(item: pytest.Item, call: pytest.CallInfo[None]) -> Verdict:
    error = call.excinfo.value if call.excinfo is not None else None
    if isinstance(error, NotApplicable):
        return Verdict(Grade.NOT_APPLICABLE, reason=error.msg or "not applicable")
    if isinstance(error, Blocked):
        return Verdict(Grade.BLOCKED, reason=error.msg or "", blocked_by=error.by)
    if item.stash.get(READ_ONLY, False):
        return Verdict(Grade.SKIPPED, reason=READ_ONLY_REASON)
    return Verdict(Grade.SKIPPED, reason=getattr(error, "msg", None) or "skipped")


def _failed(item: pytest.Item, call: pytest.CallInfo[None], rep: pytest.TestReport) -> Verdict:
    error = call.excinfo.value if call.excinfo is not None else None
    if isinstance(error, PreconditionFailed):
        return _root_cause(item, error.failure)
    if isinstance(error, CheckFailure):
        failure = error.failure
        filed = failure.requirement or _only_requirement(item)
        grade = _failure_grade(item, filed)
        unimplemented = _unimplemented(item, failure, filed) if grade == Grade.FAILED else None
        if unimplemented is not None:
            return _root_cause(item, unimplemented)
        exchange = failure.exchange or recording.last_exchange(item)
        redact = Redactor(state(item.config).target.secrets())
        return Verdict(grade, reason=_reason(item, failure),
                       requirement=filed, at=AT_CHECK if rep.when == "call" else rep.when,
                       exchange=redact(exchange.title) if exchange else None,
                       curl=redact(exchange.curl()) if exchange else None)
    if isinstance(error, TargetError):
        return Verdict(Grade.ERROR, reason=f"target error: {error}")
    return Verdict(Grade.ERROR, reason=f"suite error in {rep.when}: {_exception(call)}")


def _root_cause(item: pytest.Item, failure: Failure) -> Verdict:
    st = state(item.config)
    key = failure.key()
    if key in st.causes:
        return Verdict(Grade.BLOCKED, reason=f"blocked by {failure.requirement}: {failure.what}",
                       blocked_by=failure.requirement, cause=key)
    st.causes[key] = item.nodeid
    redact = Redactor(st.target.secrets())
    exchange = failure.exchange or recording.last_exchange(item)
    finding = {"key": key, "requirement": failure.requirement, "what": failure.what,
               "lines": [redact(line) for line in failure.lines()],
               "exchange": exchange.title if exchange else None,
               "curl": exchange.curl() if exchange else None}
    return Verdict(_failure_grade(item, failure.requirement), reason=_reason(item, failure),
                   requirement=failure.requirement, at=AT_PRECONDITION, cause=key,
                   finding=finding, exchange=finding["exchange"], curl=finding["curl"])


def _unimplemented(item: pytest.Item, failure: Failure, filed: str | None) -> Failure | None:
    """A MUST check failed on a 501 to a request any implementation of a feature
    ServiceProviderConfig advertises must answer (any PATCH; a filter of `eq` comparisons
    joined by `and`): one root cause under the advertisement (RFC 7643 §5: the feature is
    "supported"; RFC 7644 §3.12 names 501 for an operation the provider does not support),
    not a failure of each test that needed the feature. A 501 to another operator, a value
    path or POST .search is left to its own test: RFC 7643 §5 does not make those part of
    "filter supported"."""
    exchange = failure.exchange
    discovery = state(item.config).discovery
    if exchange is None or exchange.status != NOT_IMPLEMENTED or discovery is None:
        return None
    for feature, requirement, uses in ADVERTISED:
        if uses(exchange) and filed != requirement and discovery.supports(feature):
            return Failure(f"{feature} is advertised but answered 501 Not Implemented",
                           "a 2xx or a 4xx SCIM error", exchange.status, exchange,
                           (f"met by: {failure.what}",), requirement)
    return None


def _looked_up(exchange: Exchange) -> bool:
    """Whether `exchange` is a GET filtered by `eq` comparisons joined by `and`."""
    found = parse_qs(urlsplit(exchange.url).query).get("filter")
    if exchange.method != "GET" or not found:
        return False
    try:
        node = parse(found[0])
    except ScimError:
        return False
    return _equalities(node)


def _equalities(node: Node) -> bool:
    if isinstance(node, And):
        return _equalities(node.left) and _equalities(node.right)
    return isinstance(node, Compare) and node.op == "eq"


ADVERTISED: tuple[tuple[str, str, Callable[[Exchange], bool]], ...] = (
    ("patch", "rfc7643/5/patch-advertised-works", lambda exchange: exchange.method == "PATCH"),
    ("filter", "rfc7643/5/filter-advertised-works", _looked_up),
)


def _with_server_errors(item: pytest.Item, verdict: Verdict) -> Verdict:
    """A test that met a server error is graded under `SERVER_ERROR` too; one that otherwise
    held (or did not apply) is graded by it alone."""
    errors = recording.server_errors(item)
    if not errors:
        return verdict
    if verdict.grade in (Grade.MET, Grade.NOT_APPLICABLE, Grade.SKIPPED):
        first = next(e for e in recording.exchanges(item) if e.title == errors[0])
        redact = Redactor(state(item.config).target.secrets())
        return replace(verdict, grade=_failure_grade(item, SERVER_ERROR),
                       requirement=SERVER_ERROR, at=AT_CHECK,
                       reason=f"the target answered {errors[0]}", server_errors=errors,
                       own=verdict.grade, exchange=redact(first.title),
                       curl=redact(first.curl()))
    return replace(verdict, server_errors=errors)


def _only_requirement(item: pytest.Item) -> str | None:
    named = item.stash.get(REQUIREMENTS, ())
    return named[0].id if len(named) == 1 else None


def _requirements(item: pytest.Item, filed: str | None) -> tuple[Requirement, ...]:
    """The requirements a failure is judged by: the one it is filed under, else the test's."""
    if filed is not None:
        found = catalogue(item.config).get(filed)
        if found is None:
            raise pytest.UsageError(f"{item.nodeid}: a check names unknown requirement {filed!r}")
        return (found,)
    return item.stash.get(REQUIREMENTS, ())


def _failure_grade(item: pytest.Item, filed: str | None) -> Grade:
    judged = _requirements(item, filed)
    if _unclaimed(item, judged):
        return Grade.DEVIATION
    soft = [r.soft for r in judged]
    if soft and all(soft) and not state(item.config).target.strict:
        return Grade.DEVIATION
    return Grade.FAILED


def _unclaimed(item: pytest.Item, judged: tuple[Requirement, ...]) -> bool:
    """Whether the failure is only against a profile the run does not hold the target to."""
    return bool(judged) and all(r.is_profile for r in judged) \
        and not standing(item.config).graded


def _standing_lines(item: pytest.Item, judged: tuple[Requirement, ...]) -> list[str]:
    """The profile's standing, for a failure under a profile requirement."""
    return [standing(item.config).note()] if any(r.is_profile for r in judged) else []


def _reason(item: pytest.Item, failure: Failure) -> str:
    judged = _requirements(item, failure.requirement)
    lines = [r.label() for r in judged] + _standing_lines(item, judged) + failure.lines()
    redact = Redactor(state(item.config).target.secrets())
    return redact("\n".join(lines[:REASON_LINES]))


def _message(item: pytest.Item, failure: Failure) -> str:
    """A failure in full: each requirement with its RFC sentence and link, expected vs actual,
    the exchange and a curl reproducer (the token stays in $SCIM_TOKEN)."""
    judged = _requirements(item, failure.requirement)
    lines = [line for r in judged for line in r.citation()] + _standing_lines(item, judged)
    lines += failure.lines()
    exchange = failure.exchange or recording.last_exchange(item)
    if exchange is not None:
        lines += ["", "exchange:", exchange.render(), "", "reproduce:", exchange.curl()]
    return Redactor(state(item.config).target.secrets())("\n".join(lines))


def _exception(call: pytest.CallInfo[None]) -> str:
    if call.excinfo is None:
        return "no exception"
    return f"{call.excinfo.typename}: {call.excinfo.value}".splitlines()[0]


def present(item: pytest.Item, rep: pytest.TestReport, verdict: Verdict,
            call: pytest.CallInfo[None]) -> None:
    """Make the pytest report say what the verdict says; the verdict travels on it."""
    rep.scim = verdict.to_json()  # type: ignore[attr-defined]
    error = call.excinfo.value if call.excinfo is not None else None
    if verdict.grade == Grade.FAILED:
        _as_failure(item, rep, verdict, error)
    elif verdict.grade == Grade.DEVIATION:
        rep.outcome = "skipped"
        levels = _requirements(item, verdict.requirement)
        soft = "SHOULD" if any(r.level == "SHOULD" for r in levels) else "MAY"
        if _unclaimed(item, levels):
            soft = NOT_CLAIMED
        what = error.failure.what if isinstance(error, CheckFailure | PreconditionFailed) \
            else verdict.reason.splitlines()[0]
        rep.wasxfail = f"deviation ({soft}): {what}"  # type: ignore[attr-defined]
    elif verdict.grade in (Grade.BLOCKED, Grade.NOT_APPLICABLE, Grade.SKIPPED):
        rep.outcome = "skipped"
        if hasattr(rep, "wasxfail"):
            del rep.wasxfail
        _, line, _ = item.location
        rep.longrepr = (str(item.path), (line or 0) + 1, f"Skipped: {verdict.reason}")
    elif verdict.grade == Grade.ERROR:
        if isinstance(error, TargetError):
            rep.longrepr = f"target error: {error}"
        else:
            _show_exchanges(item, rep)


def _as_failure(item: pytest.Item, rep: pytest.TestReport, verdict: Verdict,
                error: Any) -> None:
    rep.outcome = "failed"
    # A failed precondition or check in a fixture is the test's failure, a verdict on the
    # target, not an error of the suite: reported as the test's own (pytest calls setup
    # failures "errors").
    rep.when = "call"  # type: ignore[assignment]
    if isinstance(error, CheckFailure | PreconditionFailed):
        rep.longrepr = _message(item, error.failure)
    elif verdict.server_errors:
        cited = [line for r in _requirements(item, SERVER_ERROR) for line in r.citation()]
        rep.longrepr = "\n".join([*cited, verdict.reason, *recording_lines(item)])


def recording_lines(item: pytest.Item) -> list[str]:
    """The server errors of `item` as exchanges with reproducers."""
    lines: list[str] = []
    for exchange in recording.exchanges(item):
        if exchange.status is not None and exchange.status >= 500 \
                and exchange.status != recording.NOT_IMPLEMENTED:
            lines += ["", exchange.render(), "", "reproduce:", exchange.curl()]
    return lines


def _show_exchanges(item: pytest.Item, rep: pytest.TestReport) -> None:
    shown = recording.exchanges(item)[-SHOWN_EXCHANGES:]
    if shown:
        rep.sections.append(("scim exchanges", "\n\n".join(e.render() for e in shown)))
