"""Attribute slots and value generation for the schema-driven suite.

A slot is one attribute (or sub-attribute) of one resource type. Tests are parametrised over
the slots of the RFC 7643 definitions (`Registry.load()`); each test then resolves its slot in
the target's own schemas (the `registry` fixture) and is not applicable when the target does
not declare it as assumed. A walker test per behaviour covers the slots only the target
declares (vendor extensions and resource types).
"""

from __future__ import annotations

import base64
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from scimcert.harness import cases
from scimcert.harness.outcome import not_applicable
from scimcert.scim.schema import Attribute, Registry, ResourceType
from scimcert.scim.urns import GROUP_URN, USER_URN

RESOURCE_REFS = {"User", "Group"}
DEFAULTS = cases.load("suites/schema-defaults.json")


@dataclass(frozen=True)
class Slot:
    """One attribute of a resource type, known by the type's core schema URN (`core`); `urn` is
    set for extension attributes only."""

    rtype: str
    core: str
    schema_name: str
    top: str
    sub: str | None = None
    urn: str | None = None

    @property
    def key(self) -> tuple[str, str, str, str]:
        """Identity across servers: the resource type by its core schema, whatever the target
        names it; attribute names compare without case (RFC 7643 §2.1)."""
        return (self.core.lower(), (self.urn or "").lower(), self.top.lower(),
                (self.sub or "").lower())

    @property
    def path(self) -> str:
        """The attribute path as a client writes it (RFC 7644 §3.10)."""
        local = f"{self.top}.{self.sub}" if self.sub else self.top
        return f"{self.urn}:{local}" if self.urn else local

    @property
    def id(self) -> str:
        local = f"{self.top}.{self.sub}" if self.sub else self.top
        return f"{self.rtype}:{self.schema_name}:{local}"


Found = tuple[Slot, Attribute, Attribute | None]


def is_resource_ref(attr: Attribute) -> bool:
    return attr.type == "reference" and bool(RESOURCE_REFS & set(attr.reference_types))


def references_resource(parent: Attribute) -> bool:
    """The complex attribute points at a resource (members, manager): its `value` is an id."""
    return any(is_resource_ref(s) for s in parent.sub_attributes)


# Behaviours: which slots each one applies to, judged on the characteristics (RFC 7643 §7).


def _writable(attr: Attribute) -> bool:
    return attr.mutability == "readWrite" and attr.returned in ("default", "always")


BEHAVIOURS: dict[str, Callable[[Attribute, Attribute | None], bool]] = {
    "round_trip": lambda a, p: p is None and _writable(a),
    "replace": lambda a, p: p is None and _writable(a),
    "remove": lambda a, p: p is None and _writable(a) and not a.required,
    "immutable": lambda a, p: a.mutability == "immutable" and (p is None or not p.multi_valued),
    "read_only": lambda a, p: a.mutability == "readOnly"
    and (p is None or (p.mutability == "readWrite" and not p.multi_valued)),
    "never": lambda a, p: p is None and a.returned == "never",
    "request": lambda a, p: p is None and a.returned == "request",
    "canonical": lambda a, p: bool(a.canonical_values)
    and a.mutability in ("readWrite", "immutable")
    and (p is None or (p.mutability == "readWrite" and not references_resource(p))),
}


def slots_of(registry: Registry) -> Iterator[Found]:
    """Every (slot, attribute, parent) of the resource types `registry` holds."""
    for rtype in registry.resource_types.values():
        sources = [(registry.common, None)] if registry.common else []
        sources.append((registry.schema(rtype.schema), None))
        sources += [(registry.schema(urn), urn) for urn in rtype.extension_urns]
        for schema, urn in sources:
            if schema is None:
                continue
            for attr in schema.attributes:
                top = Slot(rtype.name, rtype.schema, schema.name or schema.id, attr.name, None,
                           urn)
                yield top, attr, None
                for sub in attr.sub_attributes:
                    yield (Slot(top.rtype, top.core, top.schema_name, attr.name, sub.name, urn),
                           sub, attr)


def reference_slots() -> list[Found]:
    """The slots of the RFC 7643 definitions, which parametrise the tests."""
    return list(slots_of(Registry.load()))


