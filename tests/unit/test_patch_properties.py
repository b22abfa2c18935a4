"""Properties of the PATCH engine over generated operations (hypothesis, registered profile)."""

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scimcert.scim.errors import ScimError
from scimcert.scim.patch import apply_patch
from scimcert.scim.schema import Registry
from scimcert.scim.urns import ENTERPRISE_URN, PATCH_OP_URN, USER_URN

REGISTRY = Registry.load()
USER = {
    "schemas": [USER_URN], "id": "u1", "userName": "kim@example.com",
    "name": {"givenName": "Kim", "familyName": "Park"},
    "emails": [{"value": "kim@example.com", "type": "work", "primary": True}],
}
STRING_PATHS = ["nickName", "title", "displayName", "name.givenName", "name.middleName",
                "emails[type eq \"work\"].value", f"{ENTERPRISE_URN}:department"]

text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
emails = st.fixed_dictionaries(
    {"value": text, "type": st.sampled_from(["work", "home", "other"])},
    optional={"display": text},
)
operations = st.one_of(
    st.builds(lambda p, v: {"op": "replace", "path": p, "value": v},
              st.sampled_from(STRING_PATHS), text),
    st.builds(lambda v: {"op": "add", "path": "emails", "value": [v]}, emails),
    st.builds(lambda p: {"op": "remove", "path": p},
              st.sampled_from(["nickName", "userName", "emails[type eq \"home\"]", "id", "name"])),
    st.builds(lambda v: {"op": "Replace", "path": "active", "value": v},
              st.sampled_from([True, "False", "TRUE", "maybe", 1])),
    st.builds(lambda p, v: {"op": "add", "path": p, "value": v},
              st.sampled_from(["shoeSize", "emails[", "groups", "meta.created"]), text),
)


def _message(*ops):
    return {"schemas": [PATCH_OP_URN], "Operations": list(ops)}


def _read(resource, path):
    if path.startswith(ENTERPRISE_URN):
        return resource[ENTERPRISE_URN][path.rpartition(":")[2]]
    if path.startswith("emails"):
        return next(e["value"] for e in resource["emails"] if e["type"] == "work")
    head, _, sub = path.partition(".")
    return resource[head][sub] if sub else resource[head]


@pytest.mark.parametrize("path", STRING_PATHS)
@given(value=text)
def test_replace_then_read_returns_the_value(path, value):
    message = _message({"op": "replace", "path": path, "value": value})
    after = apply_patch(USER, message, REGISTRY, "User")
    assert _read(after, path) == value


@given(email=emails)
def test_add_of_an_equal_value_is_idempotent(email):
    add = _message({"op": "add", "path": "emails", "value": [email]})
    once = apply_patch(USER, add, REGISTRY, "User")
    assert apply_patch(once, add, REGISTRY, "User") == once


def _outcome(resource, message):
    try:
        return apply_patch(resource, message, REGISTRY, "User")
    except ScimError as exc:
        return exc


@given(ops=st.lists(operations, min_size=1, max_size=5))
def test_apply_patch_never_mutates_its_input(ops):
    before = copy.deepcopy(USER)
    outcome = _outcome(before, _message(*ops))
    assert before == USER
    assert isinstance(outcome, dict) or outcome.status == 400
    assert outcome is not before


@given(ops=st.lists(operations, max_size=4))
def test_an_error_applies_no_operation(ops):
    failing = {"op": "replace", "path": "emails[type eq \"fax\"].value", "value": "x"}
    before = copy.deepcopy(USER)
    with pytest.raises(ScimError) as caught:
        apply_patch(before, _message(*ops, failing), REGISTRY, "User")
    assert caught.value.status == 400
    assert before == USER
