"""Renaming groups by PATCH, with the path and without it (Okta)."""

from __future__ import annotations

import pytest

from scimcert.harness.checks import expect

pytestmark = [pytest.mark.writes, pytest.mark.feature("patch")]


def expect_named(group: dict, name: str) -> None:
    """displayName is caseExact false: RFC 7643 §7 lets the server alter its case."""
    got = group.get("displayName")
    expect(isinstance(got, str) and got.casefold() == name.casefold(), "displayName after PATCH",
           expected=name, actual=got)


@pytest.mark.parametrize("op", [
    pytest.param("replace", id="replace", marks=pytest.mark.requirement(
        "rfc7644/3.5.2.3/replace-simple")),
    # "Replace" is Entra ID's spelling, not RFC 7644 §3.5.2's "replace": compatibility only.
    pytest.param("Replace", id="entra-Replace", marks=pytest.mark.requirement(
        "entra/patch/capitalised-op")),
])
def test_patch_replace_renames_group(make, read, send_patch, op):
    group = make.group()
    new_name = f"{group['displayName']} renamed"
    send_patch(f"/Groups/{group['id']}", [{"op": op, "path": "displayName", "value": new_name}])
    expect_named(read(f"/Groups/{group['id']}"), new_name)


# Okta sends the readOnly id inside the value, which RFC 7644 §3.5.2 does not ask a server to
# accept: compatibility only.
@pytest.mark.requirement("okta/groups/pathless-rename")
def test_pathless_replace_renames_group(make, read, send_patch):
    group = make.group()
    new_name = f"{group['displayName']} okta"
    send_patch(f"/Groups/{group['id']}", [{"op": "replace",
                              "value": {"id": group["id"], "displayName": new_name}}])
    expect_named(read(f"/Groups/{group['id']}"), new_name)
