"""Mappings as data: the shipped files load, every expression is compiled at load (a bad one
names its row), and evaluation applies Entra's rules for create-only rows, defaults and nulls."""

from __future__ import annotations

import json

import pytest

from scimcert import paths
from scimcert.idp.mapping import Context, Mapping, MappingError, Row

MAPPINGS = paths.fixtures() / "mappings"
ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
ANN = {"id": "1", "userPrincipalName": "ann@contoso.onmicrosoft.com", "mail": "ann.lee@contoso.com",
       "mailNickname": "ann", "displayName": "Ann Lee", "givenName": "Ann", "surname": "Lee",
       "preferredLanguage": "en-GB", "accountEnabled": True, "IsSoftDeleted": False,
       "department": "Sales"}


def _write(tmp_path, document) -> str:
    file = tmp_path / "mapping.json"
    file.write_text(json.dumps(document), encoding="utf-8")
    return str(file)


def test_recommended_mapping_sends_mail_as_user_name():
    mapping = Mapping.load(MAPPINGS / "entra-1password-recommended.json")
    assert mapping.evaluate(ANN, creating=True, context=Context()) == {
        "userName": "ann.lee@contoso.com", "active": "True", "displayName": "Ann Lee",
        "preferredLanguage": "en-GB", "externalId": "ann"}


def test_default_mapping_sends_the_upn_and_the_defaults():
    mapping = Mapping.load(MAPPINGS / "entra-default.json")
    sent = mapping.evaluate(ANN, creating=True, context=Context())
    assert sent["userName"] == "ann@contoso.onmicrosoft.com"
    assert sent['emails[type eq "work"].value'] == "ann.lee@contoso.com"
    assert sent["name.formatted"] == "Ann Lee"
    assert sent[f"{ENT}:department"] == "Sales"
    assert f"{ENT}:manager" not in sent  # absent in the source: not sent


def test_soft_deleted_user_is_sent_active_false():
    mapping = Mapping.load(MAPPINGS / "entra-1password-recommended.json")
    sent = mapping.evaluate({**ANN, "IsSoftDeleted": True}, creating=False, context=Context())
    assert sent["active"] == "False"


def test_matching_rows_come_by_precedence():
    rows = (Row("externalId", "attribute", "mailNickname", matching=2),
            Row("userName", "attribute", "mail", matching=1),
            Row("displayName", "attribute", "displayName"),
            Row("displayName", "attribute", "displayName", matching=1, object="Group"))
    mapping = Mapping("m", rows)
    assert [r.target for r in mapping.matching()] == ["userName", "externalId"]
    assert [r.target for r in mapping.matching("Group")] == ["displayName"]


def test_group_rows_evaluate_for_groups_only():
    mapping = Mapping.load(MAPPINGS / "entra-1password-recommended.json")
    group = {"displayName": "Sales", "objectId": "g1", "members": ["1", "2"]}
    assert mapping.evaluate(group, creating=True, context=Context(), object="Group") == {
        "displayName": "Sales", "externalId": "g1", "members": ["1", "2"]}


def test_create_only_row_applies_on_create_and_not_on_update():
    mapping = Mapping("m", (Row("userName", "attribute", "mail", matching=1),
                            Row("externalId", "expression", "Guid()", apply="create")))
    created = mapping.evaluate(ANN, creating=True, context=Context())
    updated = mapping.evaluate(ANN, creating=False, context=Context())
    assert ("externalId" in created, "externalId" in updated) == (True, False)


def test_default_fills_a_null_only_on_create():
    mapping = Mapping("m", (Row("title", "attribute", "jobTitle", default="Employee"),))
    assert mapping.evaluate({}, creating=True, context=Context()) == {"title": "Employee"}
    assert mapping.evaluate({}, creating=False, context=Context()) == {}


def test_constant_row_sends_its_text():
    mapping = Mapping("m", (Row(f"{ENT}:organization", "constant", "Contoso"),))
    assert mapping.evaluate({}, creating=False, context=Context()) == {
        f"{ENT}:organization": "Contoso"}


def test_empty_string_is_a_value_and_is_sent():
    # Only nulls are skipped (known-issues#null-attribute-cant-be-provisioned).
    mapping = Mapping("m", (Row("title", "attribute", "jobTitle"),))
    assert mapping.evaluate({"jobTitle": ""}, creating=False, context=Context()) == {"title": ""}


def test_unknown_function_is_refused_at_load_naming_the_row(tmp_path):
    file = _write(tmp_path, {"name": "bad", "users": [
        {"target": "userName", "attribute": "mail", "matching": 1},
        {"target": "active", "expression": 'Swich([IsSoftDeleted], , "False", "True")'}]})
    with pytest.raises(MappingError) as caught:
        Mapping.load(file)
    assert (caught.value.row, caught.value.position) == ("User active", 0)
    assert "unknown function Swich" in str(caught.value)


def test_wrong_arity_is_refused_at_load(tmp_path):
    file = _write(tmp_path, {"name": "bad", "users": [
        {"target": "userName", "expression": "ToLower([mail], \"en-US\", \"x\")", "matching": 1}]})
    with pytest.raises(MappingError, match="ToLower takes 1 to 2 arguments, not 3"):
        Mapping.load(file)


def test_file_breaking_the_schema_is_refused(tmp_path):
    file = _write(tmp_path, {"name": "bad", "users": [
        {"target": "userName", "attribute": "mail", "constant": "x"}]})
    with pytest.raises(MappingError, match=r"mapping\.schema\.json"):
        Mapping.load(file)


@pytest.mark.parametrize(("content", "message"), [
    pytest.param(None, "cannot read", id="missing-file"),
    pytest.param("{not json", "is not JSON", id="not-json"),
])
def test_unreadable_file_is_one_mapping_error(tmp_path, content, message):
    file = tmp_path / "m.json"
    if content is not None:
        file.write_text(content, encoding="utf-8")
    with pytest.raises(MappingError, match=message):
        Mapping.load(file)


def test_evaluation_error_names_the_row():
    mapping = Mapping("m", (Row("title", "expression", "Mid([jobTitle], [start], 2)"),))
    with pytest.raises(MappingError) as caught:
        mapping.evaluate({"jobTitle": "CTO", "start": "x"}, creating=True, context=Context())
    assert caught.value.row == "User title"


def test_our_json_round_trips(tmp_path):
    for file in sorted(MAPPINGS.glob("*.json")):
        mapping = Mapping.load(file)
        again = Mapping.load(_write(tmp_path, mapping.to_json()))
        assert again == mapping, file.name
