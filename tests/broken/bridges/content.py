"""Media-type and encoding defects (RFC 7644 §3.8): application/scim+json, charsets, UTF-8.

A class is the reference bridge with that part swapped, served by the factory its @defect
names after the defect id; a function is the factory itself (tests/broken/bridges/registry.py).
"""

from __future__ import annotations

from typing import Any

from starlette.types import Scope

from scimcert.bridge.pipeline import Pipeline
from scimcert.bridge.store import Resource
from tests.broken.bridges.asgi import Exchange, answers, as_plain_json, refuses, sent
from tests.broken.bridges.registry import defect


@defect(
    "json-content-type",
    requirements=["rfc7644/3.8/accept-scim-json", "entra/responses/scim-json"],
    summary="Answers are labelled application/json, not application/scim+json",
    proves=[
        "content_type/test_media_type.py::test_accept_scim_json_gets_scim_json",
        "content_type/test_media_type.py::test_answer_is_scim_json",
        "errors/test_errors.py::test_error_answer_is_scim_json",
    ],
)
@answers
def json_content_type(exchange: Exchange) -> None:
    """Answers with Content-Type application/json."""
    media = exchange.header(b"content-type")
    if media is not None and media.startswith(b"application/scim+json"):
        exchange.set_header(b"content-type", b"application/json")


@defect(
    "double-encoded-text",
    requirements=["rfc7644/3.8/utf-8"],
    summary="Text is stored double-encoded (UTF-8 bytes read as Latin-1)",
    proves=["content_type/test_media_type.py::test_non_ascii_text_round_trips"],
)
class DoubleEncodedText(Pipeline):
    """Stores text fields double-encoded: the UTF-8 bytes read back as Latin-1."""

    def prepare(self, rtype: str, body: Any, old: Resource | None) -> Resource:
        resource = super().prepare(rtype, body, old)
        for name in ("displayName", "nickName", "title"):
            if isinstance(resource.get(name), str):
                resource[name] = resource[name].encode("utf-8").decode("latin-1")
        return resource


@defect(
    "json-unless-scim-asked",
    requirements=["rfc7644/3.8/default-scim-json"],
    summary="Answers are application/json unless Accept names scim+json",
    strict=True,
    note="default-scim-json is SHOULD in the catalogue: only a failure under --scim-strict.",
    proves=["content_type/test_media_type.py::test_answer_is_scim_json"],
)
@answers
def json_unless_scim_asked(exchange: Exchange) -> None:
    """Answers application/json unless the Accept header names application/scim+json."""
    if b"scim+json" not in exchange.sent.get(b"accept", b""):
        as_plain_json(exchange)


@defect(
    "charset-refused",
    requirements=["okta/spec-test/charset-content-type"],
    summary="A Content-Type with a charset parameter is refused with 415",
    proves=["content_type/test_media_type.py::test_create_with_request_media_type_succeeds"],
)
@refuses(415, "unsupported Content-Type")
def charset_refused(scope: Scope) -> bool:
    """Refuses a Content-Type with a charset with 415."""
    return b";" in sent(scope, b"content-type")


@defect(
    "json-request-refused",
    requirements=["okta/spec-test/json-content-type"],
    summary="A body sent as application/json is refused with 415",
    proves=["content_type/test_media_type.py::test_create_with_request_media_type_succeeds"],
)
@refuses(415, "send application/scim+json")
def json_request_refused(scope: Scope) -> bool:
    """Refuses a request body sent as application/json with 415."""
    return sent(scope, b"content-type").startswith(b"application/json")


@defect(
    "accept-json-refused",
    requirements=["rfc7644/3.8/accept-json"],
    summary="Accept: application/json is refused with 406",
    strict=True,
    note="accept-json is SHOULD in the catalogue: only a failure under --scim-strict.",
    proves=["content_type/test_media_type.py::test_accept_json_gets_json"],
)
@refuses(406, "only application/scim+json is served")
def accept_json_refused(scope: Scope) -> bool:
    """Refuses Accept: application/json with 406."""
    return sent(scope, b"accept") == b"application/json"
