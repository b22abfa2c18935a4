"""Fixtures of the users suite: run names for suite data, and a PATCH case of fixtures/patch/
staged on the target: whether it applies to what the target declares, its resource created from
the case's `before` with the test's own values, and the values it starts from read back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from scimcert.harness import cases
from scimcert.harness.cases import fill
from scimcert.harness.checks import expect, precondition
from scimcert.harness.outcome import not_applicable
from scimcert.harness.staging import (
    CORE,
    creatable,
    references,
    renamed,
    replaced,
    unfit,
    unique_values,
    unkept,
)
from scimcert.scim.schema import Registry, ResourceType

ROUND_TRIP = "rfc7643/7/read-write-round-trip"
UNIQUE = cases.load("suites/users.json")["unique_paths"]
# Stands for the id of the case's own resource until the target has assigned it.
OWN_ID = "\x00own-id\x00"


@pytest.fixture
def named(make, target) -> Callable[[Any], Any]:
    """Fills suite data with a prefix of this test's own and the email domain: values that must
    be unique (userName, emails, externalId) never collide with another test's."""
    names = {"run": f"{make.tag()}-", "domain": target.email_domain}
    return lambda value: fill(value, names)


@pytest.fixture(scope="session")
def rfc_registry() -> Registry:
    """The RFC 7643 §8.7 schemas the PATCH cases are written against."""
    return Registry.load()


@dataclass
class Staged:
    """A PATCH case on the target: `case` with the test's own values and ids, the resource
    type, where its resource lives, the body it was created from, and the resource as read
    before the PATCH."""

    case: dict[str, Any]
    rtype: ResourceType
    location: str
    sent: dict[str, Any]
    start: dict[str, Any]

    @property
    def message(self) -> Any:
        return self.case["patch"]


@pytest.fixture
def stage(make, target, registry, rfc_registry, read) -> Callable[[dict[str, Any]], Staged]:
    """Stages a case: not applicable when the target does not declare what the case names as
    RFC 7643 does; otherwise the resources its references name are created, the values that
    must be unique become this test's own, the case's resource is created from `before`, and
    what it was created with must read back (a precondition under the round trip: a value the
    target does not keep is that requirement's finding, not the PATCH operation's)."""

    def run(case: dict[str, Any]) -> Staged:
        rtype = target_type(registry, case["resourceType"])
        reason = unfit(case, registry, rtype, rfc_registry)
        if reason:
            not_applicable(reason)
        reference = rfc_registry.resource_type(case["resourceType"])
        names = {ref: (make.user() if kind == "User" else make.group())["id"]
                 for ref, kind in references(case, rfc_registry, reference).items()}
        names[case["before"]["id"]] = OWN_ID
        tag = make.tag()
        for value in unique_values(case, rfc_registry, reference, UNIQUE):
            names[value] = renamed(value, tag, target.email_domain)
        case = replaced(case, names)
        body = creatable(case["before"], registry, rtype, rfc_registry, reference)
        created = make.create(rtype.name, {**make.minimal(rtype.name), **body}, body)
        location = f"{rtype.endpoint}/{created['id']}"
        start = read(location)
        with precondition(ROUND_TRIP):
            gaps = unkept({k: v for k, v in body.items() if k != "schemas"}, start)
            where = ", ".join(sorted({gap.split(":")[0] for gap in gaps}))
            expect(not gaps, f"the resource the case starts from keeps {where or 'its values'}",
                   expected=[], actual=gaps)
        case = replaced(case, {OWN_ID: created["id"]})
        return Staged(case, rtype, location, body, start)

    return run


def target_type(registry: Registry, name: str) -> ResourceType:
    """The target's resource type with the core schema of `name` (RFC 7643 §6), however its
    endpoint is spelled; not applicable when it declares none."""
    found = next((r for r in registry.resource_types.values()
                  if r.schema.lower() == CORE[name].lower()), None)
    if found is None:
        not_applicable(f"the target declares no resource type with the core {name} schema")
    return found
