"""Error defects (RFC 7644 §3.12): wrong statuses, scimTypes and Error bodies.

A class is the reference bridge with that part swapped, served by the factory its @defect
names after the defect id; a function is the factory itself (tests/broken/bridges/registry.py).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scimcert.bridge.app import create_app
from scimcert.bridge.discovery import Discovery
from scimcert.bridge.pipeline import Pipeline
from scimcert.bridge.store import Resource
from scimcert.scim.errors import INVALID_VALUE, bad_request
from tests.broken.bridges import edits
from tests.broken.bridges.asgi import Exchange, answers, edit_error, refuses, rename_scim_type
from tests.broken.bridges.registry import defect


@defect(
    "unauthorized-plain-text",
    requirements=["rfc7644/3.12/error-body", "okta/spec-test/bad-token-401"],
    summary="401 answers have a plain-text body instead of a SCIM Error",
    proves=[
        "auth/test_credentials.py::test_bad_credentials_answer_scim_error",
        "auth/test_credentials.py::test_bad_credentials_pass_okta_check",
    ],
)
@answers
def unauthorized_plain_text(exchange: Exchange) -> None:
    """Answers 401 with a plain-text body, not a SCIM Error."""
    if exchange.status == 401:
        exchange.set_body(b"Unauthorized", b"text/plain; charset=utf-8")


class _MalformedJsonCrashes:
    """ASGI middleware: decodes JSON bodies itself and lets a decode error become a bare 500,
    as a framework's default error handler answers an unhandled exception."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        chunks = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        raw = b"".join(chunks)
        try:
            json.loads(raw)
        except ValueError:
            await send({"type": "http.response.start", "status": 500,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
            await send({"type": "http.response.body", "body": b"Internal Server Error"})
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": raw, "more_body": False}

        await self.app(scope, replay, send)


@defect(
    "malformed-json-crashes",
    requirements=["rfc7644/3.12/error-body"],
    summary="A body that is not JSON gets a plain-text 500 instead of a SCIM 400",
    proves=[
        "errors/test_errors.py::test_malformed_json_answer_is_scim_error",
    ],
)
def malformed_json_crashes(**options: Any) -> ASGIApp:
    """Answers a body that is not JSON with a plain-text 500 instead of a SCIM 400."""
    return _MalformedJsonCrashes(create_app(**options))


@defect(
    "error-status-integer",
    requirements=["rfc7644/3.12/error-body"],
    summary="Error bodies carry status as a JSON number, not a string",
    proves=[
        "auth/test_credentials.py::test_bad_credentials_answer_scim_error",
        "errors/test_errors.py::test_malformed_json_answer_is_scim_error",
        "errors/test_errors.py::test_unknown_endpoint_answer_is_scim_error",
        "errors/test_errors.py::test_unsupported_method_answer_is_scim_error",
    ],
)
@answers
def error_status_integer(exchange: Exchange) -> None:
    """Writes the Error status as a JSON number."""
    body = exchange.json()
    if exchange.status >= 400 and isinstance(body, dict) and isinstance(body.get("status"), str):
        exchange.set_body(json.dumps({**body, "status": int(body["status"])}).encode())


@defect(
    "wrong-type-crashes",
    requirements=["entra/errors/descriptive-rejection"],
    summary="A userName of the wrong type or a missing one crashes the create: 500",
    proves=[
        "errors/test_errors.py::test_wrong_type_is_refused_with_detail",
    ],
)
class WrongTypeCrashes(Pipeline):
    """Trims userName before validating the body, so a body of the wrong shape raises (500)."""

    def create(self, rtype: str, body: Any) -> Resource:
        if rtype == "User":
            body = {**body, "userName": body["userName"].strip()}
        return super().create(rtype, body)


@defect(
    "unknown-id-answers-400",
    requirements=["entra/users/missing-404", "rfc7644/3.12/not-found-404"],
    summary="An unknown resource id is answered 400 invalidValue, not 404",
    strict=True,
    note="not-found-404 is SHOULD in the catalogue: only a failure under --scim-strict.",
    proves=[
        "errors/test_errors.py::test_unknown_group_answers_404",
        "errors/test_errors.py::test_unknown_user_answers_404",
    ],
)
class UnknownIdAnswers400(Pipeline):
    """Answers an id it does not know with 400 invalidValue instead of 404."""

    def get(self, rtype: str, rid: str) -> Resource:
        found = self.store.table(rtype).get(rid)
        if found is None:
            raise bad_request(INVALID_VALUE, f"{rid!r} is not a {rtype} id")
        return found


@defect(
    "remove-without-path-ignored",
    requirements=["rfc7644/3.5.2.2/remove-without-path-refused", "rfc7644/3.5.2.2/no-target"],
    summary="remove without a path answers 200 and changes nothing",
    strict=True,
    note=("Runs with --scim-strict: rfc7644/3.5.2.2/no-target is graded SHOULD after the RFC-text "
          "audit, so its failure is a deviation unless strict."),
    proves=[
        "users/test_patch.py::test_refused_patch_answers_its_error",
        "errors/test_errors.py::test_patch_remove_without_path_answers_no_target",
        "errors/test_errors.py::test_patch_remove_without_path_is_refused",
    ],
)
class RemoveWithoutPathIgnored(edits.EditedPatch):
    """Answers `remove` without a path with 200 and changes nothing, instead of noTarget."""

    def edit(self, rtype: str, op: Any, current: Resource) -> Any:
        return None if edits.op_name(op) == "remove" and not edits.path(op) else op


@defect(
    "payload-limit-understated",
    requirements=["rfc7644/3.7.4/oversized-bulk-413"],
    summary="maxPayloadSize advertised is 16 times below the limit enforced",
    proves=[
        "errors/test_bulk_limit.py::test_oversized_bulk_answers_413",
    ],
)
class PayloadLimitUnderstated(Discovery):
    """Advertises a maxPayloadSize 16 times smaller than the limit it enforces."""

    def service_provider_config(self, base: str) -> dict[str, Any]:
        config = super().service_provider_config(base)
        bulk = {**config["bulk"], "maxPayloadSize": self.settings.max_payload // 16}
        return {**config, "bulk": bulk}


@defect(
    "invalid-syntax-as-invalid-value",
    requirements=["rfc7644/3.12/invalid-syntax"],
    summary="Unparsable JSON is refused with scimType invalidValue",
    strict=True,
    note="invalid-syntax is SHOULD in the catalogue: only a failure under --scim-strict.",
    proves=[
        "errors/test_errors.py::test_malformed_json_answers_400_invalid_syntax",
    ],
)
@answers
def invalid_syntax_as_invalid_value(exchange: Exchange) -> None:
    """Reports unparsable JSON with scimType invalidValue."""
    rename_scim_type(exchange, "invalidSyntax", "invalidValue")


@defect(
    "not-found-without-detail",
    requirements=["okta/spec-test/unknown-id-404"],
    summary="404 answers carry an Error without detail",
    proves=[
        "errors/test_errors.py::test_unknown_user_error_has_detail",
    ],
)
@answers
def not_found_without_detail(exchange: Exchange) -> None:
    """Answers 404 with an Error that has no detail."""
    edit_error(exchange, 404, lambda body: {k: v for k, v in body.items() if k != "detail"})


@defect(
    "validation-as-422",
    requirements=["rfc7644/3.12/bad-request-400", "rfc7644/3.12/invalid-value"],
    summary="A value of the wrong type is answered 422, not 400",
    strict=True,
    note=("bad-request-400 and invalid-value are SHOULD in the catalogue: only a failure under "
          "--scim-strict."),
    proves=[
        "users/test_patch.py::test_refused_patch_answers_its_error",
        "errors/test_errors.py::test_wrong_type_answers_400_invalid_value",
    ],
)
@answers
def validation_as_422(exchange: Exchange) -> None:
    """Answers a value of the wrong type with 422, not 400."""
    body = exchange.json()
    if exchange.status == 400 and isinstance(body, dict) and body.get("scimType") == INVALID_VALUE:
        exchange.status = 422
        exchange.set_body(json.dumps({**body, "status": "422"}).encode())


@defect(
    "unsupported-method-404",
    requirements=["rfc7644/3.12/unsupported-method"],
    summary="An unsupported method is answered 404, not 405",
    strict=True,
    note="unsupported-method is SHOULD in the catalogue: only a failure under --scim-strict.",
    proves=[
        "errors/test_errors.py::test_unsupported_method_answers_405_or_501",
    ],
)
@answers
def unsupported_method_404(exchange: Exchange) -> None:
    """Answers an unsupported method with 404, not 405."""
    if exchange.status == 405:
        exchange.status = 404
        exchange.set_header(b"allow", None)
        body = exchange.json()
        if isinstance(body, dict):
            exchange.set_body(json.dumps({**body, "status": "404"}).encode())


@defect(
    "unknown-endpoint-501",
    requirements=["rfc7644/3.12/unknown-endpoint-404"],
    summary="An unknown endpoint is answered 501, not 404",
    strict=True,
    note="unknown-endpoint-404 is SHOULD in the catalogue: only a failure under --scim-strict.",
    proves=[
        "errors/test_errors.py::test_unknown_endpoint_answers_404",
    ],
)
@refuses(501, "not implemented")
def unknown_endpoint_501(scope: Scope) -> bool:
    """Answers a request to an unknown endpoint with 501, not 404."""
    known = ("Users", "Groups", "Bulk", "ServiceProviderConfig", "ResourceTypes", "Schemas", "Me",
             ".search")
    parts = scope["path"].split("/scim/v2/", 1)
    return len(parts) == 2 and parts[1].split("/", 1)[0] not in known


@defect(
    "malformed-json-as-500",
    requirements=["rfc7644/3.12/no-server-error"],
    summary="An unparsable body gets a 500 carrying a SCIM Error instead of a 400",
    note="A 5xx says the server erred (RFC 7231 §6.6, adopted by RFC 7644 §3.12): it fails a "
         "default run, whatever the body carries.",
    proves=[
        "errors/test_errors.py::test_bad_create_never_answers_a_server_error",
    ],
)
@answers
def malformed_json_as_500(exchange: Exchange) -> None:
    """Answers an unparsable body with a 500 that carries a well-formed SCIM Error."""
    body = exchange.json()
    if exchange.status == 400 and isinstance(body, dict) and \
            body.get("scimType") == "invalidSyntax":
        exchange.status = 500
        exchange.set_body(json.dumps({**body, "status": "500"}).encode())


@defect(
    "error-answers-plain-json",
    requirements=["rfc7644/3.12/error-media-type"],
    summary="Error answers are labelled application/json, not application/scim+json",
    strict=True,
    note="error-media-type is SHOULD (RFC 7644 §3.1): only a failure under --scim-strict.",
    proves=[
        "auth/test_credentials.py::test_bad_credentials_answer_is_scim_json",
        "errors/test_errors.py::test_error_answer_is_scim_json",
    ],
)
@answers
def error_answers_plain_json(exchange: Exchange) -> None:
    """Labels every error answer application/json (a framework's error handler)."""
    if exchange.status >= 400:
        exchange.set_header(b"content-type", b"application/json")


@defect(
    "lone-surrogate-500",
    requirements=["rfc7644/3.12/no-server-error"],
    summary="A lone surrogate in a value is stored, and every answer carrying it is a 500",
    proves=["properties/test_robustness.py::test_bad_request_is_refused_and_changes_nothing"],
)
class LoneSurrogate500(Pipeline):
    """Stores a string holding a lone surrogate (a JSON escape such as \\ud800 that pairs with
    nothing), then fails to encode it as UTF-8 in every answer that carries it: a 500, and the
    resource stays."""

    def prepare(self, rtype: str, body: Any, old: Resource | None) -> Resource:
        return super().prepare(rtype, _marked(body), old)

    def render(self, rtype: str, resource: Resource, base: str,
               attributes: Any = None, excluded: Any = None) -> dict[str, Any]:
        out = super().render(rtype, resource, base, attributes, excluded)
        if _UNENCODABLE in json.dumps(out, ensure_ascii=False):
            raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")
        return out


# Stands in for the surrogate in the store (a noncharacter no client sends).
_UNENCODABLE = "\ufdd0"


def _marked(value: Any) -> Any:
    if isinstance(value, str):
        return "".join(_UNENCODABLE if 0xD800 <= ord(c) <= 0xDFFF else c for c in value)
    if isinstance(value, list):
        return [_marked(v) for v in value]
    if isinstance(value, dict):
        return {k: _marked(v) for k, v in value.items()}
    return value
