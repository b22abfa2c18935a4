"""The provisioning suite's staging: a scenario made this test's own (its names filled with the
test's prefix) and its starting users and groups created with plain RFC requests, outside the
verdict (a failing create is a precondition, filed once under the create's requirement)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from scimcert.harness.cases import fill
from scimcert.idp.dialect import Dialect
from scimcert.idp.intent import Intent
from scimcert.scim.urns import GROUP_URN

# The plain RFC client the starting state is made with.
PLAIN = "rfc"


@dataclass
class Staged:
    """A scenario on the target: its people, the ids of what exists before the first step,
    its steps and end state with this test's names, and `created` to register what the steps
    create for cleanup."""

    people: dict[str, dict[str, Any]]
    ids: dict[str, str]
    steps: list[dict[str, Any]]
    then: dict[str, Any]
    created: Callable[[str, str], None]


@pytest.fixture
def stage_scenario(make, target) -> Callable[[dict[str, Any]], Staged]:
    def run(scenario: dict[str, Any]) -> Staged:
        # Names of its own each time: a scenario replayed in the same test must not collide.
        filled = fill(scenario, {"run": f"{make.tag()}-", "domain": target.email_domain})
        people = filled["people"]
        ids: dict[str, str] = {}
        plain = Dialect.load(PLAIN)
        for person in filled["given"]["users"]:
            person_data = {k: (ids.get(v, v) if isinstance(v, str) else v)
                           for k, v in people[person].items()}
            request, = plain.render(Intent("create_user", {"person": person_data}))
            ids[f"{{user:{person}}}"] = make.post("User", request.body)["id"]
        for group, members in filled["given"]["groups"].items():
            body = {"schemas": [GROUP_URN], **filled["groups"][group],
                    "members": [{"value": ids[f"{{user:{p}}}"]} for p in members]}
            ids[f"{{group:{group}}}"] = make.post("Group", body)["id"]
        return Staged(people, ids, filled["steps"], filled["then"], make.cleanup.register)

    return run
