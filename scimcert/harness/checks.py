"""Checks the suites assert with. Each raises `CheckFailure` naming the requirement, expected vs
actual, the exchange (secrets redacted) and a curl reproducer."""

from __future__ import annotations

import json
from typing import Any

import httpx

from scimcert.harness import validate
from scimcert.harness.client import exchange_of
from scimcert.harness.exchange import TAPE, Exchange
from scimcert.scim.urns import ERROR_URN


class CheckFailure(AssertionError):
    """A check did not hold; the message is complete and already redacted. `what` is the
    one-line statement of what did not hold."""

    def __init__(self, message: str, what: str) -> None:
        super().__init__(message)
        self.what = what


def fail(what: str, *, expected: Any = None, actual: Any = None,
         exchange: Exchange | None = None, details: list[str] | None = None) -> CheckFailure:
    """Build the failure for `what`, with the exchange it concerns (default: the last one)."""
    lines = [*TAPE.requirements] if TAPE.requirements else []
    lines.append(what)
    if expected is not None or actual is not None:
        lines += [f"  expected: {_show(expected)}", f"  actual:   {_show(actual)}"]
    lines += [f"  {d}" for d in details or ()]
    exchange = exchange or TAPE.last
    if exchange is not None:
        lines += ["", "exchange:", exchange.render(), "", "reproduce:", exchange.curl()]
    return CheckFailure("\n".join(lines), what)


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    try:
        return json.dumps(value, ensure_ascii=False)
    except TypeError:
        return repr(value)


def expect(condition: Any, what: str, expected: Any = None, actual: Any = None) -> None:
    """`what` holds when `condition` is true."""
    if not condition:
        raise fail(what, expected=expected, actual=actual)


def expect_equal(actual: Any, expected: Any, what: str) -> None:
    if actual != expected:
        raise fail(f"{what} differs", expected=expected, actual=actual)


def expect_status(resp: httpx.Response, *allowed: int) -> None:
    """The response status is one of `allowed`."""
    if resp.status_code not in allowed:
        wanted = allowed[0] if len(allowed) == 1 else f"one of {list(allowed)}"
        raise fail("unexpected HTTP status", expected=wanted, actual=resp.status_code,
                   exchange=exchange_of(resp))


def body_of(resp: httpx.Response) -> Any:
    """The response body as JSON, or a CheckFailure saying it is not JSON."""
    try:
        return resp.json()
    except ValueError:
        raise fail("response body is not JSON", expected="a JSON document",
                   actual=resp.text[:200], exchange=exchange_of(resp)) from None


def expect_content_type(resp: httpx.Response) -> None:
    """RFC 7644 §3.1: a SCIM response body is `application/scim+json`."""
    media = resp.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/scim+json":
        raise fail("Content-Type is not application/scim+json", expected="application/scim+json",
                   actual=media or None, exchange=exchange_of(resp))


def expect_schema(body: Any, name: str, *, resp: httpx.Response | None = None) -> None:
    """`body` is valid against `schemas/scim/<name>.schema.json`; failures name JSON pointers."""
    found = validate.violations(body, name)
    if found:
        raise fail(f"body is not a valid {name}", details=[str(v) for v in found],
                   exchange=exchange_of(resp) if resp is not None else None)


def expect_error(resp: httpx.Response, status: int, scim_type: str | None = None) -> dict:
    """An RFC 7644 §3.12 Error with HTTP `status` (and `scimType` when given); returns the body."""
    expect_status(resp, status)
    body = body_of(resp)
    exchange = exchange_of(resp)
    if not isinstance(body, dict):
        raise fail("error body is not a JSON object", expected="object", actual=type(body).__name__,
                   exchange=exchange)
    schemas = body.get("schemas")
    if not isinstance(schemas, list) or ERROR_URN not in schemas:
        raise fail("error body lacks the Error schema URN", expected=[ERROR_URN], actual=schemas,
                   exchange=exchange)
    if body.get("status") != str(status):
        raise fail("error status is not the HTTP status as a string", expected=str(status),
                   actual=body.get("status"), exchange=exchange)
    if scim_type is not None and body.get("scimType") != scim_type:
        raise fail("error scimType differs", expected=scim_type, actual=body.get("scimType"),
                   exchange=exchange)
    if "detail" in body and not isinstance(body["detail"], str):
        raise fail("error detail is not a string", expected="string",
                   actual=body["detail"], exchange=exchange)
    return body


def expect_list(resp: httpx.Response) -> dict:
    """A 200 answer carrying a valid ListResponse; returns its body."""
    expect_status(resp, 200)
    body = body_of(resp)
    expect_schema(body, "ListResponse", resp=resp)
    return body
