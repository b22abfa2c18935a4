"""Test data for the suites, shaped by what the target declares: users, groups and resources of
any type, named with the run prefix from a seeded generator, registered for cleanup.

The standard bodies carry only attributes the target's /Schemas declare; a test that asks for an
attribute the target does not declare is not applicable. A create the target refuses is tried
once more with the minimal body (the required attributes), since many real bridges refuse an
optional attribute they do not store; only when that is refused too is the create a root cause.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scimcert.harness.checks import body_of, expect, expect_status, precondition
from scimcert.harness.cleanup import Cleanup
from scimcert.harness.outcome import not_applicable
from scimcert.scim.schema import Attribute, Registry, ResourceType
from scimcert.scim.urns import GROUP_URN, USER_URN
from scimcert.wire import Client

GIVEN = ("Ada", "Barbara", "Edsger", "Grace", "Alan", "Frances", "Donald", "Radia", "Ken", "Leslie")
FAMILY = ("Lovelace", "Liskov", "Dijkstra", "Hopper", "Turing", "Allen", "Knuth", "Perlman",
          "Thompson", "Lamport")
CREATED = "rfc7644/3.3/created-201"
# Keys a test may send whatever the target declares: the message's own `schemas`, and the
# attributes RFC 7643 §3.1 gives every resource.
ALWAYS_SENDABLE = frozenset({"schemas", "id", "meta", "externalid"})


@dataclass
class Memory:
    """What creates taught the run, shared by every test's factory: the resource types whose
    standard body the target refused, so later creates go straight to the minimal one."""

    minimal: set[str] = field(default_factory=set)


class Factory:
    """Builds bodies and creates resources; everything it creates is registered for cleanup.

    `rng` is seeded from the run seed and the test id, so a test makes the same data whenever
    it runs with the same seed, whatever ran before it.
    """

    def __init__(self, client: Client, cleanup: Cleanup, *, run_id: str, email_domain: str,
                 rng: random.Random, registry: Registry | None = None,
                 memory: Memory | None = None) -> None:
        self.client = client
        self.cleanup = cleanup
        self.run_id = run_id
        self.email_domain = email_domain
        self.rng = rng
        self.registry = registry or Registry.load()
        self.memory = memory or Memory()

    def tag(self) -> str:
        """A fresh run-prefixed name, e.g. `sc-3f9a1c-8d2e41b07c`."""
        return f"{self.run_id}{self.rng.getrandbits(40):010x}"

    # Bodies

    def user_body(self, **overrides: Any) -> dict[str, Any]:
        """A user with the usual attributes the target declares, and `overrides`."""
        name = self.tag()
        given, family = self.rng.choice(GIVEN), self.rng.choice(FAMILY)
        standard: dict[str, Any] = {
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
        return self.shaped("User", standard, overrides)

    def group_body(self, members: list[str] | None = None, **overrides: Any) -> dict[str, Any]:
        """A group named with the run prefix; `members` is a list of ids."""
        name = self.tag()
        standard: dict[str, Any] = {"schemas": [GROUP_URN], "displayName": f"{name} group",
                                    "externalId": f"{name}-ext"}
        if members:
            overrides = {"members": [{"value": member} for member in members], **overrides}
        return self.shaped("Group", standard, overrides)

    def body(self, rtype: str, **overrides: Any) -> dict[str, Any]:
        """A minimal body of any resource type the target declares: its required attributes."""
        return {**self.minimal(rtype), **overrides}

    def shaped(self, rtype: str, standard: dict[str, Any],
               overrides: dict[str, Any]) -> dict[str, Any]:
        """`standard` cut to what the target declares for `rtype`, with `overrides` on top;
        an override naming an attribute the target does not declare is not applicable."""
        found = self._type(rtype)
        if found is None:
            return {**standard, **overrides}
        for key in overrides:
            if key.lower() not in ALWAYS_SENDABLE and not self._declared(found, key):
                not_applicable(f"the target's {rtype} does not declare {key}")
        return {**declared_part(self.registry, found, standard), **overrides}

    def minimal(self, rtype: str) -> dict[str, Any]:
        """The smallest body of `rtype`: its core schema URN and every required attribute."""
        found = self._type(rtype)
        if found is None:
            return {"schemas": [USER_URN if rtype == "User" else GROUP_URN], **self._names(rtype)}
        body: dict[str, Any] = {"schemas": [found.schema]}
        body.update(self._names(rtype))
        for attr in self.registry.attributes(found):
            if attr.required and attr.mutability in ("readWrite", "immutable", "writeOnly") \
                    and attr.name.lower() not in {k.lower() for k in body}:
                value = self._value(attr)
                if value is not None:
                    body[attr.name] = value
        return body

    def _names(self, rtype: str) -> dict[str, Any]:
        name = self.tag()
        if rtype == "User":
            return {"userName": f"{name}@{self.email_domain}"}
        if rtype == "Group":
            return {"displayName": f"{name} group"}
        return {}

    def _value(self, attr: Attribute) -> Any:
        name = self.tag()
        values: dict[str, Callable[[], Any]] = {
            "string": lambda: name, "reference": lambda: f"https://example.com/{name}",
            "boolean": lambda: True, "integer": lambda: 1, "decimal": lambda: 1.5,
            "dateTime": lambda: "2025-01-31T09:00:00Z", "binary": lambda: "c2NpbWNlcnQ=",
        }
        if attr.is_complex:
            subs = {s.name: self._value(s) for s in attr.sub_attributes if s.required}
            value: Any = subs or None
        else:
            make = values.get(attr.type)
            value = make() if make else None
        if value is not None and attr.multi_valued:
            return [value]
        return value

    def _type(self, rtype: str) -> ResourceType | None:
        return self.registry.resource_types.get(rtype.lower())

    def _declared(self, rtype: ResourceType, key: str) -> bool:
        if rtype.extension_urn(key) is not None:
            return True
        return self.registry.top_attribute(rtype, key) is not None

    # Creates

    def user(self, **overrides: Any) -> dict[str, Any]:
        """POST a user; the answer is 201 and the created body is returned."""
        return self.create("User", self.user_body(**overrides), overrides)

    def group(self, members: list[str] | None = None, **overrides: Any) -> dict[str, Any]:
        """POST a group (with `members`, a list of ids); returns the created body."""
        if members:
            overrides = {"members": [{"value": member} for member in members], **overrides}
        return self.create("Group", self.group_body(**overrides), overrides)

    def resource(self, rtype: str, **overrides: Any) -> dict[str, Any]:
        """POST a minimal resource of any declared type; returns the created body."""
        return self.create(rtype, self.body(rtype, **overrides), overrides)

    def create(self, rtype: str, body: dict[str, Any],
               overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """POST `body` to `rtype`'s endpoint, a precondition of the test: on refusal the minimal
        body (with the same overrides) is tried once, and only its refusal fails the create."""
        endpoint = self.endpoint(rtype)
        with precondition(CREATED):
            if rtype not in self.memory.minimal:
                resp = self.client.post(endpoint, json=body)
                if resp.is_success or not _refused(resp.status_code):
                    return self._created(endpoint, resp)
                self.memory.minimal.add(rtype)
            small = {**self.minimal(rtype), **(overrides or {})}
            return self._created(endpoint, self.client.post(endpoint, json=small))

    def post(self, rtype: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST exactly `body` as a precondition, with no fallback to the minimal body: what
        data sets use, whose values the tests then query."""
        endpoint = self.endpoint(rtype)
        with precondition(CREATED):
            return self._created(endpoint, self.client.post(endpoint, json=body))

    def attempt(self, rtype: str, body: dict[str, Any]) -> Any:
        """POST `body` to `rtype`'s endpoint as the test's own step: the answer is returned for the
        test to judge, and whatever it created is registered for cleanup."""
        endpoint = self.endpoint(rtype)
        resp = self.client.post(endpoint, json=body)
        try:
            created = resp.json() if resp.is_success else None
        except ValueError:
            created = None
        if isinstance(created, dict) and isinstance(created.get("id"), str):
            self.cleanup.register(endpoint, created["id"])
        return resp

    def endpoint(self, rtype: str) -> str:
        found = self._type(rtype)
        return found.endpoint if found is not None else f"/{rtype}s"

    def _created(self, endpoint: str, resp: Any) -> dict[str, Any]:
        created = body_of(resp) if resp.is_success else None
        # Registered before judging the status, so a wrong-but-successful answer is cleaned up.
        if isinstance(created, dict) and isinstance(created.get("id"), str):
            self.cleanup.register(endpoint, created["id"])
        expect_status(resp, 201)
        expect(isinstance(created, dict) and isinstance(created.get("id"), str),
               f"POST {endpoint} answers the created resource with its id",
               expected="an object with a string id", actual=created, resp=resp)
        return created


