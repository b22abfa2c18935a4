"""`mapping check` flags what the 1Password + Entra ID guide warns about, each finding naming
its row and why; the default mapping is flagged for UPN-as-userName, the recommended passes."""

from __future__ import annotations

import pytest

from scimcert import paths
from scimcert.idp.mapping import Mapping, Row
from scimcert.idp.mapping.check import (
    ERROR,
    WARNING,
    check,
    check_directory,
    check_schemas,
)
from scimcert.scim.schema import Registry

MAPPINGS = paths.fixtures() / "mappings"
ACTIVE = 'Switch([IsSoftDeleted], , "False", "True", "True", "False")'
ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GUEST = {"id": "g", "displayName": "Gus Guest", "mail": "gus@fabrikam.com",
         "userPrincipalName": "gus_fabrikam.com#EXT#@contoso.onmicrosoft.com"}
ANN = {"id": "a", "displayName": "Ann Lee", "mail": "ann@contoso.com",
       "userPrincipalName": "ann@contoso.com"}


def _mapping(*rows: Row) -> Mapping:
    base = (Row("userName", "attribute", "mail", matching=1),
            Row("active", "expression", ACTIVE))
    targets = {r.target for r in rows}
    return Mapping("m", tuple(r for r in base if r.target not in targets) + rows)


def _summary(findings) -> list[tuple[str, str | None]]:
    return [(f.level, f.row) for f in findings]


def test_recommended_mapping_passes_clean():
    assert check(Mapping.load(MAPPINGS / "entra-1password-recommended.json")) == []


def test_default_mapping_is_flagged_for_upn_as_user_name():
    findings = check(Mapping.load(MAPPINGS / "entra-default.json"))
    assert _summary(findings) == [(ERROR, "User userName")]
    assert "userPrincipalName" in findings[0].message and "mail" in findings[0].message


@pytest.mark.parametrize(("row", "expected"), [
    pytest.param(Row("userName", "attribute", "userPrincipalName", matching=1), ERROR,
                 id="upn"),
    pytest.param(Row("userName", "expression", "ToLower([userPrincipalName])", matching=1),
                 ERROR, id="expression-of-upn"),
    pytest.param(Row("userName", "expression", "Coalesce([mail], [userPrincipalName])",
                     matching=1), WARNING, id="falls-back-to-upn"),
    pytest.param(Row("userName", "attribute", "employeeId", matching=1), WARNING,
                 id="not-an-email-attribute"),
    pytest.param(Row("userName", "constant", "x@y.com"), ERROR, id="constant"),
    pytest.param(Row("userName", "expression", "ToLower([mail])", matching=1), None,
                 id="expression-of-mail"),
])
def test_user_name_source_is_checked_for_a_routable_email(row, expected):
    findings = [f for f in check(_mapping(row)) if f.row == "User userName"]
    assert [f.level for f in findings] == ([expected] if expected else [])


def test_missing_user_name_is_an_error():
    mapping = Mapping("m", (Row("externalId", "attribute", "mailNickname", matching=1),
                            Row("active", "expression", ACTIVE)))
    findings = check(mapping)
    assert (ERROR, None) in _summary(findings)
    assert any("no mapping for userName" in f.message for f in findings)


@pytest.mark.parametrize(("row", "expected"), [
    pytest.param(None, [(ERROR, "no mapping for active")], id="missing"),
    pytest.param(Row("active", "expression", "Not([IsSoftDeleted])"), [], id="not-soft-deleted"),
    pytest.param(Row("active", "attribute", "accountEnabled"),
                 [(WARNING, "does not deactivate unassigned")], id="account-enabled-only"),
    pytest.param(Row("active", "constant", "True"), [(ERROR, "never deactivates")],
                 id="constant-true"),
    pytest.param(Row("active", "constant", "False"),
                 [(ERROR, "deactivates enabled, assigned users")], id="constant-false"),
    pytest.param(Row("active", "expression", 'Switch([IsSoftDeleted], , "False", "True")'),
                 [(ERROR, "never deactivates")], id="switch-without-the-true-key"),
    pytest.param(Row("active", "expression", ACTIVE, apply="create"),
                 [(ERROR, "only during creation")], id="create-only"),
])
def test_active_is_evaluated_for_enabled_disabled_and_unassigned_users(row, expected):
    rows = (Row("userName", "attribute", "mail", matching=1),) + ((row,) if row else ())
    findings = [f for f in check(Mapping("m", rows))
                if f.row in ("User active", None)]
    assert [(f.level, next((m for _, m in expected if m in f.message), f.message))
            for f in findings] == expected


def test_target_mapped_twice_is_an_error():
    findings = check(_mapping(Row("displayName", "attribute", "displayName"),
                              Row("displayname", "expression", 'Join(" ", [givenName])')))
    assert _summary(findings) == [(ERROR, "User displayname")]
    assert "mapped twice (also from [displayName])" in findings[0].message


