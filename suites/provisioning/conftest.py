"""The provisioning suite's staging: a scenario made this test's own (its names filled with the
test's prefix) and its starting users and groups created with plain RFC requests, outside the
verdict (a failing create is a precondition, filed once under the create's requirement); and the
provisioning cycles of test_sync.py: the suite tenant made the test's own, the recommended
mapping cut to what the target declares, a simulator registering what it creates for cleanup."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import pytest

from scimcert import paths
from scimcert.harness import cases
from scimcert.harness.cases import fill
from scimcert.harness.checks import expect, fail, precondition
from scimcert.harness.factory import declared_part
from scimcert.harness.lookup import declared
from scimcert.idp import log as logs
from scimcert.idp.cycle import Cycle, Provisioner, QuirkRefused
from scimcert.idp.dialect import PATHS, Dialect
from scimcert.idp.directory import Directory
from scimcert.idp.intent import Intent
from scimcert.idp.mapping import Mapping
from scimcert.idp.request import Request
from scimcert.scim.schema import Registry, ResourceType
from scimcert.scim.urns import GROUP_URN

# The plain RFC client the starting state is made with.
PLAIN = "rfc"
TENANT = "directory/suite-tenant.json"
# The seed's mapping: Entra's defaults, userName from mail (support.1password.com/scim-entra-id).
RECOMMENDED = paths.fixtures() / "mappings" / "entra-1password-recommended.json"
ROUND_TRIP = "rfc7643/7/read-write-round-trip"
INITIAL = "entra/provisioning/initial-cycle"


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
    fit: Callable[[Request], Request]


@pytest.fixture
def stage_scenario(make, scim, target, registry, user_type,
                   group_type) -> Callable[[dict[str, Any]], Staged]:
    def run(scenario: dict[str, Any]) -> Staged:
        # Names of its own each time: a scenario replayed in the same test must not collide.
        filled = fill(fitted(scenario, registry, user_type),
                      {"run": f"{make.tag()}-", "domain": target.email_domain})
        people = filled["people"]
        ids: dict[str, str] = {}
        plain = Dialect.load(PLAIN)
        for person in filled["given"]["users"]:
            person_data = {k: (ids.get(v, v) if isinstance(v, str) else v)
                           for k, v in people[person].items()}
            request, = plain.render(Intent("create_user", {"person": person_data}))
            ids[f"{{user:{person}}}"] = make.post("User", fit(request).body)["id"]
        for group, members in filled["given"]["groups"].items():
            body = {"schemas": [GROUP_URN], **filled["groups"][group],
                    "members": [{"value": ids[f"{{user:{p}}}"]} for p in members]}
            created = make.post("Group", body)
            ids[f"{{group:{group}}}"] = created["id"]
            # The start is a precondition: a group that does not keep the members it was
            # created with is the round trip's finding, not the scenario's.
            with precondition(ROUND_TRIP):
                read = scim.get(f"/Groups/{created['id']}").json()
                held = sorted(str(m.get("value")) for m in read.get("members") or [])
                wanted = sorted(m["value"] for m in body["members"])
                expect(held == wanted, f"group {group} keeps the members it was created with",
                       expected=wanted, actual=held)
        return Staged(people, ids, filled["steps"], filled["then"], make.cleanup.register, fit)

    def fit(request: Request) -> Request:
        """`request` with a body cut to what the target declares (RFC 7643 §7)."""
        rtype = user_type if request.path.startswith("/Users") else group_type
        if rtype is None or request.method not in ("POST", "PUT") \
                or not isinstance(request.body, dict):
            return request
        return replace(request, body=declared_part(registry, rtype, request.body))

    return run


def fitted(scenario: dict[str, Any], registry: Registry, user_type: ResourceType | None
           ) -> dict[str, Any]:
    """The scenario without the user attributes the target does not declare: an admin maps
    only what the app's schema offers (RFC 7643 §7: a provider publishes the subset it
    supports), so the IdP never sends them and the end state does not ask for them."""
    if user_type is None:
        return scenario
    missing = {key for key, path in PATHS.items() if not declared(registry, user_type, path)}
    if not missing:
        return scenario
    out = copy.deepcopy(scenario)
    for person in out["people"].values():
        for key in missing & set(person):
            del person[key]
    steps = []
    for step in out["steps"]:
        changes = step["args"].get("changes")
        if changes is not None:
            step["args"]["changes"] = {k: v for k, v in changes.items() if k not in missing}
            if not step["args"]["changes"]:
                continue
        steps.append(step)
    out["steps"] = steps
    for then in [out["then"], *(step["after"] for step in steps if "after" in step)]:
        for state in then["users"].values():
            for field in ("attributes", "absent"):
                if field in state:
                    kept = [p for p in state[field] if declared(registry, user_type, p)]
                    state[field] = ({p: state[field][p] for p in kept} if field == "attributes"
                                    else kept)
    return out


@dataclass
class Sync:
    """A simulator over the suite tenant (names of this test's own) and what it logs.

    `cycles`, `on_demand` and `on_demand_group` run it; a request the target refused for a
    quirk of Entra's (the same intent without it went through) fails the test there, filed
    under the quirk's requirement rather than the flow's: the cause, not its consequence.
    Likewise, when a test runs later cycles, a failure of the initial one is a precondition
    (filed once, under the initial cycle), not a finding of each later flow."""

    run: Provisioner
    log: logs.Kept
    directory: Directory
    prefix: str

    def cycles(self, count: int = 1) -> list[Cycle]:
        with quirks_named(self.run.dialect):
            done = self.run.run(count)
        if count > 1:
            failed = [e.line() for e in self.log.of(cycle=1, status=logs.FAILURE)]
            with precondition(INITIAL):
                expect(failed == [], "the initial cycle logs no failure", expected=[],
                       actual=failed)
        return done

    def on_demand(self, user: str) -> list[logs.Entry]:
        with quirks_named(self.run.dialect):
            return self.run.on_demand(user)

    def on_demand_group(self, group: str, members: list[str]) -> list[logs.Entry]:
        with quirks_named(self.run.dialect):
            return self.run.on_demand_group(group, members)

    def target(self, source: str) -> str | None:
        """The target's id of the directory user or group `source`, once linked or created."""
        link = self.run.links.get(source) or self.run.groups.get(source)
        return link.target if link is not None else None

    def mail(self, source: str) -> str:
        return str(self.directory.users[source]["mail"])


@pytest.fixture
def sync(make, scim, target, registry, user_type, group_type) -> Callable[..., Sync]:
    """`sync()` a simulator of Entra (default dialect) over the suite tenant for this test."""
    def build(client: Any = None, **options: Any) -> Sync:
        prefix = f"{make.tag()}-"
        data = fill(cases.load(TENANT), {"run": prefix, "domain": target.email_domain})
        directory = Directory.from_json(data)
        kept = logs.Kept()
        run = Provisioner(client or scim, directory,
                          declared_mapping(registry, user_type, group_type),
                          kept, on_created=make.cleanup.register,
                          **{"diagnose": True, **options})
        return Sync(run, kept, directory, prefix)

    return build


@contextmanager
def quirks_named(dialect: Dialect) -> Iterator[None]:
    """A request the target refuses only for an IdP quirk in it is one root cause, filed under
    the quirk's requirement: the first flow that meets it reports it, later ones are blocked
    (their own checks never ran), as every flow sends the same quirk."""
    try:
        yield
    except QuirkRefused as exc:
        details = ["refused " + line if not line.startswith(" ") else line
                   for quirk in exc.quirks for line in quirk.explained(dialect.name)]
        details.append("the same request without " + ("it" if len(exc.quirks) == 1
                                                       else "them") + " went through")
        requirement = next((q.requirement for q in exc.quirks if q.requirement), None)
        names = ", ".join(q.name for q in exc.quirks)
        with precondition(requirement or INITIAL):
            raise fail(f"the target refuses {dialect.name}'s {names}", expected="2xx",
                       actual=exc.response.status_code,
                       exchange=exc.response.extensions.get("scimcert.exchange"),
                       details=[*filter(None, [exc.entry.reason]), *details],
                       requirement=requirement) from None


def declared_mapping(registry: Registry, user_type: ResourceType | None,
                     group_type: ResourceType | None) -> Mapping:
    """The recommended mapping without the rows whose target attribute the target does not
    declare: an admin maps only what the app's schema offers (RFC 7643 §7), and without a
    Group resource type no group object mapping."""
    mapping = Mapping.load(RECOMMENDED)
    types = {"User": user_type, "Group": group_type}
    rows = tuple(row for row in mapping.rows if types[row.object] is not None
                 and declared(registry, types[row.object], row.target))
    return Mapping(mapping.name, rows, mapping.description)
