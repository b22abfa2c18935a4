"""The query suite's data set: the users of `fixtures/filters/dataset.json`, created once."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest

from scimcert import paths
from scimcert.harness.checks import body_of, expect, expect_list, expect_status, precondition
from scimcert.harness.factory import CREATED
from scimcert.harness.messages import SEARCH_REQUEST_URN, fill
from scimcert.harness.outcome import not_applicable

SHORTHAND = "rfc7644/3.4.2.2/complex-value-shorthand"
QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
COMPARED = re.compile(r"([A-Za-z][\w:.-]*)(?=\s+(?:eq|ne|co|sw|ew|gt|lt|ge|le)\s)", re.I)
VALUE_PATH = re.compile(r"([A-Za-z][\w:.-]*)\[([^\]]*)\]")
USER_SCHEMAS = {"common": "", "urn:ietf:params:scim:schemas:core:2.0:user": "",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user":
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:"}


def load_filters(name: str) -> Any:
    """One file of `fixtures/filters/`."""
    return json.loads((paths.fixtures() / "filters" / name).read_text(encoding="utf-8"))


def load_suite_data(name: str) -> Any:
    """One file of `fixtures/suites/`."""
    return json.loads((paths.fixtures() / "suites" / name).read_text(encoding="utf-8"))


def listed(data: Any, *keys: str) -> Any:
    """`data` itself, or the first of `keys` it holds (files may wrap their list or map)."""
    if isinstance(data, dict):
        for key in keys:
            if key in data:
                return data[key]
    return data




@dataclass
class Dataset:
    """The created data set: `users` maps each key of dataset.json to its created resource."""

    prefix: str
    names: dict[str, str]
    users: dict[str, dict[str, Any]]
    unit_only: set[str]

    def fill(self, text: str) -> str:
        """`text` with `{run}`, `{domain}` and `{id:KEY}` filled in."""
        ids = {f"id:{key}": user["id"] for key, user in self.users.items()}
        return fill(text, {**self.names, **ids})

    def expected(self, keys: list[str]) -> list[str]:
        """`keys` without the users that exist only in unit tests, sorted."""
        return sorted(k for k in keys if k not in self.unit_only)

    @property
    def scope_keys(self) -> list[str]:
        """The keys of the users the scope filter selects, sorted."""
        return sorted(key for key, user in self.users.items()
                      if user["userName"].lower().startswith(self.prefix.lower()))

    def scoped(self, filter_text: str) -> str:
        """`filter_text` restricted to this data set.

        The parentheses keep `or` and `not` inside the case: `(a or b) and scope`, never
        `a or (b and scope)`; users outside the data set never satisfy the scope, so the
        result is the case's result over the data set alone.
        """
        return f'({filter_text}) and userName sw "{self.prefix}"'

    @property
    def scope(self) -> str:
        return f'userName sw "{self.prefix}"'

    def keys_of(self, resources: list[dict[str, Any]]) -> list[str]:
        """The data-set keys of `resources`, matched on userName without regard to case
        (userName is caseExact=false, so the server MAY alter its case: RFC 7643 §7)."""
        by_name = {user["userName"].lower(): key for key, user in self.users.items()}
        return [by_name.get(str(r.get("userName", "")).lower(), f"<{r.get('userName')}>")
                for r in resources]

    def key_with(self, *attributes: str) -> str:
        """The first key whose user has every one of `attributes`."""
        for key, user in self.users.items():
            if all(user.get(name) for name in attributes):
                return key
        raise LookupError(f"dataset.json has no user with {attributes}")


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
def dataset(scim_session, cleanup, target, fit_user) -> Dataset:
    """Create the filter data set on the target once per session.

    `{run}` becomes the run id plus `qry-`, so the scope filter never catches the users other
    suites make with the bare run id (their names continue with hex digits). Users listed in
    `unitOnly` are not created; `id` and `meta` are the server's to assign (RFC 7643 §3.1).
    The enterprise part is left out when the target does not declare the extension.
    """
    data = load_filters("dataset.json")
    unit_only = set(data.get("unitOnly", ()))
    bodies = {k: v for k, v in data["users"].items() if k not in unit_only}
    names = {"run": f"{target.run_id}qry-", "domain": target.email_domain}
    users: dict[str, dict[str, Any]] = {}
    for key in _creation_order(bodies):
        ids = {f"id:{ref}": users[ref]["id"] for ref in _references(bodies[key])}
        body = fit_user({k: v for k, v in bodies[key].items() if k not in ("id", "meta")})
        with precondition(CREATED):
            resp = scim_session.post("/Users", json=fill(body, {**names, **ids}))
            created = body_of(resp) if resp.is_success else None
            if isinstance(created, dict) and isinstance(created.get("id"), str):
                cleanup.register("/Users", created["id"])
            expect_status(resp, 201)
        users[key] = created
    return Dataset(names["run"], names, users, unit_only)


@pytest.fixture
def query_all(scim):
    """GET /Users with `params`; the resources of every page (pages walked only if needed)."""

    def run(**params: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        body = expect_list(scim.get("/Users", params=params))
        found = list(body.get("Resources", []))
        while found and len(found) < body["totalResults"]:
            page = expect_list(scim.get("/Users", params={**params, "startIndex": len(found) + 1}))
            expect(page.get("Resources"), "a page before totalResults is reached has resources",
                   expected=f"resources from startIndex {len(found) + 1}", actual=page)
            found += page["Resources"]
        return body, found

    return run


def assumed_case_exact() -> dict[str, bool]:
    """caseExact of each User attribute path in the reference definitions, which the truth table
    assumes (RFC 7643 §3.1, §4.1, §4.3); lower-case keys, extension paths with their URN."""
    found: dict[str, bool] = {}
    for file in sorted((paths.schemas() / "definitions").glob("*.json")):
        data = json.loads(file.read_text(encoding="utf-8"))
        for item in data if isinstance(data, list) else [data]:
            prefix = USER_SCHEMAS.get(str(item.get("id", "")).lower())
            for attr in item.get("attributes", ()) if prefix is not None else ():
                name = prefix + attr["name"].lower()
                found[name] = attr.get("caseExact", False)
                for sub in attr.get("subAttributes", ()):
                    found[f"{name}.{sub['name'].lower()}"] = sub.get("caseExact", False)
    return found


def compared_paths(filter_text: str) -> list[str]:
    """The attribute paths `filter_text` compares with a value (value-path members prefixed
    with their parent: `emails[type eq "w"]` gives `emails.type`)."""
    text = QUOTED.sub('""', filter_text)
    text = VALUE_PATH.sub(lambda m: " " + COMPARED.sub(lambda n: f"{m[1]}.{n[0]}", m[2]) + " ",
                          text)
    return [match[1] for match in COMPARED.finditer(text)]


@pytest.fixture(scope="session")
def case_exact_differs(registry) -> Any:
    """The reason a truth-table case does not apply to the target, or None: the target declares
    another caseExact for an attribute the case compares, and RFC 7644 §3.4.2.2 makes the
    declared characteristic decide how strings compare."""
    assumed = assumed_case_exact()

    def reason(case: dict[str, Any]) -> str | None:
        for path in compared_paths(case["filter"]):
            declared = registry.attribute("User", path)
            expected = assumed.get(path.lower())
            if declared is not None and expected is not None and declared.case_exact != expected:
                return (f"the target declares {path} caseExact="
                        f"{declared.case_exact}, the case assumes {expected}")
        return None

    return reason


@pytest.fixture
def case_filter(scim, dataset, needs_enterprise, case_exact_differs) -> Any:
    """A truth-table case's filter, filled and scoped to the data set; skips a case the target
    need not answer: one naming an extension it does not declare, one assuming a caseExact the
    target declares otherwise, or a complex-attribute shorthand it refuses with invalidFilter
    (RFC 7644 §3.4.2.2 asks for a sub-attribute)."""

    def run(case: dict[str, Any]) -> str:
        needs_enterprise(case["filter"])
        differs = case_exact_differs(case)
        if differs:
            not_applicable(differs)
        text = dataset.scoped(dataset.fill(case["filter"]))
        if case["requirement"] == SHORTHAND:
            resp = scim.get("/Users", params={"filter": text, "count": 1})
            if resp.status_code == 400 and error_type(resp) == "invalidFilter":
                not_applicable("the target refuses a complex attribute filtered "
                            "without a sub-attribute, as RFC 7644 §3.4.2.2 allows")
        return text

    return run


def error_type(resp: Any) -> Any:
    """The scimType of an error answer, None when it has none or is no JSON object."""
    try:
        body = resp.json()
    except ValueError:
        return None
    return body.get("scimType") if isinstance(body, dict) else None


@pytest.fixture
def search(scim):
    """POST /Users/.search with a SearchRequest made of `params`; the ListResponse body."""

    def run(**params: Any) -> dict[str, Any]:
        search = {"schemas": [SEARCH_REQUEST_URN], **params}
        return expect_list(scim.post("/Users/.search", json=search))

    return run


def _case_param(case: dict[str, Any]) -> Any:
    """A truth-table case, marked with the requirement it names."""
    return pytest.param(case, id=case["id"], marks=pytest.mark.requirement(case["requirement"]))


def _live(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The cases a live bridge can answer: `live: false` ones need values a client cannot set
    (meta.created, id case), so only the unit tests of the core run them."""
    return [case for case in cases if case.get("live") is not False]