def stated_by_the_rfc(slot: Slot) -> bool:
    """Whether the RFC text itself gives every target the slot's attribute
    (fixtures/suites/schema-defaults.json): what a target without /Schemas is held to."""
    if slot.urn is not None:
        return False
    named = {name.lower() for name in DEFAULTS["common"]["attributes"]}
    named |= {name.lower() for entry in DEFAULTS["resourceTypes"]
              if entry["schema"].lower() == slot.core.lower() for name in entry["attributes"]}
    return slot.top.lower() in named


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`<behaviour>_slot` runs over the reference slots the behaviour applies to."""
    for behaviour, applies in BEHAVIOURS.items():
        name = f"{behaviour}_slot"
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, [pytest.param(slot, id=slot.id)
                                        for slot, attr, parent in reference_slots()
                                        if applies(attr, parent)])


# Values -------------------------------------------------------------------------------------


class Values:
    """Seeded values for attributes, following fixtures/suites/schema-values.json."""

    def __init__(self, rules: dict[str, Any], rng: random.Random, run: str, domain: str,
                 reference_id: Callable[[], str]) -> None:
        self.rules = rules
        self.rng = rng
        self.names = {"run": run, "domain": domain}
        self.reference_id = reference_id

    def word(self) -> str:
        spec = self.rules["word"]
        return "".join(self.rng.choice(spec["alphabet"]) for _ in range(spec["length"]))

    def _from(self, spec: dict[str, Any], attr: Attribute) -> Any:
        if "choices" in spec:
            return self.rng.choice(spec["choices"])
        if "template" in spec:
            text = spec["template"]
            for key, value in {**self.names, "word": self.word(),
                               "digits": f"{self.rng.randrange(10**7):07d}"}.items():
                text = text.replace("{" + key + "}", value)
            return text
        kind = attr.type
        if kind == "integer":
            return self.rng.randint(spec["min"], spec["max"])
        if kind == "decimal":
            return round(self.rng.uniform(spec["min"], spec["max"]), spec["places"])
        if kind == "dateTime":
            start = datetime.fromisoformat(spec["start"].replace("Z", "+00:00"))
            moment = start + timedelta(seconds=self.rng.randrange(spec["spanSeconds"]))
            return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if kind == "binary":
            return base64.b64encode(self.rng.randbytes(spec["bytes"])).decode("ascii")
        raise ValueError(f"no generation rule for type {kind!r}")

    def simple(self, attr: Attribute, parent: Attribute | None = None) -> Any:
        """A value for a non-complex attribute."""
        if attr.canonical_values:
            return self.rng.choice(attr.canonical_values)
        key = (f"{parent.name}.{attr.name}" if parent else attr.name).lower()
        spec = self.rules["names"].get(key) or self.rules["types"][attr.type]
        return self._from(spec, attr)

    def element(self, attr: Attribute, *, only: set[str] | None = None) -> dict[str, Any]:
        """One value of complex `attr`: its readWrite sub-attributes (or those in `only`)."""
        out: dict[str, Any] = {}
        pointer = references_resource(attr)
        for sub in attr.sub_attributes:
            if pointer and sub.name == "value":
                out[sub.name] = self.reference_id()
            elif is_resource_ref(sub):
                continue
            elif (sub.name in only) if only is not None else _writable(sub):
                out[sub.name] = self.simple(sub, attr)
        if not out:
            # An empty value would judge the suite's own `{}`, not the target.
            not_applicable(f"the target declares no sub-attribute of {attr.name} a client sets")
        return out

    def value(self, attr: Attribute) -> Any:
        """A whole value for top-level `attr`, a list for a multi-valued one."""
        one = self.element(attr) if attr.is_complex else self.simple(attr)
        return [one] if attr.multi_valued else one


@pytest.fixture
def values(request, target, make) -> Values:
    """The value generator of this test, seeded from the run seed and the test id."""
    rules = cases.load("suites/schema-values.json")
    rng = random.Random(f"{target.seed}:{request.node.nodeid}:values")
    return Values(rules, rng, f"{target.run_id}sch-", target.email_domain,
                  lambda: make.user()["id"])


# Target lookups and resource access ---------------------------------------------------------


@pytest.fixture(scope="session")
def serves_schemas(scim_session) -> bool:
    """Whether the target lists its schemas on /Schemas (RFC 7644 §4); without them the
    `registry` holds the RFC 7643 §8.7 examples, of which only what the RFC text states for
    every target is assumed."""
    try:
        resp: httpx.Response = scim_session.get("/Schemas")
        body = resp.json() if resp.status_code == 200 else None
    except ValueError:
        body = None
    listed = body.get("Resources") if isinstance(body, dict) else body
    return isinstance(listed, list) and bool(listed)


@pytest.fixture(scope="session")
def declared(registry, serves_schemas) -> dict[tuple, Found]:
    """The target's slots by key: those of its schemas, or, when it serves none, those the
    RFC text states for every target."""
    return {slot.key: (slot, attr, parent) for slot, attr, parent in slots_of(registry)
            if serves_schemas or stated_by_the_rfc(slot)}


@pytest.fixture
def declared_as(declared):
    """The target's (attribute, parent) for `slot`; not applicable unless `behaviour` applies."""

    def run(slot: Slot, behaviour: str) -> tuple[Attribute, Attribute | None]:
        if slot.key not in declared:
            not_applicable(f"the target does not declare {slot.rtype} {slot.path}")
        _, attr, parent = declared[slot.key]
        if not BEHAVIOURS[behaviour](attr, parent):
            not_applicable(f"the target declares {slot.path} otherwise: mutability="
                           f"{attr.mutability}, returned={attr.returned}")
        return attr, parent

    return run


