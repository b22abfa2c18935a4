"""Uniqueness defects (RFC 7644 §3.3, RFC 7643 §2.2): 409 on a taken userName or group name.

A class is the reference bridge with that part swapped, served by the factory its @defect
names after the defect id; a function is the factory itself (tests/broken/bridges/registry.py).
"""

from __future__ import annotations

from scimcert.bridge.pipeline import Pipeline
from scimcert.bridge.store import Resource
from scimcert.scim.errors import INVALID_VALUE, UNIQUENESS, ScimError, bad_request
from tests.broken.bridges.registry import defect


@defect(
    "case-sensitive-uniqueness",
    requirements=["rfc7643/4.1.1/username-case-insensitive"],
    summary="The userName duplicate check compares case-sensitively",
    proves=[
        "uniqueness/test_uniqueness.py::test_username_differing_in_case_answers_409",
        "properties/test_identity.py::test_username_is_unique_in_any_case",
    ],
)
class CaseSensitiveUniqueness(Pipeline):
    """Checks userName uniqueness with a case-sensitive comparison."""

    def check_unique(self, rtype: str, resource: Resource, own_id: str | None) -> None:
        if rtype != "User":
            super().check_unique(rtype, resource, own_id)
            return
        taken = any(user["userName"] == resource["userName"] and user["id"] != own_id
                    for user in self.store.table("User"))
        if taken:
            raise ScimError(409, f"userName {resource['userName']!r} is already taken",
                            "uniqueness")


@defect(
    "no-uniqueness",
    requirements=["rfc7644/3.3/duplicate-409", "okta/spec-test/duplicate-409"],
    summary="A duplicate userName is accepted: no 409 at all",
    proves=[
        "uniqueness/test_uniqueness.py::test_duplicate_username_answers_409_uniqueness",
        "uniqueness/test_uniqueness.py::test_repeated_create_answers_409_uniqueness",
    ],
)
class NoUniqueness(Pipeline):
    """Never refuses a duplicate userName: every create makes a new user."""

    def check_unique(self, rtype: str, resource: Resource, own_id: str | None) -> None:
        if rtype != "User":
            super().check_unique(rtype, resource, own_id)


@defect(
    "group-names-not-unique",
    requirements=["entra/groups/displayname-unique"],
    summary="A second group with a displayName in use is created",
    proves=[
        "uniqueness/test_uniqueness.py::test_duplicate_group_display_name_is_refused",
    ],
)
class GroupNamesNotUnique(Pipeline):
    """Accepts a second group with a displayName already in use."""

    def check_unique(self, rtype: str, resource: Resource, own_id: str | None) -> None:
        if rtype != "Group":
            super().check_unique(rtype, resource, own_id)


@defect(
    "uniqueness-on-update-invalid-value",
    requirements=["rfc7644/3.12/uniqueness-on-update"],
    summary="An update to a taken userName is refused with 400 invalidValue",
    strict=True,
    note="uniqueness-on-update is SHOULD in the catalogue: only a failure under --scim-strict.",
    proves=["uniqueness/test_uniqueness.py::test_update_to_taken_username_answers_uniqueness"],
)
class UniquenessOnUpdateInvalidValue(Pipeline):
    """Refuses an update to a taken userName as an invalid value: 400 with scimType
    invalidValue (RFC 7643 §7 allows the 400), where RFC 7644 §3.12 names uniqueness."""

    def update(self, rtype: str, old: Resource, resource: Resource) -> Resource:
        try:
            return super().update(rtype, old, resource)
        except ScimError as exc:
            if exc.scim_type != UNIQUENESS:
                raise
            raise bad_request(INVALID_VALUE, exc.detail) from exc


@defect(
    "uniqueness-on-create-only",
    requirements=["rfc7643/4.1.1/username-unique-on-update"],
    summary="Uniqueness is checked on POST only: PUT and PATCH take a taken userName",
    proves=["uniqueness/test_uniqueness.py::test_update_to_taken_username_is_refused"],
)
class UniquenessOnCreateOnly(Pipeline):
    """Checks uniqueness when a resource is created and never when it is replaced or patched,
    so an update gives a user the userName another user holds."""

    def check_unique(self, rtype: str, resource: Resource, own_id: str | None) -> None:
        if own_id is None:
            super().check_unique(rtype, resource, own_id)


@defect(
    "group-conflict-untyped",
    requirements=["rfc7644/3.3/duplicate-409"],
    summary="A taken group displayName is refused with 409 but no scimType",
    proves=["uniqueness/test_uniqueness.py::test_refused_duplicate_group_answers_409"],
)
class GroupConflictUntyped(Pipeline):
    """Refuses a group whose displayName is taken with a bare 409 whose Error names no
    scimType, which RFC 7644 §3.3 requires to be uniqueness on a create."""

    def check_unique(self, rtype: str, resource: Resource, own_id: str | None) -> None:
        try:
            super().check_unique(rtype, resource, own_id)
        except ScimError as exc:
            if rtype != "Group" or exc.status != 409:
                raise
            raise ScimError(409, exc.detail) from exc