def _params(items: list[Any], id_of=lambda item: item["id"]) -> list[Any]:
    return [pytest.param(item, id=str(id_of(item))) for item in items]


def _required_params(items: list[dict[str, Any]]) -> list[Any]:
    return [pytest.param(item, id=item["id"], marks=pytest.mark.requirement(item["requirement"]))
            for item in items]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrise from data: filter cases, malformed filters, page sizes and probes."""
    data = load_suite_data("query.json")
    generators = {
        "filter_case": lambda: [_case_param(c)
                                for c in _live(listed(load_filters("cases.json"), "cases"))],
        # Filters the reference parser refuses for its own limits (nesting depth, number range)
        # are no conformance rule, so they are not asked of other bridges.
        "malformed_filter": lambda: [
            _case_param(c) for c in listed(load_filters("invalid.json"), "filters")
            if c["id"] not in data["invalid_filters_excluded"]],
        "error_filter": lambda: _required_params(data["error_filters"]),
        "search_case": lambda: _params(_live(listed(load_filters("cases.json"), "cases"))),
        "page_size": lambda: _params(data["page_sizes"], lambda n: f"count-{n}"),
        "low_start_index": lambda: _params(data["start_indexes_below_one"],
                                           lambda n: f"startIndex-{n}"),
        "negative_count": lambda: _params(data["negative_counts"], lambda n: f"count-{n}"),
        "always_probe": lambda: _params(data["always_returned_probes"]),
    }
    for name, generate in generators.items():
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, generate())
