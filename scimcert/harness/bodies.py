"""Every JSON body the target answers, classified by what the protocol says it is and checked
against its schema in schemas/scim/.

The findings are informational: the representation suite grades them; here they are listed so
that a malformed body met by any test is seen, without failing that test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import httpx

from scimcert.harness import validate
from scimcert.scim.urns import GROUP_URN, USER_URN
from scimcert.wire import Exchange

# Resource kinds by the core schema URN of a resource type (RFC 7643 §6 "schema").
KIND_OF_SCHEMA = {USER_URN: "User", GROUP_URN: "Group"}
# Without the target's /ResourceTypes, the endpoints RFC 7643 §4 names.
ENDPOINTS = {"users": "User", "groups": "Group"}
RESOURCE_KINDS = frozenset(KIND_OF_SCHEMA.values())
# The messages a body can be besides a resource; any other kind is a resource.
MESSAGES = frozenset({"Error", "ListResponse", "BulkResponse", "ServiceProviderConfig",
                      "ResourceType", "Schema"})
# A resource of a type with no schema of its own here: judged by what every resource has.
RESOURCE = "Resource"
WORD = re.compile(r"^\w+$")
# Returned "always" (RFC 7643 §3, §3.1): required even when attributes= narrows a resource.
ALWAYS = frozenset({"schemas", "id"})
PROJECTION = frozenset({"attributes", "excludedattributes"})
MESSAGE_LIMIT = 240
TEXT = re.compile(r"^(?P<exchange>\S+ \S+ \d+): (?P<kind>\w+) (?P<pointer>.*?): (?P<message>.*)$",
                  re.DOTALL)


@dataclass(frozen=True)
class Part:
    """One document inside a body: where it is, which schema it has, and whether the request
    narrowed it with `attributes`/`excludedAttributes` (RFC 7644 §3.4.2.5)."""

    pointer: str
    kind: str
    partial: bool = False


@dataclass(frozen=True)
class Finding:
    """One schema violation in a received body."""

    exchange: str  # "<METHOD> <path> <status>"
    kind: str
    pointer: str
    message: str

    def text(self) -> str:
        return f"{self.exchange}: {self.kind} {self.pointer or '/'}: {self.message}"

    @classmethod
    def parse(cls, text: str) -> Finding:
        """The finding `text()` wrote; an unparsable text is kept whole as its message."""
        match = TEXT.match(text)
        if match is None:
            return cls("", "", "", text)
        return cls(match["exchange"], match["kind"], match["pointer"], match["message"])

    def to_json(self) -> dict[str, str]:
        return {"exchange": self.exchange, "kind": self.kind, "pointer": self.pointer,
                "message": self.message}


def kinds_of(resource_types: Iterable[tuple[str, str]]) -> dict[str, str]:
    """{endpoint path (lower case, no outer slashes): kind} from (endpoint, core schema URN)
    pairs, for every resource type: User and Group by their core schema, any other by the last
    name of its schema URN (`urn:…:Device` → "Device"). An endpoint given as a full URL counts
    by its path; `check_exchange` takes it relative to the base URL."""
    return {_key(endpoint): kind_of(schema) for endpoint, schema in resource_types
            if _key(endpoint)}


def kind_of(schema: str) -> str:
    """The kind of a resource whose resource type has core schema `schema`."""
    if schema in KIND_OF_SCHEMA:
        return KIND_OF_SCHEMA[schema]
    name = schema.rsplit(":", 1)[-1]
    # A name that is a kind of its own here (e.g. `urn:example:User`) would be judged by that
    # kind's schema; such a resource type is judged as any resource.
    if not WORD.match(name) or name in validate.NAMES:
        return RESOURCE
    return name


def _key(endpoint: str) -> str:
    path = httpx.URL(endpoint).path if endpoint.startswith(("http://", "https://")) \
        else endpoint
    return path.strip("/").lower()


def classify(method: str, path: str, status: int, body: Any, *,
             query: Mapping[str, str] | None = None, sent: Any = None,
             endpoints: Mapping[str, str] | None = None) -> list[Part]:
    """The documents a response body holds, by method, path (relative to the SCIM base URL,
    no query) and status; [] when the body is nothing the protocol defines."""
    if status >= 400:
        return [Part("", "Error")]
    if not 200 <= status < 300:
        return []
    method = method.upper()
    segments = [s for s in path.split("/") if s]
    if not segments:
        return []
    kinds = ENDPOINTS if endpoints is None else endpoints
    kind, rest = _endpoint(segments, kinds)
    search = segments[-1] == ".search"
    partial = _narrowed(query, sent if search else None)
    if method == "POST" and search and (rest == [".search"] or
                                        (kind is None and len(segments) <= 2)):
        return [Part("", "ListResponse"), *_resources(body, kind, partial, kinds)]
    if method == "GET":
        return _read(segments, rest, body, kind, partial)
    if method == "POST" and segments == ["Bulk"]:
        return [Part("", "BulkResponse")]
    if kind is not None and method == "POST" and not rest:
        return [Part("", kind, partial)]
    if kind is not None and method in ("PUT", "PATCH") and len(rest) == 1:
        return [Part("", kind, partial)]
    return []


def _endpoint(segments: list[str], kinds: Mapping[str, str]) -> tuple[str | None, list[str]]:
    """The kind of the longest endpoint `segments` start with, and the segments after it."""
    lowered = [s.lower() for s in segments]
    for size in range(len(segments), 0, -1):
        kind = kinds.get("/".join(lowered[:size]))
        if kind is not None:
            return kind, segments[size:]
    return None, segments


def _read(segments: list[str], rest: list[str], body: Any, kind: str | None,
          partial: bool) -> list[Part]:
    discovery = {"ResourceTypes": "ResourceType", "Schemas": "Schema"}
    if segments == ["ServiceProviderConfig"]:
        return [Part("", "ServiceProviderConfig")]
    if segments[0] in discovery and len(segments) <= 2:
        if len(segments) == 2:
            return [Part("", discovery[segments[0]])]
        return [Part("", "ListResponse"), *(Part(f"/Resources/{i}", discovery[segments[0]])
                                            for i in _indexes(body))]
    if kind is None or len(rest) > 1:
        return []
    if len(rest) == 1:
        return [Part("", kind, partial)]
    return [Part("", "ListResponse"), *_resources(body, kind, partial, {})]


def _resources(body: Any, kind: str | None, partial: bool,
               kinds: Mapping[str, str]) -> list[Part]:
    """The Resources of a ListResponse; at the root (`/.search`) each by its meta.resourceType."""
    parts = []
    known = RESOURCE_KINDS | set(kinds.values())
    for index in _indexes(body):
        item_kind = kind or _declared(body["Resources"][index], known)
        if item_kind is not None:
            parts.append(Part(f"/Resources/{index}", item_kind, partial))
    return parts


def _declared(resource: Any, known: set[str] | frozenset[str]) -> str | None:
    meta = resource.get("meta") if isinstance(resource, dict) else None
    declared = meta.get("resourceType") if isinstance(meta, dict) else None
    return declared if declared in known and declared != RESOURCE else None


def _indexes(body: Any) -> range:
    resources = body.get("Resources") if isinstance(body, dict) else None
    return range(len(resources)) if isinstance(resources, list) else range(0)


def _narrowed(query: Mapping[str, str] | None, sent: Any) -> bool:
    names = {key.lower() for key in (query or {})}
    if isinstance(sent, dict):
        names |= {key.lower() for key in sent if isinstance(key, str)}
    return bool(names & PROJECTION)


def without_nulls(value: Any) -> Any:
    """`value` with every null-valued member of every object dropped: RFC 7643 §2.5 makes a
    null equivalent to an unassigned attribute, which a representation may omit."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


