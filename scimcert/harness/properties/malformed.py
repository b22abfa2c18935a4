"""The bad requests of the robustness property: malformed JSON, wrong JSON types, unknown and
duplicated attributes, huge strings and bodies, deep nesting, invalid filters, PATCH paths,
sort and paging parameters, a bad or missing Content-Type, odd Unicode and bytes that are no
UTF-8 — drawn from fixtures/suites/properties.json and the target's own User schema.

Each is a `Bad`: the request, and whether RFC 7644 says it must be refused (and under which
requirement) or only that it must not break the target: an unknown attribute may be ignored,
a sort the provider does not offer may be left out, a Content-Type it does not know may be read
as JSON. A create's userName carries the example's tag, so a body the target took after all is
found and cleaned up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import httpx
from hypothesis import strategies as st

from scimcert.harness import cases
from scimcert.harness.properties import text
from scimcert.scim.errors import ScimError
from scimcert.scim.filter import parse, validate
from scimcert.scim.schema import Attribute, Registry, ResourceType
from scimcert.scim.tolerance import Tolerances
from scimcert.wire import Client, TargetError

BAD_REQUEST = "rfc7644/3.12/bad-request-400"
INVALID_VALUE = "rfc7644/3.12/invalid-value"
INVALID_FILTER = "rfc7644/3.4.2.2/invalid-filter"
TAG = "{tag}"
CANARY = "{canary}"
JSON_TYPES = {"string": 42, "boolean": "maybe", "integer": "many", "decimal": "much",
              "dateTime": 20250131, "reference": 7, "binary": 9}


@dataclass(frozen=True)
class Bad:
    """One bad request: `path` relative to the base URL, the raw body, headers and query.
    `refused` names the requirement saying it must be refused (None: any answer but a 5xx)."""

    kind: str
    method: str
    path: str
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    refused: str | None = None

    def filled(self, tag: str, canary: str) -> Bad:
        """The request with the example's tag and the canary's id in place."""
        def fill(value: str) -> str:
            return value.replace(TAG, tag).replace(CANARY, canary)

        content = self.content
        if content is not None:
            content = content.replace(TAG.encode(), tag.encode()).replace(
                CANARY.encode(), canary.encode())
        return Bad(self.kind, self.method, fill(self.path), content, dict(self.headers),
                   {k: fill(v) for k, v in self.params.items()}, self.refused)

    @property
    def creates(self) -> bool:
        return self.method == "POST"


@cache
def _data() -> dict[str, Any]:
    return text.data()["robustness"]


@cache
def _invalid_filters() -> tuple[str, ...]:
    excluded = set(cases.load("suites/query.json")["invalid_filters_excluded"])
    return tuple(c["filter"] for c in cases.load("filters/invalid.json")["filters"]
                 if c["id"] not in excluded)


def _user(schema: str, **more: Any) -> dict[str, Any]:
    return {"schemas": [schema], "userName": f"{TAG}robust", **more}


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


SCIM_JSON = {"Content-Type": "application/scim+json"}


def requests(registry: Registry, users: ResourceType) -> st.SearchStrategy[Bad]:
    """Every kind of bad request, against the target's User endpoint and the canary user."""
    data = _data()
    endpoint = users.endpoint
    schema = users.schema
    valid = _json(_user(schema))

    malformed = st.one_of(
        st.sampled_from(data["malformed_json"]).map(str.encode),
        st.integers(1, len(valid) - 1).map(lambda k: valid[:k]),
    ).map(lambda body: Bad("malformed JSON", "POST", endpoint, body, SCIM_JSON,
                           refused=BAD_REQUEST))
    typed = [a for a in registry.attributes(users) if a.mutability in ("readWrite", "immutable")
             and a.name not in ("schemas", "id", "meta", "userName")
             and rtype_core(a, users)]
    wrong = st.sampled_from(typed).flatmap(lambda a: st.sampled_from(_wrong_values(a)).map(
        lambda v, a=a: Bad(f"wrong JSON type for {a.name}", "POST", endpoint,
                           _json(_user(schema, **{a.name: v})), SCIM_JSON,
                           refused=INVALID_VALUE)))
    unknown = text.plain(3, 12).map(lambda name: Bad(
        "unknown attribute", "POST", endpoint,
        _json(_user(schema, **{f"x{name}": {"nested": [name]}})), SCIM_JSON))
    duplicated = st.sampled_from(["userName", "USERNAME", "schemas"]).map(lambda key: Bad(
        "duplicated attribute", "POST", endpoint,
        valid[:-1] + f', "{key}": "{TAG}again"}}'.encode(), SCIM_JSON))
    huge = st.sampled_from(["userName", "displayName", "nickName"]).map(lambda key: Bad(
        f"huge {key}", "POST", endpoint,
        _json({**_user(schema), key: f"{TAG}" + "é" * data["huge_string"]}), SCIM_JSON))
    deep = st.just(data["deep_nesting"]).map(lambda depth: Bad(
        "deep nesting", "POST", endpoint,
        valid[:-1] + b', "nested": ' + b"[" * depth + b"]" * depth + b"}", SCIM_JSON))
    unicode = st.sampled_from(data["odd_unicode"]).map(lambda odd: Bad(
        f"userName holding {odd['id']}", "POST", endpoint,
        valid[:-1].replace(b'robust"', f'robust{odd["escape"]}x"'.encode()) + b"}", SCIM_JSON))
    bytes_ = st.sampled_from(data["invalid_utf8"]).map(lambda hexed: Bad(
        f"bytes that are no UTF-8 ({hexed})", "POST", endpoint,
        valid.replace(b'robust"', b"robust" + bytes.fromhex(hexed) + b'"'), SCIM_JSON))
    media = st.sampled_from(data["content_types"]).map(lambda ct: Bad(
        f"Content-Type {ct['id']}", "POST", endpoint, valid,
        {} if ct["value"] is None else {"Content-Type": ct["value"]}))
    filters = st.one_of(st.sampled_from(_invalid_filters()),
                        st.builds(lambda t, k: f'userName eq "{t}"'[:k], text.words(),
                                  st.integers(1, 40))).map(
        lambda f: Bad("invalid filter", "GET", endpoint, params={"filter": f},
                      refused=INVALID_FILTER if _refused(f, registry, users) else None))
    odd_filter = st.sampled_from(data["odd_unicode"]).map(lambda odd: Bad(
        f"filter holding {odd['id']}", "GET", endpoint,
        params={"filter": f'userName eq "x{odd["escape"]}"'}))
    paths = st.sampled_from(data["paths"]).map(lambda path: Bad(
        "invalid PATCH path", "PATCH", f"{endpoint}/{CANARY}",
        _json({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
               "Operations": [{"op": "replace", "path": path, "value": "x"}]}), SCIM_JSON,
        refused=BAD_REQUEST))
    queries = st.sampled_from([*data["sort"], *data["paging"]]).map(lambda params: Bad(
        "bad sort or paging parameter", "GET", endpoint, params=dict(params)))
    return st.one_of(malformed, wrong, unknown, duplicated, huge, deep, unicode, bytes_, media,
                     filters, odd_filter, paths, queries)


