"""Renaming groups by PATCH, with the path and without it (Okta)."""

from __future__ import annotations

import pytest

from scimcert.harness.checks import expect_equal

pytestmark = [pytest.mark.writes, pytest.mark.feature("patch")]


@pytest.mark.parametrize("op", [
    pytest.param("replace", id="replace", marks=pytest.mark.requirement(
        "rfc7644/3.5.2.3/replace-simple")),
    pytest.param("Replace", id="entra-Replace", marks=pytest.mark.requirement(
        "rfc7644/3.5.2.3/replace-simple", "entra/patch/capitalised-op")),
])
def test_patch_replace_renames_group(make, read, send_patch, op):
    group = make.group()
    new_name = f"{group['displayName']} renamed"
    send_patch(f"/Groups/{group['id']}", [{"op": op, "path": "displayName", "value": new_name}])
    expect_equal(read(f"/Groups/{group['id']}").get("displayName"), new_name, "displayName")


@pytest.mark.requirement("okta/groups/pathless-rename", "rfc7644/3.5.2.3/replace-pathless")
def test_pathless_replace_renames_group(make, read, send_patch):
    group = make.group()
    new_name = f"{group['displayName']} okta"
    send_patch(f"/Groups/{group['id']}", [{"op": "replace",
                              "value": {"id": group["id"], "displayName": new_name}}])
    expect_equal(read(f"/Groups/{group['id']}").get("displayName"), new_name, "displayName")
