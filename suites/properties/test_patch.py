"""Generated PATCH operation lists (RFC 7644 §3.5.2) on generated resources, in every path form:
plain, sub-attribute, value filter, URN-qualified and path-less. A PATCH leaves the resource as
the strict RFC core computes from the resource as read before it; a list holding one operation
RFC 7644 says must fail is refused and changes nothing, whatever the operations around it did.

A failure names the operation that made the difference and its clause (RFC 7644 §3.5.2.1-
§3.5.2.3), which the PATCH corpus grades on its own; a PATCH may answer 200 with the resource or
204 (§3.5.2), and a value filter the target does not support may be refused with invalidFilter
(§3.12, Table 9).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import reject
from hypothesis import strategies as st

from scimcert.harness.checks import expect, filed
from scimcert.harness.messages import patch_op
from scimcert.harness.properties import likeness, model
from scimcert.harness.properties.model import clause
from scimcert.harness.properties.strategies import MAX_OPERATIONS, Unique, writable
from scimcert.scim.errors import ScimError

ATOMIC = "rfc7644/3.5.2/refused-patch-changes-nothing"
NO_PATH = "rfc7644/3.5.2.2/remove-without-path-refused"
NO_MATCH = "rfc7644/3.5.2.3/replace-filter-no-match"
COMPUTED = "rfc7644/3.5.2/patch-as-computed"
POOL = 2
LONG = ("A value longer than the 255 characters a VARCHAR(255) column keeps. " * 5)[:300]

pytestmark = [pytest.mark.writes, pytest.mark.feature("patch"), pytest.mark.properties]


@pytest.mark.requirement(COMPUTED)
def test_patch_leaves_what_the_model_computes(runner, lab, forge, registry, creatable,
                                              user_type):
    pool = lab.users(POOL)

    def holds(drawn: tuple[Any, ...]) -> None:
        case, operations = drawn
        rtype, created, before, operations, expected = staged(case, operations, lab, forge,
                                                              registry, pool)
        location = f"{rtype.endpoint}/{created['id']}"
        resp = lab.scim.patch(location, json=patch_op(*operations))
        if refused_filter(resp, operations) or lab.unsupported(resp):
            return
        expect(resp.status_code in (200, 204), "the target applies the PATCH, which the RFC "
               f"core applies ({named(operations[0], registry, rtype, before)})",
               expected="200 or 204", actual=resp.status_code, resp=resp)
        after = lab.stored(rtype, lab.read(rtype, created["id"]))
        found = likeness.differences(expected, after, registry, rtype, [before, after])
        blamed = blame(found[0], operations, registry, rtype, before) if found else ""
        expect(not found, f"the resource after the PATCH is what {blamed} makes of it",
               expected="no difference", actual=[str(d) for d in found])

    runner.check(holds, explicit=long_value(registry, user_type),
                 drawn=forge.typed(creatable, members=POOL).flatmap(
                     lambda case: st.tuples(st.just(case), operations(forge, case))))


@pytest.mark.requirement(ATOMIC, NO_PATH, NO_MATCH)
def test_refused_operation_list_changes_nothing(runner, lab, forge, registry, creatable,
                                                user_type):
    pool = lab.users(POOL)

    def holds(drawn: tuple[Any, ...]) -> None:
        case, operations, failing, after_it = drawn
        rtype, created, before, operations, _ = staged(case, operations, lab, forge, registry,
                                                       pool)
        location = f"{rtype.endpoint}/{created['id']}"
        # The failing operation comes last unless drawn otherwise: what precedes it must be
        # rolled back, and a shrunk example keeps that order.
        at = len(operations) - after_it % (len(operations) + 1)
        sent = [*operations[:at], failing, *operations[at:]]
        resp = lab.scim.patch(location, json=patch_op(*sent))
        # RFC 7644 §3.5.2.2 and §3.5.2.3: "the operation fails with HTTP status code 400 and a
        # "scimType" error code of "noTarget"" / "SHALL indicate failure".
        with filed(NO_PATH if "path" not in failing else NO_MATCH):
            expect(not resp.is_success, "the PATCH holding an operation that must fail is "
                   "refused", expected="a failure status (400 noTarget)",
                   actual=resp.status_code, resp=resp)
        after = lab.stored(rtype, lab.read(rtype, created["id"]))
        found = likeness.differences(before, after, registry, rtype, [after])
        with filed(ATOMIC):
            expect(not found, "the refused PATCH leaves the resource as it was",
                   expected="no difference", actual=[str(d) for d in found])

    runner.check(holds, explicit=complex_then_failing(registry, user_type),
                 drawn=forge.typed(creatable, members=POOL).flatmap(
                     lambda case: st.tuples(st.just(case), operations(forge, case),
                                            forge.failing(case[0]),
                                            st.integers(0, MAX_OPERATIONS))))


def operations(forge, case: tuple[Any, dict[str, Any]]) -> st.SearchStrategy[list[Any]]:
    """Operation templates for the type of `case`."""
    return forge.operations(case[0], members=POOL)


def long_value(registry, user_type) -> list[dict[str, Any]]:
    """The example every profile tries first: a user's displayName replaced by a value longer
    than the 255 characters a VARCHAR(255) column keeps (RFC 7643 §2.3.1 sets no length). A
    drawn value that long is rare in a short search."""
    attr = registry.top_attribute(user_type, "displayName") if user_type else None
    if attr is None or not writable(attr) or attr.type != "string":
        return []
    user = {"schemas": [user_type.schema], "userName": Unique("long"), "displayName": "Ada"}
    replace = {"op": "replace", "path": "displayName", "value": LONG}
    return [{"drawn": ((user_type, user), [replace])}]


def complex_then_failing(registry, user_type) -> list[dict[str, Any]]:
    """The example every profile tries first: a user's name.givenName replaced, then a remove
    without a path, which must fail (RFC 7644 §3.5.2.2) and undo the replace with it (§3.5.2:
    "the original SCIM resource MUST be restored"): the rollback of a complex attribute."""
    name = registry.top_attribute(user_type, "name") if user_type else None
    given = name.sub("givenName") if name is not None else None
    if given is None or not writable(name) or not writable(given):
        return []
    user = {"schemas": [user_type.schema], "userName": Unique("rollback"),
            "name": {"givenName": "Ada", "familyName": "Lovelace"}}
    replace = {"op": "replace", "path": "name.givenName", "value": "Grace"}
    return [{"drawn": ((user_type, user), [replace], {"op": "remove"}, 0)}]


def staged(case: tuple[Any, dict[str, Any]], drawn: list[Any], lab, forge, registry,
           pool: list[str]) -> tuple[Any, dict[str, Any], dict[str, Any], list[dict[str, Any]],
                                     dict[str, Any]]:
    """A resource created from `case`, as stored, with the `drawn` operations filled in for it
    and what the RFC core computes of them; an operation list the core refuses is no example."""
    rtype, template = case
    _, created = lab.create(rtype, template, pool)
    before = lab.stored(rtype, lab.read(rtype, created["id"]))
    operations = forge.stamp(forge.resolve(drawn, before, rtype), lab.tag(), pool)
    if not operations:
        reject()
    try:
        expected = model.patched(before, patch_op(*operations), registry, rtype)
    except ScimError:
        reject()
    return rtype, created, before, operations, expected


def refused_filter(resp, operations: list[dict[str, Any]]) -> bool:
    """Whether the target refused a value filter as unsupported, which RFC 7644 §3.12 allows
    ("the specified attribute and filter comparison combination is not supported")."""
    if resp.status_code != 400 or not any("[" in str(op.get("path", "")) for op in operations):
        return False
    try:
        return resp.json().get("scimType") == "invalidFilter"
    except (ValueError, AttributeError):
        return False


def named(op: dict[str, Any], registry, rtype, before: dict[str, Any]) -> str:
    """An operation with the requirement its clause is graded by: `add title (rfc7644/...)`."""
    path = op.get("path") or "without a path"
    return f"{op.get('op')} {path} ({clause(op, registry, rtype, before)})"


def blame(found: likeness.Difference, operations: list[dict[str, Any]], registry, rtype,
          before: dict[str, Any]) -> str:
    """The last operation naming the attribute that differs (the first when none names it),
    with its clause's requirement."""
    top = found.path.split(".")[0].split("[")[0].lower()
    for op in reversed(operations):
        path = str(op.get("path") or "")
        names = {str(k).lower() for k in (op.get("value") or {})} if not path \
            and isinstance(op.get("value"), dict) else set()
        head = path.split("[")[0].split(".")[0].lower()
        if head == top or top in names or (":" in top and top.rpartition(":")[0] in names) \
                or head.endswith(":" + top):
            return named(op, registry, rtype, before)
    return named(operations[0], registry, rtype, before)
