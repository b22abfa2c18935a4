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
from scimcert.scim.errors import ScimError

ATOMIC = "rfc7644/3.5.2/refused-patch-changes-nothing"
NO_PATH = "rfc7644/3.5.2.2/remove-without-path-refused"
NO_MATCH = "rfc7644/3.5.2.3/replace-filter-no-match"
COMPUTED = "rfc7644/3.5.2/patch-as-computed"
POOL = 2

pytestmark = [pytest.mark.writes, pytest.mark.feature("patch"), pytest.mark.properties]


@pytest.mark.requirement(COMPUTED)
def test_patch_leaves_what_the_model_computes(runner, lab, forge, registry, creatable):
    pool = lab.users(POOL)

    def holds(case: tuple[Any, dict[str, Any]], data: st.DataObject) -> None:
        rtype, created, before, operations, expected = staged(case, data, lab, forge, registry,
                                                              pool)
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

    runner.check(holds, case=forge.typed(creatable, members=POOL), data=st.data())


@pytest.mark.requirement(ATOMIC, NO_PATH, NO_MATCH)
def test_refused_operation_list_changes_nothing(runner, lab, forge, registry, creatable):
    pool = lab.users(POOL)

    def holds(case: tuple[Any, dict[str, Any]], data: st.DataObject) -> None:
        rtype, created, before, operations, _ = staged(case, data, lab, forge, registry, pool)
        location = f"{rtype.endpoint}/{created['id']}"
        failing = data.draw(forge.failing(rtype), "failing operation")
        at = data.draw(st.integers(0, len(operations)), "its position")
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

    runner.check(holds, case=forge.typed(creatable, members=POOL), data=st.data())


def staged(case: tuple[Any, dict[str, Any]], data: st.DataObject, lab, forge, registry,
           pool: list[str]) -> tuple[Any, dict[str, Any], dict[str, Any], list[dict[str, Any]],
                                     dict[str, Any]]:
    """A resource created from `case`, as stored, with drawn operations the RFC core applies
    to it and what it computes of them; an operation list the core refuses is no example."""
    rtype, template = case
    _, created = lab.create(rtype, template, pool)
    before = lab.stored(rtype, lab.read(rtype, created["id"]))
    operations = operations_for(data, lab, forge, rtype, before, pool)
    try:
        expected = model.patched(before, patch_op(*operations), registry, rtype)
    except ScimError:
        reject()
    return rtype, created, before, operations, expected


def operations_for(data: st.DataObject, lab, forge, rtype, before: dict[str, Any],
                   pool: list[str]) -> list[dict[str, Any]]:
    """Operations drawn for a resource holding `before`, filled in for this run."""
    drawn = data.draw(forge.operations(rtype, members=len(pool)), "operations")
    found = forge.stamp(forge.resolve(drawn, before, rtype), lab.tag(), pool)
    if not found:
        reject()
    return found


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
