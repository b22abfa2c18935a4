"""The sort suite's users, created once; cases come from `fixtures/suites/sort.json`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from scimcert import paths
from scimcert.harness.checks import body_of, expect_list, expect_status, precondition
from scimcert.harness.factory import CREATED
from scimcert.harness.messages import USER_URN, fill


def load() -> dict[str, Any]:
    return json.loads((paths.fixtures() / "suites" / "sort.json").read_text(encoding="utf-8"))




@dataclass
class SortUsers:
    """The created users by key, and the filter that selects exactly them."""

    prefix: str
    users: dict[str, dict[str, Any]]

    @property
    def scope(self) -> str:
        return f'userName sw "{self.prefix}"'

    def keys_of(self, resources: list[dict[str, Any]]) -> list[str]:
        by_name = {user["userName"].lower(): key for key, user in self.users.items()}
        return [by_name.get(str(r.get("userName", "")).lower(), f"<{r.get('userName')}>")
                for r in resources]


@pytest.fixture(scope="session")
def sort_users(scim_session, cleanup, target) -> SortUsers:
    """POST the users of sort.json with `{run}` = run id + `srt-` (apart from other suites)."""
    names = {"run": f"{target.run_id}srt-", "domain": target.email_domain}
    users: dict[str, dict[str, Any]] = {}
    for key, body in fill(load()["users"], names).items():
        with precondition(CREATED):
            resp = scim_session.post("/Users", json={"schemas": [USER_URN], **body})
            created = body_of(resp) if resp.is_success else None
            if isinstance(created, dict) and isinstance(created.get("id"), str):
                cleanup.register("/Users", created["id"])
            expect_status(resp, 201)
        users[key] = created
    return SortUsers(names["run"], users)


@pytest.fixture
def sorted_keys(scim, sort_users):
    """The keys of the sort users in the order GET /Users answers for `params`."""

    def run(**params: Any) -> list[str]:
        query = {"filter": sort_users.scope, "count": len(sort_users.users), **params}
        body = expect_list(scim.get("/Users", params=query))
        return sort_users.keys_of(body.get("Resources", []))

    return run


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`sort_case` runs over every case of sort.json, `missing_case` over those with gaps."""
    cases = load()["cases"]
    if "sort_case" in metafunc.fixturenames:
        metafunc.parametrize("sort_case", [
            pytest.param(c, id=c["id"], marks=pytest.mark.requirement(*c["requirements"]))
            for c in cases])
    if "missing_case" in metafunc.fixturenames:
        metafunc.parametrize("missing_case", [
            pytest.param(c, id=c["id"]) for c in cases if c["missing"]])


@pytest.fixture
def sort_paging() -> dict[str, Any]:
    """The paging walk of sort.json: sortBy, sortOrder, count and the expected order."""
    return load()["paging"]
