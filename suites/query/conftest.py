"""The query suite's data set (`fixtures/filters/dataset.json`, created once) and how a filter
reaches it on the target: scoped to the data set by a filter the target answers, or sent alone
and intersected with it; a refusal the RFC allows is not applicable, with the reason."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from scimcert.harness import cases
from scimcert.harness.cases import fill
from scimcert.harness.checks import (
    CheckFailure,
    body_of,
    expect,
    expect_list,
    expect_status,
    precondition,
)
from scimcert.harness.factory import CREATED, Factory, declared_part
from scimcert.harness.outcome import not_applicable
from scimcert.scim.errors import ScimError
from scimcert.scim.filter import evaluate, parse, to_string
from scimcert.scim.filter.ast import And, Compare, Node, Not, Or, Present, ValuePath
from scimcert.scim.filter.lexer import tokenize
from scimcert.scim.schema import Attribute, AttrPath, Registry, ResourceType
from scimcert.scim.tolerance import Tolerances
from scimcert.scim.urns import SEARCH_REQUEST_URN, USER_URN

# RFC 7644 §3.4.3 only lets clients use POST /.search; a provider that does not serve it answers
# one of these.
NOT_SERVED = (404, 405, 501)
REFUSAL = ("RFC 7644 §3.12: invalidFilter covers \"the specified attribute and filter "
           "comparison combination is not supported\"; operator support is graded by "
           "rfc7644/3.4.2.2/unsupported-operator")
# RFC 7644 §3.4.2.2: "Clients MAY query by schema or schema extensions by using a filter
# expression including the "schemas" attribute", which no schema declares.
SCHEMAS = "schemas"
LOGICAL = {And: "and", Or: "or", Not: "not"}
# The filter forms an IdP sends that RFC 7644 §3.4.2.2 lacks, which the truth table holds under
# their IdP requirement: Entra's `emails[type eq "work"].value eq "x"`. The suite must read them
# to know the answer expected, whatever the target makes of them.
IDP_FORMS = Tolerances(value_path_sub_attribute=True)


def user_type(registry: Registry) -> ResourceType:
    """The target's resource type whose core schema is the User schema (RFC 7643 §4.1)."""
    found = next((r for r in registry.resource_types.values()
                  if r.schema.lower() == USER_URN.lower()), None)
    if found is None:
        not_applicable("the target declares no resource type with the core User schema")
    return found


@dataclass
class Dataset:
    """The created data set: `users` maps each key of dataset.json to the resource the target
    answered its create with, `sent` to the body sent (cut to what the target declares)."""

    prefix: str
    names: dict[str, str]
    sent: dict[str, dict[str, Any]]
    users: dict[str, dict[str, Any]]
    unit_only: set[str]

    @property
    def keys(self) -> list[str]:
        """Every created user's key, sorted."""
        return sorted(self.users)

    def fill(self, text: str) -> str:
        """`text` with `{run}`, `{domain}` and `{id:KEY}` filled in."""
        ids = {f"id:{key}": user["id"] for key, user in self.users.items()}
        return fill(text, {**self.names, **ids})

    def expected(self, keys: list[str]) -> list[str]:
        """`keys` without the users that exist only in unit tests, sorted."""
        return sorted(k for k in keys if k not in self.unit_only)

    def keys_of(self, resources: list[dict[str, Any]]) -> list[str]:
        """The data-set keys of `resources`, matched on userName without regard to case
        (userName is caseExact=false, so the server MAY alter its case: RFC 7643 §7)."""
        by_name = {user["userName"].lower(): key for key, user in self.sent.items()}
        return [by_name.get(str(r.get("userName", "")).lower(), f"<{r.get('userName')}>")
                for r in resources]

    def key_with(self, *attributes: str) -> str:
        """The first key whose created user has every one of `attributes`."""
        for key, user in self.users.items():
            if all(user.get(name) for name in attributes):
                return key
        not_applicable(f"no data-set user holds {', '.join(attributes)} on this target "
                       "(it declares or keeps none)")
        raise AssertionError("unreachable")


