"""Filters select the users the truth table says, with types and caseExact from the schema."""

import pytest

from scimcert.harness import cases
from scimcert.scim.errors import INVALID_FILTER, ScimError
from scimcert.scim.filter import evaluate, parse, parse_path, validate
from scimcert.scim.schema import Registry, ResourceType, Schema
from scimcert.scim.tolerance import Tolerances
from scimcert.scim.urns import ENTERPRISE_URN, USER_URN

RUN = "t1-"
DOMAIN = "example.com"
REFERENCE = Tolerances.all()


def _load(name: str) -> dict:
    return cases.load(f"filters/{name}")


DATASET = _load("dataset.json")
IDS = {key: user["id"] for key, user in DATASET["users"].items()}
CASES = _load("cases.json")["cases"]
INVALID = [c for c in _load("invalid.json")["filters"] if c["stage"] == "validate"]


def _fill(value):
    """Replace the data set placeholders ({run}, {domain}, {id:KEY}) as a unit-test run would."""
    return cases.fill(value, {"run": RUN, "domain": DOMAIN,
                              **{f"id:{key}": rid for key, rid in IDS.items()}})


USERS = _fill(DATASET["users"])


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load()


def _selected(registry: Registry, text: str) -> list[str]:
    node = parse(_fill(text), REFERENCE)
    return [key for key, user in USERS.items() if evaluate(node, user, registry, "User")]


@pytest.mark.parametrize("case", cases.params(CASES, marked=False))
def test_filter_selects_the_expected_users(registry, case):
    actual = _selected(registry, case["filter"])
    assert actual == case["matches"], (
        f"{case['filter']}\n  expected {case['matches']}\n  actual   {actual}"
    )


@pytest.mark.parametrize("case", cases.params(CASES, marked=False))
def test_truth_table_filter_validates(registry, case):
    validate(parse(_fill(case["filter"]), REFERENCE), registry, "User")


@pytest.mark.parametrize("case", cases.params(INVALID, marked=False))
def test_validate_rejects_unknown_attribute_or_comparison(registry, case):
    node = parse(case["filter"])
    with pytest.raises(ScimError) as raised:
        validate(node, registry, "User")
    assert (raised.value.status, raised.value.scim_type) == (400, INVALID_FILTER)
    assert case["expected"] in raised.value.detail


@pytest.mark.parametrize("case", cases.params(INVALID, marked=False))
def test_invalid_filter_never_matches(registry, case):
    node = parse(case["filter"])
    for user in USERS.values():
        try:
            matched = evaluate(node, user, registry, "User")
        except ScimError as exc:
            assert exc.scim_type == INVALID_FILTER
        else:
            assert matched is False


def test_unknown_attribute_is_absent_when_evaluated(registry):
    node = parse('nickNamez eq "a" or not (nickNamez pr)')
    assert all(evaluate(node, user, registry, "User") for user in USERS.values())


def test_type_mismatch_raises_even_without_the_attribute(registry):
    with pytest.raises(ScimError, match="boolean attribute compared with str"):
        evaluate(parse('active eq "x"'), {"userName": "u"}, registry, "User")


def test_value_filter_applies_to_one_element_with_parent(registry):
    emails = registry.attribute("User", "emails")
    path = parse_path('emails[type eq "work" and primary eq true].value')
    results = [evaluate(path.filter, e, registry, "User", parent=emails)
               for e in USERS["carol"]["emails"]]
    assert results == [False, False]
    results = [evaluate(path.filter, e, registry, "User", parent=emails)
               for e in USERS["alice"]["emails"]]
    assert results == [True, False]


def test_names_under_parent_resolve_case_insensitively(registry):
    members = registry.attribute("Group", "members")
    node = parse('VALUE eq "abc"')
    assert evaluate(node, {"value": "abc"}, registry, "Group", parent=members)
    assert not evaluate(node, {"value": "ABC"}, registry, "Group", parent=members)


def test_resource_keys_in_other_case_still_resolve(registry):
    user = {"USERNAME": "Bjensen", "Meta": {"Created": "2024-01-01T00:00:00Z"}}
    node = parse('userName eq "bjensen" and meta.created lt "2025-01-01T00:00:00Z"')
    assert evaluate(node, user, registry, "User")


def test_extension_attributes_live_under_their_urn(registry):
    flat = {f"{ENTERPRISE_URN}:department": "Sales"}
    nested = {ENTERPRISE_URN: {"department": "Sales"}}
    node = parse(f'{ENTERPRISE_URN}:department eq "sales"')
    assert (evaluate(node, flat, registry, "User"), evaluate(node, nested, registry, "User")) == (
        False,
        True,
    )


def test_validate_names_unknown_attribute_in_value_filter(registry):
    with pytest.raises(ScimError, match="unknown attribute 'kind' of 'emails'"):
        validate(parse('emails[kind eq "work"]'), registry, "User")


@pytest.fixture
def numeric_registry() -> Registry:
    """The standard registry plus an extension with integer and decimal attributes."""
    urn = "urn:example:params:scim:schemas:extension:numbers:2.0:User"
    reg = Registry.load()
    reg.add_schema(Schema.from_json({"id": urn, "name": "Numbers", "attributes": [
        {"name": "level", "type": "integer"}, {"name": "score", "type": "decimal"}]}))
    user = reg.resource_type("User")
    reg.add_resource_type(ResourceType(user.id, user.name, user.endpoint, user.description,
                                       USER_URN, (*user.extensions, (urn, False))))
    return reg


NUMBERS = "urn:example:params:scim:schemas:extension:numbers:2.0:User"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("level eq 7", True, id="integer-eq"),
        pytest.param("level eq 7.0", True, id="integer-eq-decimal-operand"),
        pytest.param("level gt 10", False, id="integer-gt-is-numeric-not-lexicographic"),
        pytest.param("level lt 10", True, id="integer-lt"),
        pytest.param("level ne 7", False, id="integer-ne"),
        pytest.param("score ge 2.5", True, id="decimal-ge-equal"),
        pytest.param("score gt 2.5", False, id="decimal-gt"),
        pytest.param("score le 1e1", True, id="decimal-le-exponent"),
    ],
)
def test_numbers_compare_numerically(numeric_registry, text, expected):
    user = {NUMBERS: {"level": 7, "score": 2.5}}
    assert evaluate(parse(f"{NUMBERS}:{text}"), user, numeric_registry, "User") is expected


@pytest.mark.parametrize("text", ['level eq "7"', "level eq true", "score co 2", "level sw 1"])
def test_numbers_reject_other_operand_types(numeric_registry, text):
    with pytest.raises(ScimError) as raised:
        validate(parse(f"{NUMBERS}:{text}"), numeric_registry, "User")
    assert raised.value.scim_type == INVALID_FILTER
