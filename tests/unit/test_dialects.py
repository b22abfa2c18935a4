"""IdP dialects (scimcert/idp/dialect.py, fixtures/dialects/): what each renders for each intent.

Golden files (tests/unit/golden/<dialect>.json) hold the exact requests of one fixed run of every
intent; after a deliberate change, regenerate them with
`SCIMCERT_GOLDEN=write pytest tests/unit/test_dialects.py` and review the diff. The examples of
the IdPs' own documentation (fixtures/documented/) must come out in the same shape.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from scimcert.harness import cases, catalogue
from scimcert.idp.dialect import Dialect, names
from scimcert.idp.intent import KINDS, Intent
from scimcert.idp.request import Request
from scimcert.scim import tolerance
from scimcert.scim.filter import parse
from scimcert.scim.filter.ast import And, Compare, Or

GOLDEN = Path(__file__).parent / "golden"
PERSON = {"userName": "alice@example.com", "externalId": "alice-ext", "displayName": "Alice",
          "givenName": "Alice", "familyName": "Smith", "email": "alice@example.com",
          "preferredLanguage": "en-GB", "active": True, "employeeNumber": "E1",
          "department": "Sales", "manager": "u-bob"}
USER = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "u-alice",
        "userName": "alice@example.com", "name": {"givenName": "Alice"}, "active": True,
        "emails": [{"value": "alice@example.com", "type": "work", "primary": True}],
        "meta": {"resourceType": "User"}}
GROUP = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g-eng",
         "displayName": "Eng", "members": [{"value": "u-alice"}, {"value": "u-bob"}],
         "meta": {"resourceType": "Group"}}
# One intent of each kind, with fixed ids: the run the golden files hold.
RUN = [
    Intent("test_connection"),
    Intent("find_user", {"userName": "alice@example.com"}),
    Intent("create_user", {"person": PERSON}),
    Intent("update_user", {"id": "u-alice", "current": USER,
                           "changes": {"displayName": "Alicia", "familyName": "Moved",
                                       "email": "alicia@example.com", "department": "R&D"}}),
    Intent("change_username", {"id": "u-alice", "userName": "alicia@example.com",
                               "current": USER}),
    Intent("deactivate_user", {"id": "u-alice", "current": USER}),
    Intent("reactivate_user", {"id": "u-alice", "current": {**USER, "active": False}}),
    Intent("delete_user", {"id": "u-alice", "current": USER}),
    Intent("find_group", {"displayName": "Eng"}),
    Intent("create_group", {"displayName": "Eng", "externalId": "eng-ext", "members": []}),
    Intent("rename_group", {"id": "g-eng", "displayName": "Engineering", "current": GROUP}),
    Intent("update_group", {"id": "g-eng", "changes": {"displayName": "Engineering",
                                                        "externalId": "eng-2"},
                            "current": GROUP}),
    Intent("add_members", {"id": "g-eng", "members": ["u-carol"], "current": GROUP}),
    Intent("remove_members", {"id": "g-eng", "members": ["u-bob"], "current": GROUP}),
    Intent("replace_members", {"id": "g-eng", "members": ["u-bob", "u-carol"],
                               "current": GROUP}),
    Intent("delete_group", {"id": "g-eng"}),
]
DIALECTS = names()


def rendered(name: str) -> list[dict[str, Any]]:
    dialect = Dialect.load(name)
    return [{"intent": i.kind, "requests": [r.to_json() for r in dialect.render(i)]} for i in RUN]


def ops(request: Request) -> list[dict[str, Any]]:
    return (request.body or {}).get("Operations", []) if request.method == "PATCH" else []


def render_one(name: str, kind: str) -> list[Request]:
    return Dialect.load(name).render(next(i for i in RUN if i.kind == kind))


def test_the_run_covers_every_intent():
    assert sorted(i.kind for i in RUN) == sorted(KINDS)


@pytest.mark.parametrize("name", DIALECTS)
def test_dialect_renders_its_golden_requests(name):
    file = GOLDEN / f"{name}.json"
    got = rendered(name)
    if os.environ.get("SCIMCERT_GOLDEN") == "write":
        file.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == json.loads(file.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", DIALECTS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_dialect_renders_every_intent(name, kind):
    requests = render_one(name, kind)
    assert requests
    for request in requests:
        assert request.method in ("GET", "POST", "PUT", "PATCH", "DELETE")
        assert request.path.startswith(("/Users", "/Groups", "/ServiceProviderConfig"))
        json.dumps(request.to_json())
        assert Request.from_json(request.to_json()) == request


def documented() -> list[Any]:
    return [pytest.param(doc["dialect"], example, id=f"{doc['dialect']}: {example['title']}")
            for doc in (cases.load(f) for f in cases.files("documented"))
            for example in doc["examples"]]


def shape(value: Any) -> Any:
    """The shape of a JSON value: keys kept, strings kept only where they are structure (op
    names, paths, schema URIs), other values reduced to their JSON type."""
    if isinstance(value, dict):
        return {k: (v if k in ("op", "path") else shape(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value]
    return type(value).__name__


def fits(sent: Any, documented: Any) -> bool:
    """Whether `sent` has the documented shape: every key it sends is documented with the same
    shape (a documented body may carry more, e.g. Entra's name.formatted and roles []), lists
    element by element, op names and paths equal."""
    if isinstance(sent, dict):
        return isinstance(documented, dict) and all(
            k in documented and fits(v, documented[k]) for k, v in sent.items())
    if isinstance(sent, list):
        return isinstance(documented, list) and len(sent) == len(documented) and all(
            fits(a, b) for a, b in zip(sent, documented, strict=True))
    return sent == documented


def request_shape(request: dict[str, Any]) -> dict[str, Any]:
    body = request.get("body")
    return {"method": request["method"], "path": request["path"].count("/"),
            "params": [k for k, _ in request.get("params", [])],
            "headers": sorted(map(tuple, request.get("headers", []))),
            "schemas": (body or {}).get("schemas") if isinstance(body, dict) else None}


@pytest.mark.parametrize(("name", "example"), documented())
def test_dialect_sends_what_the_idp_documents(name, example):
    intent = Intent(example["intent"]["kind"], example["intent"]["args"])
    got, = Dialect.load(name).render(intent)
    assert request_shape(got.to_json()) == request_shape(example["request"])
    assert fits(shape(got.body), shape(example["request"].get("body")))


def test_aliases_load_their_dialect():
    assert Dialect.load("Azure").name == "entra"
    assert Dialect.load("aadOptscim062020").name == "entra-flagged"
    with pytest.raises(KeyError, match="unknown dialect"):
        Dialect.load("google")


def test_entra_sends_capitalised_ops_and_string_booleans():
    body = render_one("entra", "deactivate_user")[0].body
    assert body["Operations"] == [{"op": "Replace", "path": "active", "value": "False"}]


def test_entra_removes_members_with_a_value_list():
    op, = ops(render_one("entra", "remove_members")[0])
    assert op == {"op": "Remove", "path": "members", "value": [{"value": "u-bob"}]}


def test_entra_flagged_removes_members_by_value_filter_without_value():
    op, = ops(render_one("entra-flagged", "remove_members")[0])
    assert op == {"op": "remove", "path": 'members[value eq "u-bob"]'}


def test_entra_flagged_replaces_several_attributes_pathless_keyed_by_path():
    operations = ops(render_one("entra-flagged", "update_user")[0])
    pathless = [op for op in operations if "path" not in op]
    assert len(pathless) == 1 and "name.familyName" in pathless[0]["value"]


def test_entra_looks_groups_up_without_members():
    request, = render_one("entra", "find_group")
    assert ("excludedAttributes", "members") in request.params


def test_okta_deactivates_with_a_pathless_active_false():
    assert ops(render_one("okta", "deactivate_user")[0]) == [
        {"op": "replace", "value": {"active": False}}]


def test_okta_never_deletes_a_user():
    for name in ("okta", "okta-aiw"):
        assert all(r.method != "DELETE" for r in render_one(name, "delete_user"))


def test_okta_resends_the_rename_with_a_membership_change():
    first, *_ = ops(render_one("okta", "add_members")[0])
    assert first == {"op": "replace", "value": {"id": "g-eng", "displayName": "Eng"}}


def test_okta_aiw_puts_the_whole_group_for_membership():
    request, = render_one("okta-aiw", "remove_members")
    assert request.method == "PUT" and request.body["members"] == [{"value": "u-alice"}]


def test_okta_sends_its_user_agent():
    assert ("User-Agent", "Okta SCIM Client 1.0.0") in render_one("okta", "find_user")[0].headers


def test_interop_keeps_the_profiles_client_rules():
    """draft-zollner-scim-interop-profile-01: a User-Agent on every request (§6.2), only eq and
    and in filters (§6.3), PATCH not PUT (§6.5), a path on every operation and one operation per
    path (§6.5.1.1-2), no conditional headers (§6.7)."""
    for kind in KINDS:
        for request in render_one("interop", kind):
            headers = {h.lower() for h, _ in request.headers}
            assert "user-agent" in headers, (kind, request)
            assert not headers & {"if-match", "if-none-match", "if-modified-since",
                                  "if-unmodified-since"}, (kind, request)
            assert request.method != "PUT", (kind, request)
            paths = [op.get("path") for op in ops(request)]
            assert all(paths) and len(paths) == len(set(paths)), (kind, paths)
            for name, value in request.params:
                if name == "filter":
                    assert filter_operators(parse(value)) <= {"eq", "and"}, (kind, value)


def filter_operators(node: Any) -> set[str]:
    """The operators a filter expression uses (comparisons and logical ones)."""
    if isinstance(node, Compare):
        return {node.op}
    if isinstance(node, And):
        return {"and"} | filter_operators(node.left) | filter_operators(node.right)
    if isinstance(node, Or):
        return {"or"} | filter_operators(node.left) | filter_operators(node.right)
    return {type(node).__name__.lower()}


def test_quirks_name_known_requirements_and_tolerances():
    known = {r.id for r in catalogue.load()}
    for name in DIALECTS:
        for quirk in Dialect.load(name).quirks:
            assert quirk.requirement is None or quirk.requirement in known, quirk
            assert quirk.tolerance is None or quirk.tolerance in tolerance.names(), quirk


def test_dialect_schema_refuses_a_quirk_without_a_source():
    data = cases.load("dialects/entra.json")
    del data["quirks"][0]["source"]
    assert not cases.validator("data/dialect").is_valid(data)


def test_scenarios_name_exactly_the_dialects():
    enum = cases.validator("data/scenario").schema["$defs"]["dialects"]["items"]["enum"]
    assert sorted(enum) == sorted(DIALECTS)