def _references(value: Any) -> set[str]:
    """The keys named by `{id:KEY}` placeholders anywhere in `value`."""
    return set(re.findall(r"\{id:([^}]+)\}", json.dumps(value)))


def _creation_order(users: dict[str, Any]) -> list[str]:
    """Keys ordered so that every `{id:KEY}` names a user created before it."""
    order: list[str] = []
    pending = dict(users)
    while pending:
        ready = [k for k, body in pending.items() if _references(body) <= set(order)]
        if not ready:
            raise ValueError(f"dataset.json: unresolvable {{id:…}} references in {sorted(pending)}")
        order += ready
        for key in ready:
            del pending[key]
    return order


@pytest.fixture(scope="session")
def dataset(scim_session, cleanup, target, registry) -> Dataset:
    """Create the filter data set on the target once per session, a precondition of every test
    that reads it.

    `{run}` becomes the run id plus `qry-`, so no scope catches the users other suites make with
    the bare run id (their names continue with hex digits). Users listed in `unitOnly` are not
    created; `id` and `meta` are the server's to assign (RFC 7643 §3.1). Each body carries only
    what the target declares, plus any attribute it declares required that the data lacks.
    """
    data = cases.load("filters/dataset.json")
    unit_only = set(data.get("unitOnly", ()))
    bodies = {k: v for k, v in data["users"].items() if k not in unit_only}
    names = {"run": f"{target.run_id}qry-", "domain": target.email_domain}
    rtype = user_type(registry)
    factory = Factory(scim_session, cleanup, run_id=target.run_id,
                      email_domain=target.email_domain,
                      rng=random.Random(f"{target.seed}:dataset"), registry=registry)
    sent: dict[str, dict[str, Any]] = {}
    users: dict[str, dict[str, Any]] = {}
    for key in _creation_order(bodies):
        ids = {f"id:{ref}": users[ref]["id"] for ref in _references(bodies[key])}
        body = fill({k: v for k, v in bodies[key].items() if k not in ("id", "meta")},
                    {**names, **ids})
        sent[key] = {**factory.minimal(rtype.name), **declared_part(registry, rtype, body)}
        with precondition(CREATED):
            resp = scim_session.post(rtype.endpoint, json=sent[key])
            created = body_of(resp) if resp.is_success else None
            if isinstance(created, dict) and isinstance(created.get("id"), str):
                cleanup.register(rtype.endpoint, created["id"])
            expect_status(resp, 201)
            expect(isinstance(created, dict) and isinstance(created.get("id"), str),
                   f"POST {rtype.endpoint} answers the created resource with its id",
                   expected="an object with a string id", actual=created, resp=resp)
        users[key] = created
    return Dataset(names["run"], names, sent, users, unit_only)


def leaves(node: Node, parent: AttrPath | None = None) -> Iterator[tuple[AttrPath, Node]]:
    """Every comparison and presence test of `node` with the full path it names: members of a
    value path carry their parent (`emails[type eq "w"]` gives `emails.type`)."""
    if isinstance(node, And | Or):
        yield from leaves(node.left, parent)
        yield from leaves(node.right, parent)
    elif isinstance(node, Not):
        yield from leaves(node.inner, parent)
    elif isinstance(node, ValuePath):
        yield from leaves(node.filter, node.path)
    elif parent is not None:
        yield AttrPath(parent.attr, node.path.attr, parent.urn), node
    else:
        yield node.path, node


def _resolved(registry: Registry, rtype: ResourceType, path: AttrPath,
              node: Node) -> tuple[Attribute | None, Attribute | None]:
    """(top-level attribute, the attribute `node` compares values of) of `path`; a sub-attribute
    is resolved only on a complex attribute, and a multi-valued complex attribute compared
    without one stands for its `value` (RFC 7643 §2.4)."""
    top = registry.top_attribute(rtype, path)
    if top is None or not top.is_complex:
        return top, top
    compared = top.sub(path.sub) if path.sub else top
    if compared is top and isinstance(node, Compare) and top.multi_valued:
        compared = top.sub("value") or top
    return top, compared