def _refused(status: int) -> bool:
    """A refusal the minimal body may get past: a 400 on a value or attribute (not auth, not a
    conflict, not a server error)."""
    return status == 400


def declared_part(registry: Registry, rtype: ResourceType, body: dict[str, Any]
                  ) -> dict[str, Any]:
    """`body` without what `rtype` does not declare on the target, at every depth (an undeclared
    extension left out, with its URN in `schemas`): a provider publishes the subset it supports
    (RFC 7643 §7) and may refuse the rest (RFC 7644 §3.3)."""
    out: dict[str, Any] = {}
    for key, value in body.items():
        if key.lower() == "schemas":
            out[key] = value
            continue
        urn = rtype.extension_urn(key)
        if urn is not None:
            schema = registry.schema(urn)
            if schema is not None and isinstance(value, dict):
                out[key] = _declared_members(schema.attribute, value)
            continue
        attr = registry.top_attribute(rtype, key)
        if attr is not None:
            out[key] = _declared_value(attr, value)
    if isinstance(out.get("schemas"), list):
        kept = {key.lower() for key in out}
        out["schemas"] = [urn for urn in out["schemas"]
                          if str(urn).lower() == rtype.schema.lower()
                          or (rtype.extension_urn(str(urn)) and str(urn).lower() in kept)]
    return out


def _declared_members(lookup: Callable[[str], Attribute | None], value: dict[str, Any]
                      ) -> dict[str, Any]:
    return {key: _declared_value(attr, item) for key, item in value.items()
            if (attr := lookup(key)) is not None}


def _declared_value(attr: Attribute, value: Any) -> Any:
    if not attr.is_complex:
        return value
    if isinstance(value, list):
        return [kept for kept in (_declared_value(attr, item) for item in value) if kept != {}]
    if isinstance(value, dict):
        return _declared_members(attr.sub, value)
    return value
