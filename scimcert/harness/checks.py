"""Checks the suites assert with. Each raises `CheckFailure`: what did not hold, expected vs
actual, the exchange it concerns and, where the check names one, the requirement it proves.

The pytest plugin turns a failure into its report: the requirement with its RFC sentence and
link, expected vs actual, the exchange (secrets redacted) and a curl reproducer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import httpx

from scimcert.harness import validate
from scimcert.scim.urns import ERROR_URN
from scimcert.wire import Exchange, exchange_of

MEDIA = "application/scim+json"
UNSET: Any = object()


@dataclass(frozen=True)
class Failure:
    """What a check saw: the statement that did not hold, with its evidence."""

    what: str
    expected: Any = UNSET
    actual: Any = UNSET
    exchange: Exchange | None = None
    details: tuple[str, ...] = ()
    requirement: str | None = None

    def lines(self) -> list[str]:
        out = [self.what]
        if self.expected is not UNSET or self.actual is not UNSET:
            out += [f"  expected: {show(self.expected)}", f"  actual:   {show(self.actual)}"]
        out += [f"  {d}" for d in self.details]
        return out

    def key(self) -> str:
        """What makes two failures the same root cause: the requirement, the statement, and the
        request and answer it concerns (resource ids left out)."""
        parts = [self.requirement or "", self.what]
        if self.exchange is not None:
            parts += [self.exchange.method, _shape(self.exchange.url),
                      str(self.exchange.status or self.exchange.error), _scim_type(self.exchange)]
        return " | ".join(parts)


class CheckFailure(AssertionError):
    """A check did not hold."""

    def __init__(self, failure: Failure) -> None:
        super().__init__("\n".join(failure.lines()))
        self.failure = failure

    @property
    def what(self) -> str:
        return self.failure.what

    @property
    def requirement(self) -> str | None:
        return self.failure.requirement


class PreconditionFailed(Exception):
    """A step a test needed (a create, a data set, a read) failed its check. The plugin files it
    once, under the requirement that failed, and marks later tests meeting it as blocked."""

    def __init__(self, failure: Failure) -> None:
        super().__init__("\n".join(failure.lines()))
        self.failure = failure


@contextmanager
def precondition(requirement: str) -> Iterator[None]:
    """Checks inside are a precondition of the test, filed under `requirement` unless they
    name their own."""
    try:
        yield
    except CheckFailure as exc:
        failure = exc.failure
        if failure.requirement is None:
            failure = replace(failure, requirement=requirement)
        raise PreconditionFailed(failure) from None


@contextmanager
def filed(requirement: str) -> Iterator[None]:
    """Checks inside that name no requirement of their own are filed under `requirement`."""
    try:
        yield
    except CheckFailure as exc:
        if exc.requirement is not None:
            raise
        raise CheckFailure(replace(exc.failure, requirement=requirement)) from None


def fail(what: str, *, expected: Any = UNSET, actual: Any = UNSET,
         exchange: Exchange | None = None, details: list[str] | None = None,
         requirement: str | None = None) -> CheckFailure:
    """The failure of `what`; the plugin adds the test's last exchange when none is given."""
    return CheckFailure(Failure(what, expected, actual, exchange, tuple(details or ()),
                                requirement))


def show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    try:
        return json.dumps(value, ensure_ascii=False)
    except TypeError:
        return repr(value)


def expect(condition: Any, what: str, expected: Any = UNSET, actual: Any = UNSET, *,
           resp: httpx.Response | None = None, requirement: str | None = None) -> None:
    """`what` holds when `condition` is true."""
    if not condition:
        raise fail(what, expected=expected, actual=actual,
                   exchange=exchange_of(resp) if resp is not None else None,
                   requirement=requirement)


def expect_equal(actual: Any, expected: Any, what: str, *, resp: httpx.Response | None = None,
                 requirement: str | None = None) -> None:
    if actual != expected:
        raise fail(f"{what} differs", expected=expected, actual=actual,
                   exchange=exchange_of(resp) if resp is not None else None,
                   requirement=requirement)


def expect_status(resp: httpx.Response, *allowed: int, requirement: str | None = None) -> None:
    """The response status is one of `allowed`."""
    if resp.status_code not in allowed:
        wanted = allowed[0] if len(allowed) == 1 else f"one of {list(allowed)}"
        raise fail("unexpected HTTP status", expected=wanted, actual=resp.status_code,
                   exchange=exchange_of(resp), requirement=requirement)