def unfit(text: str, registry: Registry, defaults: Registry) -> str | None:
    """Why the target need not answer `text` as the fixtures expect, or None: it does not
    declare an attribute the filter names, or declares it of another type than the RFC 7643
    schema the fixtures assume (RFC 7644 §3.4.2.2: "The actual comparison is dependent on the
    attribute type")."""
    try:
        node = parse(text, IDP_FORMS)
    except ScimError:
        return None
    mine, rfc = user_type(registry), user_type(defaults)
    for path, leaf in leaves(node):
        if path.urn is None and path.sub is None and path.attr.lower() == SCHEMAS:
            continue
        top, declared = _resolved(registry, mine, path, leaf)
        if top is None or declared is None:
            return f"the target does not declare {path}"
        _, assumed = _resolved(defaults, rfc, path, leaf)
        if assumed is None:
            continue
        if declared.type != assumed.type:
            return (f"the target declares {path} of type {declared.type}; the expected answer "
                    f"assumes {assumed.type}")
    return None


@pytest.fixture(scope="session")
def schemas_served(scim_session) -> bool:
    """Whether the target serves its own /Schemas (the `registry` fixture falls back to the
    RFC 7643 schemas without saying so)."""
    resp = scim_session.get("/Schemas")
    try:
        body = resp.json() if resp.status_code == 200 else None
    except ValueError:
        return False
    listed = body.get("Resources") if isinstance(body, dict) else body
    return isinstance(listed, list) and bool(listed)


@pytest.fixture(scope="session")
def defaults() -> Registry:
    """The RFC 7643 schemas the fixtures' expected answers assume."""
    return Registry.load()


@pytest.fixture(scope="session")
def assumptions(registry, defaults) -> Callable[[str], None]:
    """Ends a test as not applicable when its filter names an attribute the target does not
    declare as the fixtures assume."""

    def check(text: str) -> None:
        reason = unfit(text, registry, defaults)
        if reason:
            not_applicable(reason)

    return check


Send = Callable[[dict[str, Any]], httpx.Response]


