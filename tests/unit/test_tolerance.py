"""The IdP tolerance switches: each serves a catalogue requirement or a documented IdP behaviour,
and the pure core is plain RFC unless a caller turns a switch on."""

import pytest

from scimcert.harness import catalogue
from scimcert.scim import tolerance
from scimcert.scim.errors import ScimError
from scimcert.scim.filter import parse
from scimcert.scim.patch import apply_patch
from scimcert.scim.resource import canonicalize
from scimcert.scim.schema import Registry
from scimcert.scim.tolerance import Tolerances
from scimcert.scim.urns import PATCH_OP_URN, USER_URN

SWITCHES = [pytest.param(name, id=name) for name in tolerance.names()]


@pytest.fixture(scope="module")
def catalogued() -> dict[str, str]:
    """The level of every catalogue requirement by id."""
    return {r.id: r.level for r in catalogue.load()}


@pytest.mark.parametrize("name", SWITCHES)
def test_switch_serves_an_idp_requirement_or_names_its_source(name, catalogued):
    served, source = tolerance.requirement(name), tolerance.source(name)
    assert (served is None) != (source is None), "exactly one of requirement and source"
    if served is not None:
        # An RFC requirement would mean the "tolerance" is the RFC itself: never a switch.
        assert catalogued.get(served) in catalogue.load_sources().idps, served
    else:
        # A public document, never a file outside the repository.
        assert source.startswith("https://"), source


def test_no_two_switches_serve_the_same_requirement():
    served = [tolerance.requirement(name) for name in tolerance.names()]
    found = [r for r in served if r is not None]
    assert sorted({r for r in found if found.count(r) > 1}) == []


def test_all_and_none_set_every_switch():
    assert all(getattr(Tolerances.all(), name) for name in tolerance.names())
    assert not any(getattr(Tolerances.none(), name) for name in tolerance.names())
    assert Tolerances.none() == Tolerances() == tolerance.STRICT


@pytest.mark.parametrize("name", SWITCHES)
def test_without_turns_off_one_switch(name):
    left = Tolerances.all().without(name)
    assert [n for n in tolerance.names() if not getattr(left, n)] == [name]


def test_without_refuses_a_switch_that_does_not_exist():
    with pytest.raises(ValueError, match="no such tolerance: capitalized_op"):
        Tolerances.all().without("capitalized_op")


@pytest.mark.parametrize("call", [
    pytest.param(lambda reg: parse('emails[type eq "work"].value eq "x"'), id="parse"),
    pytest.param(lambda reg: canonicalize({"userName": "k", "active": "True"}, reg, "User"),
                 id="canonicalize"),
    pytest.param(lambda reg: apply_patch(
        {"schemas": [USER_URN], "id": "1", "userName": "k"},
        {"schemas": [PATCH_OP_URN], "Operations": [{"op": "Add", "path": "title", "value": "x"}]},
        reg, "User"), id="apply_patch"),
])
def test_the_core_is_plain_rfc_unless_told_otherwise(call):
    with pytest.raises(ScimError) as caught:
        call(Registry.load())
    assert caught.value.status == 400
