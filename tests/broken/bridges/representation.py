"""Representation defects (RFC 7643 §4, RFC 7644 §3.7, §3.12): bodies that break their schema.

A class is the reference bridge with that part swapped, served by the factory its @defect
names after the defect id; a function is the factory itself (tests/broken/bridges/registry.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from scimcert.bridge.bulk import Bulk
from scimcert.bridge.pipeline import Pipeline
from scimcert.bridge.store import Resource
from scimcert.scim.urns import ENTERPRISE_URN
from tests.broken.bridges.asgi import Exchange, answers
from tests.broken.bridges.registry import defect


@defect(
    "user-without-schemas",
    requirements=["rfc7643/4.1/user-representation"],
    summary="User answers leave out the schemas attribute",
    proves=[
        "representation/test_resources.py::test_created_user_is_a_valid_user",
        "representation/test_resources.py::test_listed_users_are_valid_users",
        "representation/test_resources.py::test_patched_user_is_a_valid_user",
        "representation/test_resources.py::test_read_user_is_a_valid_user",
        "representation/test_resources.py::test_replaced_user_is_a_valid_user",
    ],
)
class UserWithoutSchemas(Pipeline):
    """Leaves `schemas` out of every User it answers."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        return {k: v for k, v in out.items() if k != "schemas"} if rtype == "User" else out


@defect(
    "group-members-as-strings",
    requirements=["rfc7643/4.2/group-representation"],
    summary="Group answers list members as bare id strings",
    proves=[
        "representation/test_resources.py::test_created_group_is_a_valid_group",
        "representation/test_resources.py::test_listed_groups_are_valid_groups",
        "representation/test_resources.py::test_patched_group_is_a_valid_group",
        "representation/test_resources.py::test_read_group_is_a_valid_group",
        "representation/test_resources.py::test_replaced_group_is_a_valid_group",
    ],
)
class GroupMembersAsStrings(Pipeline):
    """Answers Group members as a list of bare ids instead of complex values."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        if rtype == "Group" and isinstance(out.get("members"), list):
            out = {**out, "members": [m["value"] for m in out["members"]]}
        return out


@defect(
    "manager-as-string",
    requirements=["rfc7643/4.3/enterprise-representation"],
    summary="The enterprise manager is answered as an id string, not a complex value",
    proves=[
        "representation/test_resources.py::test_created_enterprise_user_is_valid",
        "representation/test_resources.py::test_read_enterprise_user_is_valid",
    ],
)
class ManagerAsString(Pipeline):
    """Answers the enterprise manager as the manager's id string, not a complex value."""

    def project(self, rtype: str, view: Resource, attributes: Sequence[str] | None,
                excluded: Sequence[str] | None) -> dict[str, Any]:
        out = super().project(rtype, view, attributes, excluded)
        extension = out.get(ENTERPRISE_URN)
        if isinstance(extension, dict) and isinstance(extension.get("manager"), dict):
            manager = extension["manager"].get("value")
            out = {**out, ENTERPRISE_URN: {**extension, "manager": manager}}
        return out


@defect(
    "error-scim-1-schema",
    requirements=["rfc7644/3.12/error-representation"],
    summary="Error bodies name the SCIM 1.1 core URN instead of the Error URN",
    proves=[
        "representation/test_messages.py::test_conflict_answer_is_a_valid_error",
        "representation/test_messages.py::test_malformed_json_answer_is_a_valid_error",
        "representation/test_messages.py::test_not_found_answer_is_a_valid_error",
    ],
)
@answers
def error_scim_1_schema(exchange: Exchange) -> None:
    """Names the SCIM 1.1 core URN in the schemas of its Error bodies."""
    body = exchange.json()
    if exchange.status >= 400 and isinstance(body, dict) and "schemas" in body:
        exchange.set_body(json.dumps({**body, "schemas": ["urn:scim:schemas:core:1.0"]}).encode())


@defect(
    "bulk-response-without-schemas",
    requirements=["rfc7644/3.7/bulk-response-representation"],
    summary="The BulkResponse carries Operations but no schemas",
    proves=[
        "representation/test_messages.py::test_bulk_answer_is_a_valid_bulk_response",
    ],
)
class BulkResponseWithoutSchemas(Bulk):
    """Answers a bulk request with Operations but no `schemas`."""

    def run(self, request: Any, base: str) -> dict[str, Any]:
        answer = super().run(request, base)
        return {k: v for k, v in answer.items() if k != "schemas"}


@defect(
    "email-type-rewritten",
    requirements=["rfc7643/2.3.1/canonical-values-answered"],
    summary="Every email type is answered as \"internal\", outside the canonical values",
    strict=True,
    note="canonical-values-answered is MAY (RFC 7643 §2.3.1): only a failure under --scim-strict.",
    proves=[
        "representation/test_resources.py::test_answers_hold_only_declared_canonical_values",
    ],
)
@answers
def email_type_rewritten(exchange: Exchange) -> None:
    """Answers every email's type as "internal", a value the User schema does not list."""
    body = exchange.json()
    if not isinstance(body, dict):
        return
    for resource in body.get("Resources", [body]):
        for email in resource.get("emails", []) if isinstance(resource, dict) else []:
            if isinstance(email, dict) and "type" in email:
                email["type"] = "internal"
    exchange.set_body(json.dumps(body).encode())