@dataclass
class Population:
    """The data set as filters reach it: `scope` (a filter selecting exactly the data set, or
    None when the target answers none of `fixtures/suites/query.json`'s scopes) and what the
    target answered to the filters probed so far."""

    dataset: Dataset
    registry: Registry
    scope: str | None
    cap: int
    operators: dict[str, str]
    answered: dict[str, bool] = field(default_factory=dict)

    @property
    def scoped(self) -> str:
        """The scope filter; not applicable when there is none."""
        if self.scope is None:
            not_applicable("no filter the target answers selects exactly the data set "
                           "(fixtures/suites/query.json scopes)")
        return self.scope

    def selection(self, scim) -> tuple[str, list[str]]:
        """A filter the target answers by GET and the data-set keys it selects: the scope, else
        one user by userName; not applicable when it refuses that too."""
        if self.scope is not None:
            return self.scope, self.dataset.keys
        key = self.dataset.key_with("userName")
        text = f'userName eq "{self.dataset.users[key]["userName"]}"'
        if not self.answers(scim, text):
            not_applicable(f"the target refuses {text!r} by GET as well; POST /.search is held "
                           "to the answers GET gives (RFC 7644 §3.4.3)")
        return text, [key]

    def applicable(self, case: dict[str, Any], assumptions: Callable[[str], None]) -> str:
        """A truth-table case's filter, filled in; not applicable when the target declares
        its attributes otherwise than the expected answer assumes, or did not keep the values
        the filter compares as sent."""
        text = self.dataset.fill(case["filter"])
        assumptions(text)
        reason = self.declared_otherwise(text, self.dataset.expected(case["matches"])) \
            or self.altered(text)
        if reason:
            not_applicable(reason)
        return text

    def as_sent(self, key: str) -> dict[str, Any]:
        """The data-set user `key` as sent, with the id and meta the target assigned."""
        stored = self.dataset.users[key]
        assigned = {k: v for k, v in stored.items() if k.lower() in ("id", "meta")}
        return {**assigned, **self.dataset.sent[key]}

    def selected(self, text: str, view: Callable[[str], dict[str, Any]]) -> list[str]:
        """The data-set keys whose `view` matches `text` under the target's declared schema
        (RFC 7644 §3.4.2.2: string comparison follows the declared "caseExact")."""
        node, rtype = parse(text, IDP_FORMS), user_type(self.registry)
        return sorted(key for key in self.dataset.users
                      if evaluate(node, view(key), self.registry, rtype))

    def declared_otherwise(self, text: str, expected: list[str]) -> str | None:
        """Why the data as sent answers `text` otherwise than `expected` under the target's
        declared schema (another caseExact, say), or None."""
        try:
            selected = self.selected(text, self.as_sent)
        except ScimError as exc:
            return f"the target's schema makes {text!r} unanswerable: {exc.detail}"
        if selected != expected:
            return (f"as the target declares its attributes, {text!r} selects {selected} of the "
                    f"data set, not the {expected} the RFC 7643 schema gives")
        return None

    def altered(self, text: str) -> str | None:
        """Why the stored data set no longer gives the expected answer to `text`, or None:
        the target stored a compared value otherwise than sent (RFC 7644 §3.3: "the server is
        free to alter and/or ignore POSTed content")."""
        stored = self.selected(text, lambda key: self.dataset.users[key])
        if stored != self.selected(text, self.as_sent):
            return (f"the target did not keep what {text!r} compares as sent: as stored, the "
                    f"filter selects {stored} of the data set")
        return None

    def matching(self, scim, text: str, via: str = "GET") -> list[str]:
        """The sorted data-set keys `text` selects on the target (GET, or POST /.search)."""
        send = self.sender(scim, via)
        if self.scope is not None:
            scoped = f"({text}) and {self.scope}"
            resp = send({"filter": scoped})
            if resp.status_code != 400:
                return sorted(self.dataset.keys_of(self.walk(send, resp, scoped)))
        resp = send({"filter": text})
        if resp.status_code == 400:
            self.refused(scim, text, resp, via)
        first = expect_list(resp)
        if first["totalResults"] > self.cap:
            not_applicable(f"the target holds {first['totalResults']} users matching {text!r}; "
                           f"without a scope filter the suite reads at most {self.cap}")
        keys = self.dataset.keys_of(self.walk(send, resp, text))
        return sorted(key for key in keys if key in self.dataset.users)

    def sender(self, scim, via: str) -> Send:
        """A function sending query parameters by `via`: GET /Users, or POST /Users/.search
        (not applicable when the target does not serve it)."""
        endpoint = user_type(self.registry).endpoint
        if via == "GET":
            return lambda params: scim.get(endpoint, params=params)

        def post(params: dict[str, Any]) -> httpx.Response:
            resp = scim.post(f"{endpoint}/.search",
                             json={"schemas": [SEARCH_REQUEST_URN], **params})
            if resp.status_code in NOT_SERVED:
                not_applicable(f"the target does not serve POST /.search "
                               f"({resp.status_code}); RFC 7644 §3.4.3 only lets clients use it")
            return resp

        return post

    def walk(self, send: Send, resp: httpx.Response, text: str) -> list[dict[str, Any]]:
        """The resources of the answer `resp` to the filter `text` and of its later pages, up
        to the cap (pages walked by startIndex only when the first falls short of
        totalResults)."""
        body = expect_list(resp)
        found = list(body.get("Resources") or [])
        while len(found) < min(body["totalResults"], self.cap):
            start = len(found) + 1
            page = expect_list(send({"filter": text, "startIndex": start}))
            expect(page.get("Resources"), "a page before totalResults is reached has resources",
                   expected=f"resources from startIndex {start}", actual=page)
            found += page["Resources"]
        return found

    def refused(self, scim, text: str, resp: httpx.Response, via: str) -> None:
        """Judge the target's 400 to `text`: not applicable when it also refuses a comparison
        or an operator of the filter on its own (by GET), a failure when it answers each."""
        if via == "GET":
            self.answered[text] = False
        part = self.unsupported(scim, text)
        if part is not None:
            alone = "" if part == repr(text) else f", and {part} on its own"
            not_applicable(f"the target refuses {text!r} with {resp.status_code}{alone}; "
                           f"{REFUSAL}")
        expect(False, f"the target refuses {text!r} although it answers each comparison and "
               "logical operator in it on its own", expected="200 with the matching resources",
               actual=f"{resp.status_code} {_scim_type(resp) or ''}".strip(), resp=resp)

    def unsupported(self, scim, text: str) -> str | None:
        """The first part of the filter `text` the target refuses on its own, described: a
        comparison (in the schema's spelling), a value path, or a logical operator or grouping;
        None when it answers every part."""
        node = parse(text, IDP_FORMS)
        for part in _parts(node):
            canonical = to_string(self.canonical(part))
            if not self.answers(scim, canonical):
                return repr(canonical)
        used = {LOGICAL[type(n)] for n in _joints(node)}
        if any(t.kind == "(" for t in tokenize(text)):
            used.add("grouping")
        for name in sorted(used):
            if not self.answers(scim, self.operators[name]):
                return f"{name!r} ({self.operators[name]!r})"
        return None

    def answers(self, scim, text: str) -> bool:
        """Whether the target answers `text` otherwise than with 400 (asked once per run)."""
        if text not in self.answered:
            resp = scim.get(user_type(self.registry).endpoint,
                            params={"filter": text, "count": 1})
            self.answered[text] = resp.status_code != 400
        return self.answered[text]

    def canonical(self, node: Node, parent: Attribute | None = None) -> Node:
        """`node` with every attribute named as the target's schema spells it (core URN left
        out, extension URN kept: RFC 7644 §3.10)."""
        if isinstance(node, Compare):
            return Compare(self.spelled(node.path, parent), node.op, node.value)
        if isinstance(node, Present):
            return Present(self.spelled(node.path, parent))
        if isinstance(node, ValuePath):
            top = self.registry.top_attribute(user_type(self.registry), node.path)
            return ValuePath(self.spelled(node.path, None), self.canonical(node.filter, top))
        if isinstance(node, Not):
            return Not(self.canonical(node.inner, parent))
        return type(node)(self.canonical(node.left, parent), self.canonical(node.right, parent))

    def spelled(self, path: AttrPath, parent: Attribute | None) -> AttrPath:
        if parent is not None:
            sub = parent.sub(path.attr)
            return AttrPath(sub.name if sub else path.attr)
        rtype = user_type(self.registry)
        top = self.registry.top_attribute(rtype, path)
        if top is None:
            return path
        sub = top.sub(path.sub) if path.sub else None
        urn = None if path.urn is None or path.urn.lower() == rtype.schema.lower() \
            else rtype.extension_urn(path.urn) or path.urn
        return AttrPath(top.name, sub.name if sub else path.sub, urn)


