"""Test data for the suites: users and groups named with the run prefix, from a seeded generator."""

from __future__ import annotations

import random
from typing import Any

from scimcert.harness.checks import body_of, expect, expect_status
from scimcert.harness.cleanup import Cleanup
from scimcert.harness.client import Client
from scimcert.scim.urns import GROUP_URN, USER_URN

GIVEN = ("Ada", "Barbara", "Edsger", "Grace", "Alan", "Frances", "Donald", "Radia", "Ken", "Leslie")
FAMILY = ("Lovelace", "Liskov", "Dijkstra", "Hopper", "Turing", "Allen", "Knuth", "Perlman",
          "Thompson", "Lamport")


class Factory:
    """Builds bodies and creates resources; everything it creates is registered for cleanup.

    `rng` is seeded from the run seed and the test id, so a test makes the same data whenever
    it runs with the same seed, whatever ran before it.
    """

    def __init__(self, client: Client, cleanup: Cleanup, *, run_id: str, email_domain: str,
                 rng: random.Random) -> None:
        self.client = client
        self.cleanup = cleanup
        self.run_id = run_id
        self.email_domain = email_domain
        self.rng = rng

    def tag(self) -> str:
        """A fresh run-prefixed name, e.g. `sc-3f9a1c-8d2e41b07c`."""
        return f"{self.run_id}{self.rng.getrandbits(40):010x}"

    def user_body(self, **overrides: Any) -> dict[str, Any]:
        name = self.tag()
        given, family = self.rng.choice(GIVEN), self.rng.choice(FAMILY)
        body: dict[str, Any] = {
            "schemas": [USER_URN],
            "userName": f"{name}@{self.email_domain}",
            "externalId": f"{name}-ext",
            "name": {"givenName": given, "familyName": family,
                     "formatted": f"{given} {family}"},
            "displayName": f"{name} {given} {family}",
            "emails": [{"value": f"{name}@{self.email_domain}", "type": "work",
                        "primary": True}],
            "active": True,
        }
        body.update(overrides)
        return body

    def group_body(self, members: list[str] | None = None, **overrides: Any) -> dict[str, Any]:
        name = self.tag()
        body: dict[str, Any] = {
            "schemas": [GROUP_URN],
            "displayName": f"{name} group",
            "externalId": f"{name}-ext",
        }
        if members:
            body["members"] = [{"value": member} for member in members]
        body.update(overrides)
        return body

    def user(self, **overrides: Any) -> dict[str, Any]:
        """POST a user; the answer is 201 and the created body is returned."""
        return self._create("/Users", self.user_body(**overrides))

    def group(self, members: list[str] | None = None, **overrides: Any) -> dict[str, Any]:
        """POST a group (with `members`, a list of ids); returns the created body."""
        return self._create("/Groups", self.group_body(members, **overrides))

    def _create(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        resp = self.client.post(endpoint, json=body)
        created = body_of(resp) if resp.is_success else None
        # Registered before judging the status, so a wrong-but-successful answer is cleaned up.
        if isinstance(created, dict) and isinstance(created.get("id"), str):
            self.cleanup.register(endpoint, created["id"])
        expect_status(resp, 201)
        expect(isinstance(created, dict) and isinstance(created.get("id"), str),
               f"POST {endpoint} answers the created resource with its id",
               expected="an object with a string id", actual=created)
        return created
