"""Entra's provisioning-schema JSON (the schema editor's Download) reads as a mapping and ours
writes back to that shape: a sample written from the documented shape round-trips, and so do
the shipped mappings."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from scimcert import paths
from scimcert.idp.mapping import Context, Mapping, MappingError, Row
from scimcert.idp.mapping.entra import read

SAMPLE = Path(__file__).parent / "samples" / "entra-provisioning-schema.json"
ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def _sample() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def _write(tmp_path, document, name="export.json") -> Path:
    file = tmp_path / name
    file.write_text(json.dumps(document), encoding="utf-8")
    return file


def test_export_reads_as_rows():
    mapping = Mapping.load(SAMPLE)
    users = {r.target: r for r in mapping.of("User")}
    assert users["userName"] == Row("userName", "attribute", "mail", matching=1)
    assert users["externalId"].matching == 2
    assert users["active"].source == 'Switch([IsSoftDeleted], , "False", "True", "True", "False")'
    assert users[f"{ENT}:department"].apply == "create"
    assert users["title"].default == "Employee"
    assert users[f"{ENT}:organization"] == Row(f"{ENT}:organization", "constant", "Contoso")
    assert [r.target for r in mapping.matching("Group")] == ["displayName"]


def test_export_evaluates_like_entra():
    mapping = Mapping.load(SAMPLE)
    user = {"mail": "ann@contoso.com", "mailNickname": "ann", "IsSoftDeleted": False,
            "givenName": "Ann", "surname": "Lee",
            "appRoleAssignments": [{"id": "r1", "displayName": "Admin", "value": "Admin"}]}
    sent = mapping.evaluate(user, creating=True, context=Context())
    assert sent == {"userName": "ann@contoso.com", "externalId": "ann", "active": "True",
                    "preferredLanguage": "en-US", "title": "Employee",
                    "name.givenName": "Ann", "name.familyName": "Lee",
                    "name.formatted": "Ann Lee", f"{ENT}:organization": "Contoso",
                    'roles[primary eq "True"].value': "Admin"}


def test_imported_export_round_trips(tmp_path):
    mapping = Mapping.load(SAMPLE)
    again = Mapping.load(_write(tmp_path, mapping.to_entra()))
    assert again.rows == mapping.rows


@pytest.mark.parametrize("name", ["entra-default", "entra-1password-recommended"])
def test_shipped_mapping_round_trips_through_entra_shape(tmp_path, name):
    mapping = Mapping.load(paths.fixtures() / "mappings" / f"{name}.json")
    again = Mapping.load(_write(tmp_path, mapping.to_entra()))
    assert again.rows == mapping.rows


def test_export_names_each_parameter_as_the_reference_does():
    mapping = Mapping("m", (Row("active", "expression",
                                'Switch([IsSoftDeleted], , "False", "True", "True", "False")'),))
    source = mapping.to_entra()["synchronizationRules"][0]["objectMappings"][0][
        "attributeMappings"][0]["source"]
    assert (source["type"], source["name"]) == ("Function", "Switch")
    assert [(p["key"], p["value"]["type"], p["value"]["expression"])
            for p in source["parameters"]] == [
        ("source", "Attribute", "[IsSoftDeleted]"), ("key", "Constant", '"False"'),
        ("value", "Constant", '"True"'), ("key", "Constant", '"True"'),
        ("value", "Constant", '"False"')]


def test_export_carries_flow_type_matching_and_default():
    rows = (Row("userName", "attribute", "mail", matching=1),
            Row("title", "attribute", "jobTitle", apply="create", default="Employee"))
    attribute_mappings = Mapping("m", rows).to_entra()["synchronizationRules"][0][
        "objectMappings"][0]["attributeMappings"]
    assert [(a["targetAttributeName"], a["flowType"], a["matchingPriority"], a["defaultValue"])
            for a in attribute_mappings] == [("userName", "Always", 1, None),
                                             ("title", "ObjectAddOnly", 0, "Employee")]


def test_function_without_expression_text_is_rebuilt_from_its_parameters():
    document = _sample()
    active = document["synchronizationRules"][0]["objectMappings"][0]["attributeMappings"][2]
    del active["source"]["expression"]
    rows = read(document)
    assert rows[2].source == 'Switch([IsSoftDeleted], , "False", "True", "True", "False")'


def test_disabled_object_mapping_has_no_rows():
    document = _sample()
    document["synchronizationRules"][0]["objectMappings"][1]["enabled"] = False
    assert {r.object for r in read(document)} == {"User"}


@pytest.mark.parametrize(("change", "message"), [
    pytest.param({"flowType": "MultiValueAddOnly"}, "flowType 'MultiValueAddOnly' is not "
                 "supported", id="multi-value-flow-type"),
    pytest.param({"source": None}, "mapping of type None", id="none-mapping"),
    pytest.param({"source": {"type": "Lookup", "name": "x"}}, "source type 'Lookup'",
                 id="unknown-source-type"),
])
def test_unsupported_attribute_mapping_is_refused_naming_the_row(change, message):
    document = copy.deepcopy(_sample())
    document["synchronizationRules"][0]["objectMappings"][0]["attributeMappings"][3].update(change)
    with pytest.raises(MappingError) as caught:
        read(document)
    assert (caught.value.row, message in caught.value.message) == ("User displayName", True)


def test_export_with_a_bad_expression_names_the_row(tmp_path):
    document = _sample()
    document["synchronizationRules"][0]["objectMappings"][0]["attributeMappings"][4]["source"][
        "expression"] = 'Coalesce([preferredLanguage], "en-US"'
    with pytest.raises(MappingError) as caught:
        Mapping.load(_write(tmp_path, document))
    assert caught.value.row == "User preferredLanguage"
    assert caught.value.position == 8


def test_non_user_or_group_object_is_refused():
    document = _sample()
    document["synchronizationRules"][0]["objectMappings"][1]["sourceObjectName"] = "Contact"
    with pytest.raises(MappingError, match="source object 'Contact'"):
        read(document)
