"""Identity over generated data: userName is unique and matched whatever the case of its
letters, non-ASCII ones too (RFC 7643 §4.1.1), and a resource keeps its id through any
sequence of updates, renames included (RFC 7643 §3.1).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import reject
from hypothesis import strategies as st

from scimcert.harness.checks import body_of, expect, expect_error, filed
from scimcert.harness.messages import patch_op
from scimcert.harness.outcome import not_applicable
from scimcert.harness.properties import model, text
from scimcert.harness.properties.model import kept_immutable
from scimcert.harness.properties.strategies import Unique
from scimcert.scim.errors import ScimError
from scimcert.scim.filter import to_string
from scimcert.scim.filter.ast import Compare
from scimcert.scim.schema import AttrPath

UNIQUE = "rfc7643/4.1.1/username-case-insensitive"
MATCHED = "rfc7643/4.1.1/username-eq-any-case"
STABLE = "rfc7643/3.1/id-stable"
UPDATES = 3

pytestmark = [pytest.mark.writes, pytest.mark.properties]


@pytest.mark.requirement(UNIQUE)
def test_username_is_unique_in_any_case(runner, lab, user_type):
    if user_type is None:
        not_applicable("the target declares no resource type with the core User schema")

    def holds(name: str, data: st.DataObject) -> None:
        taken, _ = named(lab, user_type, name)
        other = another_case(data, taken)
        resp = lab.make.attempt(user_type.name, {"schemas": [user_type.schema],
                                                 "userName": other})
        expect_error(resp, 409, "uniqueness")

    runner.check(holds, name=text.words(), data=st.data())


@pytest.mark.feature("filter")
@pytest.mark.requirement(MATCHED)
def test_username_is_found_in_any_case(runner, lab, user_type):
    if user_type is None:
        not_applicable("the target declares no resource type with the core User schema")

    def holds(name: str, data: st.DataObject) -> None:
        taken, rid = named(lab, user_type, name)
        query = to_string(Compare(AttrPath("userName"), "eq", another_case(data, taken)))
        found = lab.all_of(user_type, query, 5)
        expect(found is not None and [r.get("id") for r in found] == [rid],
               f"{query} finds the user named {taken!r}", expected=[rid],
               actual=None if found is None else [r.get("id") for r in found])

    runner.check(holds, name=text.words(), data=st.data())


def named(lab, user_type, name: str) -> tuple[str, str]:
    """(userName as stored, id) of a new user named after `name`."""
    _, user = lab.create(user_type, {"schemas": [user_type.schema], "userName": Unique(name)})
    taken = user.get("userName")
    if not isinstance(taken, str):
        reject()
    return taken, user["id"]


def another_case(data: st.DataObject, value: str) -> str:
    """`value` with letters in another case (every letter swapped when the draw changes
    none)."""
    other = data.draw(text.variants(value), "another case")
    return text.swapped(value) if other == value else other


@pytest.mark.requirement(STABLE)
def test_id_is_stable_across_updates(runner, lab, forge, registry, creatable, spc):
    patching = bool((spc.get("patch") or {}).get("supported", True))

    def holds(case: tuple[Any, dict[str, Any]], data: st.DataObject) -> None:
        rtype, template = case
        _, created = lab.create(rtype, template)
        rid = created["id"]
        location = f"{rtype.endpoint}/{rid}"
        for step in range(data.draw(st.integers(1, UPDATES), "updates")):
            current = lab.read(rtype, rid)
            with filed(STABLE):
                expect(current.get("id") == rid, f"GET {rtype.endpoint}/<id> after update "
                       f"{step} reads the resource with that id", expected=rid,
                       actual=current.get("id"))
            resp = update(data, lab, forge, registry, rtype, location, current, patching)
            if resp is None or not resp.is_success or resp.status_code == 204:
                continue
            answered = body_of(resp)
            with filed(STABLE):
                expect(isinstance(answered, dict) and answered.get("id") == rid,
                       f"the {resp.request.method} answer names the id the resource had",
                       expected=rid, actual=answered.get("id") if isinstance(answered, dict)
                       else answered, resp=resp)
        with filed(STABLE):
            expect(lab.read(rtype, rid).get("id") == rid, "the resource is still found by its "
                   "id after the updates", expected=rid, actual="another resource")

    runner.check(holds, scale=0.75, case=forge.typed(creatable), data=st.data())


def update(data: st.DataObject, lab, forge, registry, rtype, location: str,
           current: dict[str, Any], patching: bool) -> Any:
    """A generated PUT or PATCH of the resource (a rename among them); None when the drawn
    PATCH is one the model refuses."""
    if not patching or data.draw(st.booleans(), "PUT rather than PATCH"):
        body = forge.stamp(data.draw(forge.body(rtype), "PUT body"), lab.tag())
        return lab.scim.put(location, json=kept_immutable(body, current, registry, rtype))
    base = lab.stored(rtype, current)
    drawn = data.draw(forge.operations(rtype), "operations")
    operations = forge.stamp(forge.resolve(drawn, base, rtype), lab.tag())
    if not operations:
        return None
    try:
        model.patched(base, patch_op(*operations), registry, rtype)
    except ScimError:
        return None
    return lab.scim.patch(location, json=patch_op(*operations))