def check(method: str, path: str, status: int, body: Any, **how: Any) -> list[Finding]:
    """Every schema violation in `body` (see `classify` for the arguments)."""
    exchange = f"{method.upper()} {path} {status}"
    found = []
    for part in classify(method, path, status, body, **how):
        # RFC 7643 §2.5: a null member is unassigned, in a resource or a message alike.
        document = without_nulls(_at(body, part.pointer))
        name = part.kind
        if part.kind not in MESSAGES and part.kind not in RESOURCE_KINDS:
            name = RESOURCE
        for error in validate.errors(document, name):
            if part.partial and _unrequested(error):
                continue
            where = part.pointer + validate.pointer(error.absolute_path)
            found.append(Finding(exchange, part.kind, where or "/", _clip(error.message)))
    return list(dict.fromkeys(found))


def _at(body: Any, pointer: str) -> Any:
    for step in pointer.split("/")[1:]:
        body = body[int(step)] if isinstance(body, list) else body[step]
    return body


def _unrequested(error: Any) -> bool:
    """A missing top-level attribute the request's attributes/excludedAttributes left out."""
    if error.validator != "required" or list(error.absolute_path):
        return False
    missing = [name for name in error.validator_value
               if error.message == f"{name!r} is a required property"]
    return bool(missing) and not set(missing) & ALWAYS


def _clip(message: str) -> str:
    message = " ".join(message.split())
    return message if len(message) <= MESSAGE_LIMIT else message[:MESSAGE_LIMIT - 1] + "…"


def check_exchange(exchange: Exchange, base: str,
                   endpoints: Mapping[str, str] | None = None) -> list[Finding]:
    """The findings of one recorded exchange under the SCIM base URL `base`; [] for an exchange
    without an answer, outside `base`, or whose body is not JSON. Endpoints written with the
    base path (`/scim/v2/Users` under `…/scim/v2`) are taken relative to it."""
    url = httpx.URL(exchange.url)
    origin, prefix = _root(base)
    if exchange.status is None or (url.scheme, url.host, url.port) != origin \
            or not url.path.startswith(prefix + "/"):
        return []
    body = _json(exchange.response_body)
    if body is None:
        return []
    return check(exchange.method, url.path[len(prefix):], exchange.status, body,
                 query=dict(url.params), sent=_json(exchange.request_body),
                 endpoints=_under(endpoints, prefix))


@lru_cache(maxsize=8)
def _root(base: str) -> tuple[tuple[str, str, int | None], str]:
    """The origin and the path of the base URL `base` (parsed once per run)."""
    root = httpx.URL(base)
    return (root.scheme, root.host, root.port), root.path.rstrip("/")


def _under(endpoints: Mapping[str, str] | None, prefix: str) -> Mapping[str, str] | None:
    """`endpoints` with the base path `prefix` taken off the keys that start with it."""
    base = prefix.strip("/").lower()
    if endpoints is None or not base:
        return endpoints
    return {(key[len(base) + 1:] if key.startswith(base + "/") else key): kind
            for key, kind in endpoints.items()}


def _json(text: str) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        # RecursionError: a body nested deeper than the parser goes (the robustness property
        # sends one) is no body to check.
        return None