def samples(registry: Registry, users: ResourceType) -> list[Bad]:
    """One request of each kind, sent on every run before the generated ones: each kind is
    tried whatever the profile's number of examples."""
    data = _data()
    endpoint, schema = users.endpoint, users.schema
    valid = _json(_user(schema))
    found = [
        Bad("malformed JSON", "POST", endpoint, data["malformed_json"][0].encode(), SCIM_JSON,
            refused=BAD_REQUEST),
        Bad("unknown attribute", "POST", endpoint, _json(_user(schema, xunknown={"a": [1]})),
            SCIM_JSON),
        Bad("deep nesting", "POST", endpoint, valid[:-1] + b', "nested": '
            + b"[" * data["deep_nesting"] + b"]" * data["deep_nesting"] + b"}", SCIM_JSON),
        Bad("Content-Type missing", "POST", endpoint, valid),
        Bad("invalid filter", "GET", endpoint, params={"filter": _invalid_filters()[0]},
            refused=INVALID_FILTER),
        Bad("invalid PATCH path", "PATCH", f"{endpoint}/{CANARY}",
            _json({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                   "Operations": [{"op": "replace", "path": data["paths"][1], "value": "x"}]}),
            SCIM_JSON, refused=BAD_REQUEST),
    ]
    found += [Bad(f"userName holding {odd['id']}", "POST", endpoint,
                  valid[:-1].replace(b'robust"', f'robust{odd["escape"]}x"'.encode()) + b"}",
                  SCIM_JSON) for odd in data["odd_unicode"][:2]]
    return found


def send(client: Client, bad: Bad) -> httpx.Response | None:
    """Send `bad` as it is; None when the target gives no answer (timed out, dropped)."""
    try:
        return client.request(bad.method, bad.path, content=bad.content, headers=bad.headers,
                              params=bad.params or None)
    except TargetError:
        return None


def rtype_core(attr: Attribute, rtype: ResourceType) -> bool:
    """Whether `attr` is of the resource type's core schema (sent at the top level)."""
    return rtype.extension_urn(attr.schema) is None


def _wrong_values(attr: Attribute) -> list[Any]:
    """Values of a JSON type `attr` does not have (RFC 7643 §2.3; never "true"/"false" for a
    boolean, which Entra sends and bridges accept on purpose)."""
    if attr.multi_valued:
        return ["x", 5]
    if attr.is_complex:
        return [5, "x"]
    return [JSON_TYPES.get(attr.type, 42), {"value": "x"}, [1, 2]]


def _refused(text_: str, registry: Registry, rtype: ResourceType) -> bool:
    """Whether even a tolerant reading of the filter finds it malformed: only then must it be
    refused (RFC 7644 §3.4.2.2, Figure 1)."""
    try:
        validate(parse(text_, Tolerances.all()), registry, rtype)
    except (ScimError, RecursionError):
        return True
    return False
