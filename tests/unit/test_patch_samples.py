"""The RFC 7644 §3.5.2 PatchOp samples apply to the RFC 7643 §8 resource samples."""

import json

import pytest

from scimcert.harness import cases
from scimcert.scim.patch import apply_patch
from scimcert.scim.schema import Registry

PATCHES = [f for f in cases.files("samples") if f.stem.startswith("rfc7644-3.5.2")]


def _load(name):
    return cases.load(f"samples/{name}")


@pytest.fixture(scope="module")
def registry():
    return Registry.load()


def _target(sample):
    if "members" in json.dumps(sample):
        return "Group", _load("rfc7643-8.4-group.json")
    return "User", _load("rfc7643-8.2-full-user.json")


@pytest.mark.parametrize("file", PATCHES, ids=[f.stem for f in PATCHES])
def test_patch_sample_changes_its_target(registry, file):
    sample = cases.load(file)
    rtype, before = _target(sample)
    after = apply_patch(before, sample, registry, rtype)
    assert after != before and after["id"] == before["id"]


def test_remove_and_add_member_sample_swaps_one_member(registry):
    group = _load("rfc7643-8.4-group.json")
    message = _load("rfc7644-3.5.2.2-remove-and-add-member.json")
    after = apply_patch(group, message, registry, "Group")
    assert [m["value"] for m in after["members"]] == ["5d48a0a8", "c3a2b1"]


def test_replace_street_address_sample_touches_only_the_work_address(registry):
    user = _load("rfc7643-8.2-full-user.json")
    message = _load("rfc7644-3.5.2.3-replace-street-address.json")
    after = apply_patch(user, message, registry, "User")
    assert after["addresses"][0]["streetAddress"] == "3 Quay Lane"
    assert after["addresses"][1] == user["addresses"][1]
