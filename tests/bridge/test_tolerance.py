"""Each IdP tolerance over HTTP: the reference bridge accepts what the IdP sends, a bridge with
that one switch off answers as RFC 7643/7644 say, and so does a bridge with none at all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from scimcert.scim import tolerance
from scimcert.scim.tolerance import Tolerances
from scimcert.scim.urns import ENTERPRISE_URN, GROUP_URN, PATCH_OP_URN, USER_URN

ADSCIM = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"


@dataclass(frozen=True)
class Sent:
    """One request as the IdP sends it; {user} and {group} stand for ids the test creates."""

    method: str
    path: str
    body: Any = None
    accepted: int = 200
    refused: str = "invalidValue"


def _patch(*operations: dict[str, Any]) -> dict[str, Any]:
    return {"schemas": [PATCH_OP_URN], "Operations": list(operations)}


SENT = {
    "capitalised_op": Sent("PATCH", "/Users/{user}",
                           _patch({"op": "Replace", "path": "title", "value": "Dr"}),
                           refused="invalidSyntax"),
    "string_booleans": Sent("PATCH", "/Users/{user}",
                            _patch({"op": "replace", "path": "active", "value": "False"})),
    "pathless_path_keys": Sent("PATCH", "/Users/{user}",
                               _patch({"op": "replace", "value": {"name.givenName": "Ada"}})),
    "remove_value_list": Sent("PATCH", "/Groups/{group}",
                              _patch({"op": "remove", "path": "members",
                                      "value": [{"value": "{user}"}]}), accepted=204),
    "read_only_echo": Sent("PATCH", "/Groups/{group}",
                           _patch({"op": "replace",
                                   "value": {"id": "{group}", "displayName": "Ops"}}),
                           accepted=204, refused="mutability"),
    "unknown_schema_urns": Sent("POST", "/Groups",
                                {"schemas": [GROUP_URN, ADSCIM], "displayName": "Sales"},
                                accepted=201),
    "value_path_sub_attribute": Sent(
        "GET", '/Users?filter=emails[type eq "work"].value eq "ada@example.com"',
        refused="invalidFilter"),
    "manager_shapes": Sent("PATCH", "/Users/{user}",
                           _patch({"op": "replace", "path": f"{ENTERPRISE_URN}:manager",
                                   "value": "{user}"})),
    "patch_without_schemas": Sent("PATCH", "/Groups/{group}",
                                  {"Operations": [{"op": "replace", "path": "displayName",
                                                   "value": "Ops"}]},
                                  accepted=204, refused="invalidSyntax"),
    "unqualified_extension_path": Sent("PATCH", "/Users/{user}",
                                       _patch({"op": "add", "path": "manager",
                                               "value": {"value": "{user}"}}),
                                       refused="invalidPath"),
}


def _send(api, sent: Sent):
    """Create the user and group `sent` refers to (with plain RFC requests), then send it."""
    user = api.user("ada", schemas=[USER_URN],
                    emails=[{"value": "ada@example.com", "type": "work"}])
    group = api.group("Eng", members=[user["id"]])
    ids = {"{user}": user["id"], "{group}": group["id"]}
    return api.client.request(sent.method, f"{api.base}{_filled(sent.path, ids)}",
                              json=_filled(sent.body, ids))


def _filled(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        for key, rid in ids.items():
            value = value.replace(key, rid)
        return value
    if isinstance(value, list):
        return [_filled(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _filled(v, ids) for k, v in value.items()}
    return value


SWITCHES = [pytest.param(name, id=name) for name in tolerance.names()]


def test_every_switch_has_a_request_here():
    assert sorted(SENT) == sorted(tolerance.names())


@pytest.mark.parametrize("name", SWITCHES)
def test_reference_bridge_accepts_what_the_idp_sends(bridge, name):
    response = _send(bridge(), SENT[name])
    assert response.status_code == SENT[name].accepted, response.text


@pytest.mark.parametrize("name", SWITCHES)
def test_without_its_switch_the_bridge_answers_as_the_rfc_says(bridge, name):
    api = bridge(tolerances=Tolerances.all().without(name))
    api.error(_send(api, SENT[name]), 400, SENT[name].refused)


@pytest.mark.parametrize("name", SWITCHES)
def test_a_bridge_without_tolerances_refuses_every_idp_shape(bridge, name):
    api = bridge(tolerances=Tolerances.none())
    api.error(_send(api, SENT[name]), 400, SENT[name].refused)
