"""Version defects (RFC 7644 §3.14): ETag headers, meta.version, If-Match and If-None-Match.

A class is the reference bridge with that part swapped, served by the factory its @defect
names after the defect id; a function is the factory itself (tests/broken/bridges/registry.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from starlette.types import Scope

from scimcert.bridge.app import Parts, create_app
from scimcert.bridge.pipeline import Pipeline
from scimcert.bridge.store import Resource
from scimcert.scim.errors import ScimError
from tests.broken.bridges.asgi import Exchange, Rewrite, answers, requests
from tests.broken.bridges.registry import defect


@defect(
    "etag-header-missing",
    requirements=["rfc7644/3.14/etag-header"],
    summary="ServiceProviderConfig advertises etag, but no answer has an ETag header",
    proves=[
        "etag/test_etag.py::test_get_answer_carries_etag",
        "etag/test_etag.py::test_post_answer_carries_etag",
        "etag/test_etag.py::test_write_answer_carries_etag",
    ],
)
@answers
def etag_header_missing(exchange: Exchange) -> None:
    """Advertises etag but sends no ETag header."""
    exchange.set_header(b"etag", None)


@defect(
    "if-match-ignored",
    requirements=["rfc7644/3.14/if-match-mismatch-412"],
    summary="If-Match is never checked: a stale version overwrites the resource",
    proves=[
        "etag/test_etag.py::test_stale_if_match_answers_412",
        "etag/test_etag.py::test_stale_if_match_changes_nothing",
    ],
)
class IfMatchIgnored(Pipeline):
    """Advertises etag but never checks If-Match: a stale version overwrites the resource."""

    def check_version(self, resource: Resource, if_match: str | None) -> None:
        return None


@defect(
    "if-none-match-ignored",
    requirements=["rfc7644/3.14/if-none-match-304"],
    summary="If-None-Match is ignored: an unchanged resource answers 200, not 304",
    proves=["etag/test_etag.py::test_if_none_match_current_version_answers_304"],
)
@requests
def if_none_match_ignored(scope: Scope, tokens: Sequence[str]) -> Scope:
    """Ignores If-None-Match: a GET of an unchanged resource answers 200 with the body."""
    return {**scope, "headers": [(k, v) for k, v in scope["headers"] if k != b"if-none-match"]}


@defect(
    "version-never-changes",
    requirements=["rfc7644/3.14/etag-changes"],
    summary="The ETag keeps its first value whatever changes",
    strict=True,
    note=("etag-changes is SHOULD in the catalogue (RFC 7232 §2.1: a weak validator should change "
          "on a significant change); without --scim-strict the unchanged ETag is a deviation"),
    proves=["etag/test_etag.py::test_modification_changes_etag"],
)
class VersionNeverChanges(Pipeline):
    """Keeps the first version of a resource as its ETag, whatever changes."""

    def update(self, rtype: str, old: Resource, resource: Resource) -> Resource:
        stored = super().update(rtype, old, resource)
        kept = {**stored, "meta": {**stored["meta"], "version": old["meta"]["version"]}}
        self.store.table(rtype).put(kept)
        return kept


class _AgainstLastModified(Pipeline):
    """Compares If-Match with meta.lastModified instead of the version."""

    def check_version(self, resource: Resource, if_match: str | None) -> None:
        if if_match is not None and if_match.strip('W/"') != resource["meta"]["lastModified"]:
            raise ScimError(412, f"If-Match {if_match} does not match")


def _strong(exchange: Exchange) -> None:
    """Serves every version as a strong entity tag (`"5"`, not `W/"5"`)."""
    etag = exchange.header(b"etag")
    if etag is not None and etag.startswith(b"W/"):
        exchange.set_header(b"etag", etag[2:])
    body = exchange.json()
    if isinstance(body, dict) and isinstance(body.get("meta"), dict) \
            and str(body["meta"].get("version", "")).startswith("W/"):
        body["meta"]["version"] = body["meta"]["version"][2:]
        exchange.set_body(json.dumps(body).encode())


def _weakened(scope: Scope, tokens: Sequence[str]) -> Scope:
    """A strong tag in If-Match or If-None-Match read as the weak one the bridge stores."""
    headers = [(k, b"W/" + v if k in (b"if-match", b"if-none-match") and v.startswith(b'"')
                else v) for k, v in scope["headers"]]
    return {**scope, "headers": headers}


def _strong_etags(*, tokens: Sequence[str] = (), **options: Any) -> Rewrite:
    """Not a defect: the reference bridge serving strong ETags, right in every way, where the
    strong-ETag checks run (the reference bridge itself serves weak ones, RFC 7232 §2.1)."""
    return Rewrite(create_app(tokens=tokens, **options), tokens, on_answer=_strong,
                   on_request=_weakened)


@defect(
    "if-match-against-last-modified",
    requirements=["rfc7644/3.14/if-match-current"],
    summary="If-Match is compared with lastModified: a current strong ETag gets 412",
    proves=["etag/test_etag.py::test_current_strong_if_match_succeeds"],
)
def if_match_against_last_modified(*, tokens: Sequence[str] = (), **options: Any) -> Rewrite:
    """Serves strong ETags but compares If-Match with meta.lastModified, so the current tag of
    a resource is refused with 412 (RFC 7232 §3.1 wants the strong comparison to succeed)."""
    app = create_app(tokens=tokens, parts=Parts(pipeline=_AgainstLastModified), **options)
    return Rewrite(app, tokens, on_answer=_strong)


@defect(
    "if-none-match-any",
    requirements=["rfc7644/3.14/if-none-match-other"],
    summary="Any If-None-Match is answered 304, whatever version it names",
    proves=["etag/test_etag.py::test_if_none_match_other_version_answers_resource"],
)
@requests
def if_none_match_any(scope: Scope, tokens: Sequence[str]) -> Scope:
    """Answers 304 to any If-None-Match, whatever it names."""
    headers = [(k, b"*" if k == b"if-none-match" else v) for k, v in scope["headers"]]
    return {**scope, "headers": headers}


@defect(
    "version-unquoted",
    requirements=["rfc7644/3.14/version-equals-etag"],
    summary="meta.version is written bare while the ETag header is quoted",
    strict=True,
    note="version-equals-etag is SHOULD in the catalogue: only a failure under --scim-strict.",
    proves=[
        "etag/test_etag.py::test_etag_equals_meta_version",
        "users/test_meta.py::test_meta_version_equals_etag_header",
    ],
)
class VersionUnquoted(Pipeline):
    """Writes meta.version bare (3) while the ETag header is W/"3"."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        version = (out.get("meta") or {}).get("version")
        if isinstance(version, str):
            out["meta"] = {**out["meta"], "version": version.removeprefix("W/").strip('"')}
        return out
