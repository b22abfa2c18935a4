"""Fixtures of the users suite: run names for suite data, and whether a PATCH case fits what the
target declares."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from scimcert.harness.cases import fill
from scimcert.scim.filter import parse_path
from scimcert.scim.filter.ast import And, Compare, Node, Not, Or, Present, ValuePath
from scimcert.scim.schema import ResourceType

WRITABLE = ("readWrite", "writeOnly")


@pytest.fixture
def named(make, target) -> Callable[[Any], Any]:
    """Fills suite data with a prefix of this test's own and the email domain: values that must
    be unique (userName, emails, externalId) never collide with another test's."""
    names = {"run": f"{make.tag()}-", "domain": target.email_domain}
    return lambda value: fill(value, names)


@pytest.fixture(scope="session")
def unfit_case(registry, user_type) -> Callable[[dict[str, Any]], str | None]:
    """Why a PATCH case of fixtures/suites/users.json does not apply to the target, or None.

    A case applies when every attribute path its operations and expectations name is declared
    for User, and every one its operations write is writable: a provider publishes the subset it
    supports (RFC 7643 §7), and a readOnly, immutable or required attribute answers a refusal
    (RFC 7644 §3.5.2, §3.5.2.2), which its own requirements grade.
    """

    def reason(case: dict[str, Any]) -> str | None:
        if user_type is None:
            return None
        for path in named_paths(case, user_type):
            if registry.attribute(user_type, path) is None:
                return f"the target's User schema does not declare {path}"
        for op, path in written_paths(case, user_type):
            attr = registry.attribute(user_type, path)
            if attr is not None and attr.mutability not in WRITABLE:
                return f"the target declares {path} {attr.mutability}"
            if attr is not None and attr.required and op.lower() == "remove":
                return f"the target declares {path} required"
        return None

    return reason


def named_paths(case: dict[str, Any], rtype: ResourceType) -> Iterator[str]:
    """Every attribute path the case's operations and expectations name."""
    for _, path in written_paths(case, rtype):
        yield path
    for op in case["operations"]:
        if "path" in op:
            found = parse_path(op["path"])
            if found.filter is not None:
                yield from (f"{found.attr}.{name}" for name in _filter_names(found.filter))
    for rule in case["expect"]:
        yield from _rule_paths(rule["at"], rtype)


def written_paths(case: dict[str, Any], rtype: ResourceType) -> Iterator[tuple[str, str]]:
    """(op, attribute path) for every attribute the case's operations write or remove."""
    for op in case["operations"]:
        if "path" in op:
            found = parse_path(op["path"])
            base = str(found.attr)
            yield op["op"], base
            if found.sub is not None:
                yield op["op"], f"{base}.{found.sub}"
            yield from ((op["op"], path) for path in _value_paths(base, op.get("value")))
        elif isinstance(op.get("value"), dict):
            for key, value in op["value"].items():
                urn = rtype.extension_urn(key)
                if urn is not None and isinstance(value, dict):
                    for name, item in value.items():
                        yield op["op"], f"{urn}:{name}"
                        yield from ((op["op"], p) for p in _value_paths(f"{urn}:{name}", item))
                else:
                    yield op["op"], key
                    yield from ((op["op"], path) for path in _value_paths(key, value))


def _value_paths(base: str, value: Any) -> Iterator[str]:
    """The sub-attribute paths a complex value (or list of them) under `base` sets."""
    if "." in base.rpartition(":")[2]:
        return
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, dict):
            yield from (f"{base}.{name}" for name in item)


def _filter_names(node: Node) -> Iterator[str]:
    if isinstance(node, Compare | Present):
        yield node.path.attr
    elif isinstance(node, And | Or):
        yield from _filter_names(node.left)
        yield from _filter_names(node.right)
    elif isinstance(node, Not):
        yield from _filter_names(node.inner)
    elif isinstance(node, ValuePath):
        yield node.path.attr


def _rule_paths(steps: list[Any], rtype: ResourceType) -> Iterator[str]:
    """The attribute paths an expectation's steps walk: `["emails", {"type": "work"}, "value"]`
    names emails, emails.type and emails.value."""
    first, rest = steps[0], list(steps[1:])
    urn = rtype.extension_urn(first) if isinstance(first, str) else None
    if urn is not None and rest:
        first, rest = f"{urn}:{rest[0]}", rest[1:]
    yield first
    for step in rest:
        names = list(step) if isinstance(step, dict) else [step]
        yield from (f"{first}.{name}" for name in names)