def _parts(node: Node) -> Iterator[Node]:
    """The comparisons, presence tests and value paths `node` joins with and, or and not."""
    if isinstance(node, And | Or):
        yield from _parts(node.left)
        yield from _parts(node.right)
    elif isinstance(node, Not):
        yield from _parts(node.inner)
    else:
        yield node


def _joints(node: Node) -> Iterator[Node]:
    """The and, or and not nodes joining the parts of `node` (not those inside a value path,
    which is probed whole)."""
    if isinstance(node, And | Or):
        yield node
        yield from _joints(node.left)
        yield from _joints(node.right)
    elif isinstance(node, Not):
        yield node
        yield from _joints(node.inner)


def _scim_type(resp: httpx.Response) -> Any:
    """The scimType of an error answer, None when it has none or is no JSON object."""
    try:
        body = resp.json()
    except ValueError:
        return None
    return body.get("scimType") if isinstance(body, dict) else None


def _selects_exactly(scim_session, endpoint: str, text: str, dataset: Dataset) -> bool:
    """Whether the target answers `text` with exactly the data set (every page read)."""
    limit = len(dataset.users)
    try:
        body = expect_list(scim_session.get(endpoint, params={"filter": text}))
        found = list(body.get("Resources") or [])
        while body["totalResults"] == limit and len(found) < limit and body.get("Resources"):
            body = expect_list(scim_session.get(endpoint, params={
                "filter": text, "startIndex": len(found) + 1}))
            found += body.get("Resources") or []
    except CheckFailure:
        return False
    return body["totalResults"] == limit and sorted(dataset.keys_of(found)) == dataset.keys