@pytest.fixture(scope="session")
def target_only(declared) -> Callable[[str], list[Found]]:
    """The target's slots `behaviour` applies to that the parametrised tests do not cover:
    absent from the RFC definitions, or declared there with other characteristics."""
    reference = reference_slots()

    def run(behaviour: str) -> list[Found]:
        covered = {slot.key for slot, attr, parent in reference
                   if BEHAVIOURS[behaviour](attr, parent)}
        return [(slot, attr, parent) for key, (slot, attr, parent) in declared.items()
                if key not in covered and BEHAVIOURS[behaviour](attr, parent)]

    return run


@dataclass
class Store:
    """Creates and reads resources of any resource type the target declares; a slot's type is
    found by its core schema URN, however the target names it or writes its endpoint."""

    scim: Any
    cleanup: Any
    registry: Registry
    make: Any
    values: Values

    def rtype(self, slot: Slot) -> ResourceType:
        return next(r for r in self.registry.resource_types.values()
                    if r.schema.lower() == slot.core.lower())

    def endpoint(self, slot: Slot) -> str:
        return self.rtype(slot).endpoint

    def base_body(self, slot: Slot) -> dict[str, Any]:
        """A valid body to start from: the factory's for User and Group, else the required
        attributes of the core schema, generated."""
        if slot.core == USER_URN:
            return self.make.user_body()
        if slot.core == GROUP_URN:
            return self.make.group_body()
        core = self.registry.schema(slot.core)
        body: dict[str, Any] = {"schemas": [slot.core]}
        for attr in core.attributes if core else ():
            if attr.required:
                body[attr.name] = self.values.value(attr)
        return body

    def create(self, slot: Slot, body: dict[str, Any]) -> httpx.Response:
        """POST `body`; the raw answer (created resources are registered for cleanup)."""
        endpoint = self.endpoint(slot)
        resp = self.scim.post(endpoint, json=body)
        try:
            created = resp.json() if resp.is_success else None
        except ValueError:
            created = None
        if isinstance(created, dict) and isinstance(created.get("id"), str):
            self.cleanup.register(endpoint, created["id"])
        return resp

    def read(self, slot: Slot, rid: str, **params: Any) -> httpx.Response:
        return self.scim.get(f"{self.endpoint(slot)}/{rid}", params=params or None)


@pytest.fixture
def store(scim, cleanup, registry, make, values) -> Store:
    return Store(scim, cleanup, registry, make, values)
