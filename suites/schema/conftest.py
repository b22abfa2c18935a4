"""Attribute slots and value generation for the schema-driven suite.

A slot is one attribute (or sub-attribute) of one resource type. Tests are parametrised over
the slots of the reference definitions (`schemas/definitions/`); each test then resolves its slot
in the target's own /Schemas and skips when the target does not declare it as assumed. A walker
test per behaviour covers the slots only the target declares (vendor extensions).
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scimcert import paths
from scimcert.harness.outcome import not_applicable

RESOURCE_REFS = {"User", "Group"}


@dataclass(frozen=True)
class Slot:
    """One attribute of a resource type; `urn` is set for extension attributes only."""

    rtype: str
    schema_name: str
    top: str
    sub: str | None = None
    urn: str | None = None

    @property
    def key(self) -> tuple[str, str, str, str]:
        """Identity across servers: names compare without case (RFC 7643 §2.1)."""
        return (self.rtype.lower(), (self.urn or "").lower(), self.top.lower(),
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


def _lower(value: Any) -> str:
    return str(value).lower()


def is_resource_ref(attr: dict[str, Any]) -> bool:
    return attr.get("type") == "reference" and bool(
        RESOURCE_REFS & set(attr.get("referenceTypes", ())))


def references_resource(parent: dict[str, Any]) -> bool:
    """The complex attribute points at a resource (members, manager): its `value` is an id."""
    return any(is_resource_ref(s) for s in parent.get("subAttributes", ()))


# Behaviours: which slots each one applies to, judged on the attribute JSON (RFC 7643 §7).


def _writable(attr: dict[str, Any]) -> bool:
    return attr.get("mutability", "readWrite") == "readWrite" and attr.get(
        "returned", "default") in ("default", "always")


BEHAVIOURS: dict[str, Callable[[dict[str, Any], dict[str, Any] | None], bool]] = {
    "round_trip": lambda a, p: p is None and _writable(a),
    "replace": lambda a, p: p is None and _writable(a),
    "remove": lambda a, p: p is None and _writable(a) and not a.get("required", False),
    "immutable": lambda a, p: a.get("mutability") == "immutable"
    and (p is None or not p.get("multiValued", False)),
    "read_only": lambda a, p: a.get("mutability") == "readOnly"
    and (p is None or (p.get("mutability", "readWrite") == "readWrite"
                       and not p.get("multiValued", False))),
    "never": lambda a, p: p is None and a.get("returned") == "never",
    "request": lambda a, p: p is None and a.get("returned") == "request",
    "canonical": lambda a, p: bool(a.get("canonicalValues"))
    and a.get("mutability", "readWrite") in ("readWrite", "immutable")
    and (p is None or (p.get("mutability", "readWrite") == "readWrite"
                       and not references_resource(p))),
}


def slots_of(schemas: dict[str, dict[str, Any]], rtypes: list[dict[str, Any]],
              common: dict[str, Any] | None) -> Iterator[tuple[Slot, dict, dict | None]]:
    """Every (slot, attribute JSON, parent JSON) of `rtypes`, from schema JSON documents."""
    for rtype in rtypes:
        sources = [(common, None)] if common else []
        sources.append((schemas.get(rtype["schema"].lower()), None))
        for ext in rtype.get("schemaExtensions", ()):
            sources.append((schemas.get(ext["schema"].lower()), ext["schema"]))
        for schema, urn in sources:
            if schema is None:
                continue
            for attr in schema.get("attributes", ()):
                top = Slot(rtype["name"], schema.get("name") or schema["id"], attr["name"], None,
                           urn)
                yield top, attr, None
                for sub in attr.get("subAttributes", ()):
                    yield (Slot(top.rtype, top.schema_name, attr["name"], sub["name"], urn), sub,
                           attr)


def reference_slots() -> list[tuple[Slot, dict, dict | None]]:
    """The slots of the reference bridge's definitions."""
    schemas: dict[str, dict[str, Any]] = {}
    rtypes: list[dict[str, Any]] = []
    common = None
    for file in sorted((paths.schemas() / "definitions").glob("*.json")):
        data = json.loads(file.read_text(encoding="utf-8"))
        for item in data if isinstance(data, list) else [data]:
            if item.get("id") == "common":
                common = item
            elif "endpoint" in item:
                rtypes.append(item)
            else:
                schemas[item["id"].lower()] = item
    return list(slots_of(schemas, rtypes, common))


