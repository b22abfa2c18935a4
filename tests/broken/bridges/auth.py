"""Authentication defects (RFC 7644 §2, RFC 6750 §2): credentials not checked, or checked
wrongly, and 401 answers without their challenge.

A class is the reference bridge with that part swapped, served by the factory its @defect
names after the defect id; a function is the factory itself (tests/broken/bridges/registry.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.types import Scope

from scimcert.bridge.app import create_app
from tests.broken.bridges.asgi import Exchange, answers, requests, with_authorization
from tests.broken.bridges.registry import defect


@defect(
    "auth-disabled",
    requirements=["rfc7644/2/access-control", "okta/spec-test/bad-token-401"],
    summary="Credentials are never checked: anonymous requests read and write",
    strict=True,
    note=("Runs with --scim-strict: rfc7644/2/access-control is graded SHOULD after the RFC-text "
          "audit, so its failure is a deviation unless strict."),
    proves=[
        "auth/test_credentials.py::test_bad_credentials_pass_okta_check",
        "auth/test_credentials.py::test_unauthenticated_create_is_refused",
    ],
)
def auth_disabled(**options: Any) -> Starlette:
    """Serves SCIM without checking credentials at all."""
    return create_app(**{**options, "no_auth": True})


@defect(
    "any-bearer-token",
    requirements=["rfc7644/3.12/unauthorized-401"],
    summary="Any Bearer credential is accepted; only the scheme is checked",
    strict=True,
    note=("unauthorized-401 is SHOULD in the catalogue (RFC 7644 §3.12); without --scim-strict the"
          " wrong-token probe is a deviation. Missing and non-Bearer credentials still get 401, so"
          " the MUST access-control test passes."),
    proves=["auth/test_credentials.py::test_bad_credentials_answer_401"],
)
@requests
def any_bearer_token(scope: Scope, tokens: Sequence[str]) -> Scope:
    """Accepts any Bearer credential, checking only the scheme."""
    sent = dict(scope["headers"]).get(b"authorization", b"")
    scheme, _, credential = sent.partition(b" ")
    if scheme.lower() == b"bearer" and credential.strip() and tokens:
        return with_authorization(scope, b"Bearer " + tokens[0].encode())
    return scope


@defect(
    "unauthorized-without-challenge",
    requirements=["rfc7644/2/www-authenticate"],
    summary="401 answers carry no WWW-Authenticate header",
    proves=["auth/test_credentials.py::test_401_answer_names_scheme_in_www_authenticate"],
)
@answers
def unauthorized_without_challenge(exchange: Exchange) -> None:
    """Answers 401 without a WWW-Authenticate header."""
    if exchange.status == 401:
        exchange.set_header(b"www-authenticate", None)
