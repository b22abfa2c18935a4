"""The sort suite's users, created once when the target offers sort, and how a sorted query
reaches them: scoped by a filter the target answers with exactly them, or the sorted listing of
every user read up to a cap. Cases come from `fixtures/suites/sort.json`."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import pytest

from scimcert.harness import cases
from scimcert.harness.cases import fill
from scimcert.harness.checks import (
    CheckFailure,
    expect,
    expect_list,
)
from scimcert.harness.factory import Factory, declared_part
from scimcert.harness.outcome import not_applicable
from scimcert.scim.schema import Registry, ResourceType
from scimcert.scim.urns import USER_URN


def load() -> dict[str, Any]:
    return cases.load("suites/sort.json")


def user_type(registry: Registry) -> ResourceType:
    """The target's resource type whose core schema is the User schema (RFC 7643 §4.1)."""
    found = next((r for r in registry.resource_types.values()
                  if r.schema.lower() == USER_URN.lower()), None)
    if found is None:
        not_applicable("the target declares no resource type with the core User schema")
    return found


def value_at(resource: dict[str, Any], path: str) -> Any:
    """The value at a sortBy path `attr` or `attr.sub` of `resource`, names in any case."""
    value: Any = resource
    for step in path.split("."):
        if not isinstance(value, dict):
            return None
        value = next((v for k, v in value.items() if k.lower() == step.lower()), None)
    return value


@dataclass
class SortUsers:
    """The created users by key (`users` as the target answered, `sent` as sent), their
    resource type, the filter selecting exactly them (None when the target answers none of
    sort.json's scopes) and how many users an unscoped sorted listing may hold."""

    users: dict[str, dict[str, Any]]
    sent: dict[str, dict[str, Any]]
    rtype: ResourceType
    scope: str | None
    cap: int

    @property
    def endpoint(self) -> str:
        return self.rtype.endpoint

    def keys_of(self, resources: list[dict[str, Any]]) -> list[str]:
        by_name = {user["userName"].lower(): key for key, user in self.sent.items()}
        return [by_name.get(str(r.get("userName", "")).lower(), f"<{r.get('userName')}>")
                for r in resources]

    def altered(self, path: str, case_exact: bool) -> str | None:
        """Why the stored users no longer give the expected order by `path`, or None: the
        target stored a value otherwise than sent (RFC 7644 §3.3: "the server is free to alter
        and/or ignore POSTed content"; a caseExact=false value may change case, RFC 7643 §7)."""
        for key, stored in self.users.items():
            before, after = value_at(self.sent[key], path), value_at(stored, path)
            if not case_exact and isinstance(before, str) and isinstance(after, str):
                before, after = before.casefold(), after.casefold()
            if before != after:
                return f"the target did not keep {path} of the sort user {key!r} as sent"
        return None


def _selects_exactly(scim_session, endpoint: str, text: str, users: SortUsers) -> bool:
    try:
        body = expect_list(scim_session.get(endpoint, params={
            "filter": text, "count": len(users.users)}))
    except CheckFailure:
        return False
    found = sorted(users.keys_of(body.get("Resources") or []))
    return body["totalResults"] == len(users.users) and found == sorted(users.users)


@pytest.fixture(scope="session")
def sort_users(discovery, scim_session, cleanup, target, registry) -> SortUsers:
    """POST the users of sort.json with `{run}` = run id + `srt-` (apart from other suites),
    only when the target offers sort (RFC 7644 §3.4.2.3: "Sort is OPTIONAL"). Each body carries
    only what the target declares, plus any attribute it declares required that the data
    lacks; the creates are a precondition of every sort test."""
    if not discovery.supports("sort"):
        not_applicable(discovery.why_not("sort"))
    data = load()
    names = {"run": f"{target.run_id}srt-", "domain": target.email_domain}
    rtype = user_type(registry)
    factory = Factory(scim_session, cleanup, run_id=target.run_id,
                      email_domain=target.email_domain,
                      rng=random.Random(f"{target.seed}:sort"), registry=registry)
    sent: dict[str, dict[str, Any]] = {}
    users: dict[str, dict[str, Any]] = {}
    for key, body in fill(data["users"], names).items():
        sent[key] = {**factory.minimal(rtype.name),
                     **declared_part(registry, rtype, {"schemas": [rtype.schema], **body})}
        users[key] = factory.post(rtype.name, sent[key])
    found = SortUsers(users, sent, rtype, None, data["unscopedCap"])
    scopes = fill(data["scopes"], names)
    found.scope = next((s for s in scopes if _selects_exactly(scim_session, rtype.endpoint, s,
                                                              found)), None)
    return found


@pytest.fixture
def sorted_keys(scim, sort_users):
    """The keys of the sort users in the order GET answers for `params`, read in pages of
    `page_size` (one page when not given): scoped to the sort users, or, without a scope, from
    the sorted listing of every user (not applicable beyond the cap)."""

    def run(page_size: int | None = None, **params: Any) -> list[str]:
        query = dict(params)
        if sort_users.scope is not None:
            query["filter"] = sort_users.scope
        size = page_size or (len(sort_users.users) if sort_users.scope else sort_users.cap)
        body = expect_list(scim.get(sort_users.endpoint, params={**query, "count": size}))
        total = body["totalResults"]
        if sort_users.scope is None and total > sort_users.cap:
            not_applicable(f"the target holds {total} users and answers no filter selecting "
                           f"the sort users; the suite reads at most {sort_users.cap}")
        resources = list(body.get("Resources") or [])
        while len(resources) < min(total, sort_users.cap):
            start = len(resources) + 1
            page = expect_list(scim.get(sort_users.endpoint, params={
                **query, "startIndex": start, "count": size}))
            expect(page.get("Resources"), "a page before totalResults is reached has resources",
                   expected=f"resources from startIndex {start}", actual=page)
            resources += page["Resources"]
        keys = sort_users.keys_of(resources)
        if sort_users.scope is None:
            keys = [key for key in keys if key in sort_users.users]
        return keys

    return run


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`sort_case` runs over every case of sort.json, `missing_case` over those with gaps."""
    sort_cases = load()["cases"]
    if "sort_case" in metafunc.fixturenames:
        metafunc.parametrize("sort_case", cases.params(sort_cases))
    if "missing_case" in metafunc.fixturenames:
        metafunc.parametrize("missing_case", cases.params(
            (c for c in sort_cases if c["missing"]), marked=False))


@pytest.fixture
def sort_paging() -> dict[str, Any]:
    """The paging walk of sort.json: sortBy, sortOrder, count and the expected order."""
    return load()["paging"]