def target_slots(registry) -> list[tuple[Slot, dict, dict | None]]:
    """The slots the target declares, from the `registry` fixture."""
    schemas = {s.id.lower(): s.to_json() for s in registry.served_schemas()}
    rtypes = [r.to_json() for r in registry.resource_types.values()]
    common = registry.common.to_json() if registry.common else None
    if common is not None:
        common["id"] = "common"
        common["name"] = "common"
    return list(slots_of(schemas, rtypes, common))


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

    def _from(self, spec: dict[str, Any], attr: dict[str, Any]) -> Any:
        if "choices" in spec:
            return self.rng.choice(spec["choices"])
        if "template" in spec:
            text = spec["template"]
            for key, value in {**self.names, "word": self.word(),
                               "digits": f"{self.rng.randrange(10**7):07d}"}.items():
                text = text.replace("{" + key + "}", value)
            return text
        kind = attr.get("type", "string")
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

    def simple(self, attr: dict[str, Any], parent: dict[str, Any] | None = None) -> Any:
        """A value for a non-complex attribute."""
        if attr.get("canonicalValues"):
            return self.rng.choice(attr["canonicalValues"])
        key = _lower(f"{parent['name']}.{attr['name']}" if parent else attr["name"])
        spec = self.rules["names"].get(key) or self.rules["types"][attr.get("type", "string")]
        return self._from(spec, attr)

    def element(self, attr: dict[str, Any], *, only: set[str] | None = None) -> dict[str, Any]:
        """One value of complex `attr`: its readWrite sub-attributes (or those in `only`)."""
        out: dict[str, Any] = {}
        pointer = references_resource(attr)
        for sub in attr.get("subAttributes", ()):
            name = sub["name"]
            if pointer and name == "value":
                out[name] = self.reference_id()
            elif is_resource_ref(sub):
                continue
            elif (name in only) if only is not None else _writable(sub):
                out[name] = self.simple(sub, attr)
        return out

    def value(self, attr: dict[str, Any]) -> Any:
        """A whole value for top-level `attr`, a list for a multi-valued one."""
        one = self.element(attr) if attr.get("type") == "complex" else self.simple(attr)
        return [one] if attr.get("multiValued") else one


@pytest.fixture
def values(request, target, make) -> Values:
    """The value generator of this test, seeded from the run seed and the test id."""
    rules = json.loads((paths.fixtures() / "suites" / "schema-values.json").read_text("utf-8"))
    rng = random.Random(f"{target.seed}:{request.node.nodeid}:values")
    return Values(rules, rng, f"{target.run_id}sch-", target.email_domain,
                  lambda: make.user()["id"])


# Target lookups and resource access ---------------------------------------------------------


@pytest.fixture(scope="session")
def declared(registry) -> dict[tuple, tuple[Slot, dict, dict | None]]:
    """The target's slots by key."""
    return {slot.key: (slot, attr, parent) for slot, attr, parent in target_slots(registry)}


@pytest.fixture
def declared_as(declared):
    """The target's (attribute, parent) JSON for `slot`; skips unless `behaviour` applies."""

    def run(slot: Slot, behaviour: str) -> tuple[dict, dict | None]:
        if slot.key not in declared:
            not_applicable(f"the target does not declare {slot.rtype} {slot.path}")
        _, attr, parent = declared[slot.key]
        if not BEHAVIOURS[behaviour](attr, parent):
            not_applicable(f"the target declares {slot.path} otherwise: mutability="
                        f"{attr.get('mutability')}, returned={attr.get('returned')}")
        return attr, parent

    return run


@pytest.fixture(scope="session")
def target_only(declared) -> Callable[[str], list[tuple[Slot, dict, dict | None]]]:
    """The target's slots `behaviour` applies to that the parametrised tests do not cover:
    absent from the reference definitions, or declared there with other characteristics."""
    reference = reference_slots()

    def run(behaviour: str) -> list[tuple[Slot, dict, dict | None]]:
        covered = {slot.key for slot, attr, parent in reference
                   if BEHAVIOURS[behaviour](attr, parent)}
        return [(slot, attr, parent) for key, (slot, attr, parent) in declared.items()
                if key not in covered and BEHAVIOURS[behaviour](attr, parent)]

    return run


@dataclass
class Store:
    """Creates and reads resources of any resource type the target declares."""

    scim: Any
    cleanup: Any
    registry: Any
    make: Any
    values: Values

    def endpoint(self, rtype: str) -> str:
        return self.registry.resource_type(rtype).endpoint

    def base_body(self, rtype: str) -> dict[str, Any]:
        """A valid body to start from: the factory's for User and Group, else the required
        attributes of the core schema, generated."""
        if rtype.lower() == "user":
            return self.make.user_body()
        if rtype.lower() == "group":
            return self.make.group_body()
        core = self.registry.resource_type(rtype).schema
        body: dict[str, Any] = {"schemas": [core]}
        for attr in self.registry.schema(core).attributes:
            if attr.required:
                body[attr.name] = self.values.value(attr.to_json())
        return body

    def create(self, rtype: str, body: dict[str, Any]):
        """POST `body`; the raw answer (created resources are registered for cleanup)."""
        endpoint = self.endpoint(rtype)
        resp = self.scim.post(endpoint, json=body)
        try:
            created = resp.json() if resp.is_success else None
        except ValueError:
            created = None
        if isinstance(created, dict) and isinstance(created.get("id"), str):
            self.cleanup.register(endpoint, created["id"])
        return resp

    def read(self, rtype: str, rid: str, **params: Any):
        return self.scim.get(f"{self.endpoint(rtype)}/{rid}", params=params or None)


@pytest.fixture
def store(scim, cleanup, registry, make, values) -> Store:
    return Store(scim, cleanup, registry, make, values)