def test_same_target_for_users_and_groups_is_fine():
    findings = check(_mapping(Row("displayName", "attribute", "displayName"),
                              Row("displayName", "attribute", "displayName", matching=1,
                                  object="Group")))
    assert findings == []


def test_id_as_target_is_an_error():
    assert _summary(check(_mapping(Row("id", "attribute", "objectId")))) == [(ERROR, "User id")]


def test_no_matching_attribute_is_an_error():
    findings = check(Mapping("m", (Row("userName", "attribute", "mail"),
                                   Row("active", "expression", ACTIVE),
                                   Row("displayName", "attribute", "displayName",
                                       object="Group"))))
    assert [f.message.split(":")[0] for f in findings] == [
        "no matching attribute for User objects", "no matching attribute for Group objects"]


def test_shared_matching_precedence_is_a_warning():
    findings = check(_mapping(Row("externalId", "attribute", "mailNickname", matching=1)))
    assert _summary(findings) == [(WARNING, "User userName"), (WARNING, "User externalId")]


def test_expression_that_does_not_compile_is_an_error_with_a_caret():
    findings = check(_mapping(Row("displayName", "expression", 'Join(" ", [givenName]')))
    assert _summary(findings) == [(ERROR, "User displayName")]
    assert findings[0].message.endswith('  Join(" ", [givenName]\n      ^')


def test_bad_active_expression_is_reported_once():
    findings = check(_mapping(Row("active", "expression", "Swich([IsSoftDeleted])")))
    assert _summary(findings) == [(ERROR, "User active")]
    assert "unknown function Swich (did you mean Switch?)" in findings[0].message


def _served() -> list[dict]:
    registry = Registry.load()
    return [schema.to_json() for schema in registry.served_schemas()]


def test_targets_the_bridge_declares_pass():
    for file in sorted(MAPPINGS.glob("*.json")):
        assert check_schemas(Mapping.load(file), _served()) == [], file.name


@pytest.mark.parametrize(("target", "message"), [
    pytest.param("nickname2", "does not declare nickname2 in urn:ietf:params:scim:schemas:core"
                 ":2.0:User", id="unknown-attribute"),
    pytest.param("name.middle", "does not declare name.middle", id="unknown-sub-attribute"),
    pytest.param("urn:ietf:params:scim:schemas:extension:Acme:2.0:User:costCenter",
                 "does not serve urn:ietf:params:scim:schemas:extension:Acme:2.0:User",
                 id="unserved-extension"),
])
def test_targets_the_bridge_does_not_declare_are_errors(target, message):
    findings = check_schemas(_mapping(Row(target, "attribute", "department")), _served())
    assert [(f.level, f.row, message in f.message) for f in findings] == [
        (ERROR, f"User {target}", True)]


def test_typed_and_extension_targets_resolve():
    rows = (Row('emails[type eq "work"].value', "attribute", "mail"),
            Row(f"{ENT}:department", "attribute", "department"),
            Row("externalId", "attribute", "mailNickname"))
    assert check_schemas(_mapping(*rows), _served()) == []


def test_directory_shows_the_guest_under_the_default_mapping():
    default = Mapping.load(MAPPINGS / "entra-default.json")
    findings = check_directory(default, [ANN, GUEST])
    assert [(f.level, f.row) for f in findings] == [(ERROR, "User userName")]
    assert findings[0].message.startswith("Gus Guest (gus_fabrikam.com#EXT#@contoso.onmicrosoft"
                                          ".com) would get userName")
    assert "#EXT#" in findings[0].message


def test_directory_passes_the_guest_under_the_recommended_mapping():
    recommended = Mapping.load(MAPPINGS / "entra-1password-recommended.json")
    assert check_directory(recommended, [ANN, GUEST]) == []


@pytest.mark.parametrize(("user", "level", "message"), [
    pytest.param({"displayName": "No Mail", "userPrincipalName": "nm@contoso.com"}, ERROR,
                 "no value", id="no-mail"),
    pytest.param({"displayName": "Cloud", "mail": "c@contoso.onmicrosoft.com"}, WARNING,
                 "onmicrosoft.com", id="initial-domain"),
    pytest.param({"displayName": "Odd", "mail": "not-an-address"}, ERROR,
                 "not an email address", id="not-an-email"),
    pytest.param({"displayName": "Twin", "mail": "ANN@contoso.com"}, ERROR,
                 "like Ann Lee", id="same-user-name-in-another-case"),
])
def test_directory_user_with_an_unusable_user_name_is_named(user, level, message):
    recommended = Mapping.load(MAPPINGS / "entra-1password-recommended.json")
    findings = check_directory(recommended, [ANN, user])
    assert [(f.level, message in f.message) for f in findings] == [(level, True)]