@pytest.fixture(scope="session")
def population(discovery, request, scim_session, registry) -> Population:
    """The data set and the first scope of query.json the target answers with exactly it.

    Filtering is optional (RFC 7644 §3.4.2.2), so this is checked before the data set is made:
    a target that does not offer it gets no data set for the filter tests.
    """
    if not discovery.supports("filter"):
        not_applicable(discovery.why_not("filter"))
    dataset: Dataset = request.getfixturevalue("dataset")
    data = cases.load("suites/query.json")
    endpoint = user_type(registry).endpoint
    scope = next((text for text in (dataset.fill(s["filter"]) for s in data["scopes"])
                  if _selects_exactly(scim_session, endpoint, text, dataset)), None)
    operators = {o["id"]: dataset.fill(o["filter"]) for o in data["operators"]}
    return Population(dataset, registry, scope, data["unscoped_cap"], operators)


@pytest.fixture
def select(scim, population, assumptions) -> Callable[..., tuple[str, list[str]]]:
    """(filter, sorted data-set keys it selects on the target) for a truth-table case, by GET
    or POST /.search; not applicable when the target need not answer the case."""

    def run(case: dict[str, Any], via: str = "GET") -> tuple[str, list[str]]:
        text = population.applicable(case, assumptions)
        return text, population.matching(scim, text, via)

    return run


def _live(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The cases a live bridge can answer: `live: false` ones need values a client cannot set
    (meta.created, id case), so only the unit tests of the core run them."""
    return [case for case in found if case.get("live") is not False]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrise from data: filter cases, malformed filters, page sizes and probes."""
    data = cases.load("suites/query.json")
    truth = cases.load("filters/cases.json")["cases"]
    generators = {
        "filter_case": lambda: cases.params(_live(truth)),
        # Filters the reference parser refuses for its own limits (nesting depth, number range)
        # are no conformance rule, so they are not asked of other bridges.
        "malformed_filter": lambda: cases.params(
            c for c in cases.load("filters/invalid.json")["filters"]
            if c["id"] not in data["invalid_filters_excluded"]),
        "error_filter": lambda: cases.params(data["error_filters"]),
        "search_case": lambda: cases.params(_live(truth), marked=False),
        "operator": lambda: cases.params(data["operators"]),
        "idp_lookup": lambda: cases.params(data["idp_lookups"]),
        "page_size": lambda: cases.params(data["page_sizes"], id=lambda n: f"count-{n}"),
        "low_start_index": lambda: cases.params(data["start_indexes_below_one"],
                                                id=lambda n: f"startIndex-{n}"),
        "negative_count": lambda: cases.params(data["negative_counts"],
                                               id=lambda n: f"count-{n}"),
        "always_probe": lambda: cases.params(data["always_returned_probes"]),
    }
    for name, generate in generators.items():
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, generate())
