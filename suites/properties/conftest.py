"""Fixtures of the property suites: the property runner of each test (its hypothesis profile and
seed), the strategies generated from the target's schemas, and `lab`, which turns a generated
template into requests: every resource it creates carries a tag of this run and is registered
for cleanup, and a value the target refuses to store is an example discarded, not a finding."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import reject

from scimcert.harness.checks import body_of, expect, expect_list, expect_status, precondition
from scimcert.harness.cleanup import Cleanup
from scimcert.harness.factory import CREATED, Factory
from scimcert.harness.outcome import not_applicable
from scimcert.harness.properties import model
from scimcert.harness.properties.profiles import PROFILES
from scimcert.harness.properties.runner import Runner
from scimcert.harness.properties.strategies import Forge
from scimcert.scim.errors import ScimError
from scimcert.scim.schema import Registry, ResourceType

READ = "rfc7644/3.4.1/read-by-id"
# Status codes of a create the RFCs let a provider answer a value it does not take: 400 for a
# value it finds invalid (RFC 7644 §3.12), 409 for one it holds unique beyond the schema.
REFUSED = (400, 409)


@pytest.fixture
def runner(request: pytest.FixtureRequest, scim, target) -> Runner:
    """Runs this test's properties: hypothesis profile and seed from the run's settings."""
    node = request.node
    path, _, name = node.nodeid.partition("::")
    key = f"{path.rsplit('suites/', 1)[-1]}::{name}"
    profile = PROFILES[target.hypothesis_profile]
    replay = (f"-k '{node.name}' --scim-hypothesis-profile {profile.name}"
              + ("" if profile.derandomized else f" --scim-seed {target.seed}"))
    return Runner(scim, profile, target.seed, key, replay)


@pytest.fixture(scope="session")
def forge(registry, target) -> Forge:
    """Strategies generated from what the target's /Schemas and /ResourceTypes declare."""
    return Forge(registry, target.email_domain)


@dataclass
class Lab:
    """Requests of the property tests, from generated templates, over the runner's client."""

    scim: Any
    make: Factory
    forge: Forge
    registry: Registry
    declared: bool

    def tag(self) -> str:
        """A name prefix fresh for every call: run prefix and random hex."""
        return self.make.tag() + "-"

    def create(self, rtype: ResourceType, template: dict[str, Any],
               members: Sequence[str] = (), tag: str | None = None
               ) -> tuple[dict[str, Any], dict[str, Any]]:
        """POST the template filled in: (body sent, answer). A 400 or 409 discards the example
        (the target does not take that value); anything else but 201 fails the create."""
        body = self.forge.stamp(template, tag or self.tag(), members)
        resp = self.make.attempt(rtype.name, body)
        if resp.status_code in REFUSED:
            reject()
        with precondition(CREATED):
            expect_status(resp, 201)
            created = body_of(resp)
            expect(isinstance(created, dict) and isinstance(created.get("id"), str),
                   "the create answers the resource with its id", expected="an id",
                   actual=created, resp=resp)
        return body, created

    def read(self, rtype: ResourceType, rid: str) -> dict[str, Any]:
        """GET a resource that exists: a precondition under read-by-id."""
        with precondition(READ):
            resp = self.scim.get(f"{rtype.endpoint}/{rid}")
            expect_status(resp, 200)
            found = body_of(resp)
            expect(isinstance(found, dict), "the read answers the resource",
                   expected="a JSON object", actual=found, resp=resp)
        return found

    def unsupported(self, resp: httpx.Response) -> bool:
        """Whether a refused write names an attribute the target may not support: it serves
        no /Schemas, so the suite assumed RFC 7643 §8.7's, and a provider supports the subset
        it chooses (RFC 7643 §7)."""
        if self.declared or resp.status_code != 400:
            return False
        try:
            found = resp.json()
        except ValueError:
            return False
        return isinstance(found, dict) and found.get("scimType") in ("invalidPath",
                                                                      "invalidValue")

    def stored(self, rtype: ResourceType, read: dict[str, Any]) -> dict[str, Any]:
        """A resource as read, in the model's stored form; the example is discarded when it
        is no valid resource of its type (the representation suite's finding)."""
        try:
            return model.stored(read, self.registry, rtype)
        except ScimError:
            reject()
            raise

    def users(self, count: int) -> list[str]:
        """Ids of `count` users made for the test (members of generated groups)."""
        return [self.make.user()["id"] for _ in range(count)]

    def listed(self, rtype: ResourceType, params: dict[str, Any]) -> httpx.Response:
        return self.scim.get(rtype.endpoint, params=params)

    def all_of(self, rtype: ResourceType, text: str, cap: int) -> list[dict[str, Any]] | None:
        """Every resource `text` selects (pages walked), None when the target refuses it."""
        resp = self.listed(rtype, {"filter": text, "count": cap})
        if resp.status_code == 400:
            return None
        body = expect_list(resp)
        found = list(body.get("Resources") or [])
        while len(found) < min(body["totalResults"], cap) and body.get("Resources"):
            body = expect_list(self.listed(rtype, {"filter": text, "count": cap,
                                                   "startIndex": len(found) + 1}))
            found += body.get("Resources") or []
        return found


@pytest.fixture(scope="session")
def schemas_served(scim_session) -> bool:
    """Whether the target serves /Schemas (else the suite works from RFC 7643 §8.7's)."""
    return scim_session.get("/Schemas").status_code == 200


@pytest.fixture
def lab(request, runner, cleanup, target, forge, registry, factory_memory,
        schemas_served) -> Iterator[Lab]:
    """The test's lab. What it creates is deleted when the test ends, not at session end: a
    property makes a hundred resources, which would slow every later query of the run; what
    cannot be deleted then is left to the session's cleanup, which reports it."""
    rng = random.Random(f"{target.seed}:{request.node.nodeid}")
    own = Cleanup()
    make = Factory(runner.scim, own, run_id=target.run_id, email_domain=target.email_domain,
                   rng=rng, registry=registry, memory=factory_memory)
    yield Lab(runner.scim, make, forge, registry, schemas_served)
    for left in own.run(runner.scim):
        cleanup.register(left.endpoint, left.id)


@pytest.fixture(scope="session")
def creatable(registry, user_type, group_type) -> list[ResourceType]:
    """The resource types generated resources are made of: User and Group first, then any
    other the target declares (a vendor's own type is generated from its schema too)."""
    first = [t for t in (user_type, group_type) if t is not None]
    others = [t for t in registry.resource_types.values() if t not in first
              and registry.schema(t.schema) is not None]
    if not first and not others:
        not_applicable("the target declares no resource type")
    return [*first, *others]