def body_of(resp: httpx.Response, *, requirement: str | None = None) -> Any:
    """The response body as JSON, or a CheckFailure saying it is not JSON."""
    try:
        return resp.json()
    except ValueError:
        raise fail("response body is not JSON", expected="a JSON document",
                   actual=resp.text[:200], exchange=exchange_of(resp),
                   requirement=requirement) from None


def media_type(resp: httpx.Response) -> str:
    return resp.headers.get("content-type", "").split(";")[0].strip().lower()


def expect_content_type(resp: httpx.Response, *, requirement: str | None = None) -> None:
    """RFC 7644 §3.1: a SCIM response body is `application/scim+json`."""
    media = media_type(resp)
    if media != MEDIA:
        raise fail("Content-Type is not application/scim+json", expected=MEDIA,
                   actual=media or None, exchange=exchange_of(resp), requirement=requirement)


def expect_schema(body: Any, name: str, *, resp: httpx.Response | None = None,
                  requirement: str | None = None) -> None:
    """`body` is valid against `schemas/scim/<name>.schema.json`; failures name JSON pointers."""
    found = validate.violations(body, name)
    if found:
        raise fail(f"body is not a valid {name}", details=[str(v) for v in found],
                   exchange=exchange_of(resp) if resp is not None else None,
                   requirement=requirement)


def expect_error(resp: httpx.Response, status: int, scim_type: str | None = None, *,
                 absent_type_ok: bool = False, requirement: str | None = None) -> dict:
    """An error answer with HTTP `status` and, when given, `scimType`; returns the body ({} when
    it is no JSON object).

    Only the status and the scimType are judged here: the format of the Error body is graded by
    the requirements on error bodies (`expect_error_body`), so one malformed Error is one finding.
    RFC 7644 §3.12 makes scimType OPTIONAL: where the rule only names the keyword to use,
    `absent_type_ok` accepts an Error without one.
    """
    expect_status(resp, status, requirement=requirement)
    try:
        body = resp.json()
    except ValueError:
        body = None
    body = body if isinstance(body, dict) else {}
    if scim_type is not None:
        found = body.get("scimType")
        if not (found is None and absent_type_ok) and found != scim_type:
            raise fail("error scimType differs", expected=scim_type, actual=found,
                       exchange=exchange_of(resp), requirement=requirement)
    return body


def expect_error_body(resp: httpx.Response, *, requirement: str | None = None) -> dict:
    """RFC 7644 §3.12: the answer carries an Error whose `status` is the HTTP status as a string
    (null members are unassigned, RFC 7643 §2.5); returns the body."""
    body = body_of(resp, requirement=requirement)
    exchange = exchange_of(resp)

    def wrong(what: str, expected: Any, actual: Any) -> CheckFailure:
        return fail(what, expected=expected, actual=actual, exchange=exchange,
                    requirement=requirement)

    if not isinstance(body, dict):
        raise wrong("error body is not a JSON object", "object", type(body).__name__)
    schemas = body.get("schemas")
    if not isinstance(schemas, list) or ERROR_URN not in schemas:
        raise wrong("error body lacks the Error schema URN", [ERROR_URN], schemas)
    if body.get("status") != str(resp.status_code):
        raise wrong("error status is not the HTTP status as a string", str(resp.status_code),
                    body.get("status"))
    if body.get("detail") is not None and not isinstance(body["detail"], str):
        raise wrong("error detail is not a string", "string", body["detail"])
    return body


def expect_list(resp: httpx.Response, *, requirement: str | None = None) -> dict:
    """A 200 answer carrying a valid ListResponse; returns its body."""
    expect_status(resp, 200, requirement=requirement)
    body = body_of(resp, requirement=requirement)
    expect_schema(body, "ListResponse", resp=resp, requirement=requirement)
    return body


ID_SEGMENT = re.compile(r"/(Users|Groups|[A-Z][A-Za-z]*)/[^/?]+")


def _shape(url: str) -> str:
    """`url` without query and with resource ids replaced: `/Users/{id}`."""
    path = httpx.URL(url).path
    return ID_SEGMENT.sub(lambda m: f"/{m[1]}/{{id}}", path)


def _scim_type(exchange: Exchange) -> str:
    try:
        body = exchange.json()
    except ValueError:
        return ""
    return str(body.get("scimType") or "") if isinstance(body, dict) else ""
