"""POST /Bulk (RFC 7644 §3.7): operations run one by one through the pipeline, with bulkIds.

An operation that refers to `bulkId:x` waits until the POST declaring `x` has run, so clients may
list operations in any order (RFC 7644 §3.7.1); a reference that cannot be resolved (its POST
failed, is missing, or the references are circular) fails that operation with 409.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from scimcert.scim.errors import INVALID_SYNTAX, INVALID_VALUE, ScimError, bad_request
from scimcert.scim.schema import Registry, ResourceType
from scimcert.scim.urns import BULK_RESPONSE_URN

METHODS = ("POST", "PUT", "PATCH", "DELETE")
REFERENCE = re.compile(r"bulkId:([^/\s\"]+)")

Resource = dict[str, Any]


class Operations(Protocol):
    """What bulk operations run on: the single-resource operations of RFC 7644 §3.3-3.6."""

    registry: Registry

    def resource_type(self, rtype: str) -> ResourceType: ...

    def create(self, rtype: str, body: Any) -> Resource: ...

    def replace(self, rtype: str, rid: str, body: Any, if_match: str | None = None) -> Resource:
        ...

    def patch(self, rtype: str, rid: str, message: Any, if_match: str | None = None) -> Resource:
        ...

    def delete(self, rtype: str, rid: str, if_match: str | None = None) -> None: ...


class Bulk:
    """Runs BulkRequests on `pipeline`, refusing more than `max_operations` operations."""

    def __init__(self, pipeline: Operations, max_operations: int) -> None:
        self.pipeline = pipeline
        self.max_operations = max_operations

    def run(self, request: Any, base: str) -> dict[str, Any]:
        """Run a BulkRequest and answer the BulkResponse body."""
        operations, fail_on_errors = read_request(request, self.max_operations)
        resolved: dict[str, str] = {}
        pending = list(enumerate(operations))
        results: list[tuple[int, dict[str, Any]]] = []
        errors = 0
        while pending and (fail_on_errors is None or errors < fail_on_errors):
            index, op = next_ready(pending, resolved)
            pending.remove((index, op))
            result = execute(self.pipeline, op, resolved, base)
            results.append((index, result))
            errors += "response" in result
        results.sort(key=lambda pair: pair[0])
        return {"schemas": [BULK_RESPONSE_URN], "Operations": [r for _, r in results]}


def read_request(request: Any, max_operations: int) -> tuple[list[Any], int | None]:
    if not isinstance(request, dict):
        raise bad_request(INVALID_SYNTAX, "the BulkRequest must be a JSON object")
    folded = {k.lower(): v for k, v in request.items()}
    operations = folded.get("operations")
    if not isinstance(operations, list):
        raise bad_request(INVALID_SYNTAX, "the BulkRequest needs an Operations array")
    if len(operations) > max_operations:
        raise ScimError(413, f"the BulkRequest has {len(operations)} operations; "
                             f"maxOperations is {max_operations}")
    fail_on_errors = folded.get("failonerrors")
    if fail_on_errors is not None and (
        isinstance(fail_on_errors, bool)
        or not isinstance(fail_on_errors, int)
        or fail_on_errors < 1
    ):
        raise bad_request(INVALID_VALUE, "failOnErrors must be a positive integer")
    return operations, fail_on_errors


def next_ready(pending: list[tuple[int, Any]], resolved: dict[str, str]) -> tuple[int, Any]:
    """The first operation whose references are resolved or can never be; else the first."""
    declared = {_bulk_id(op) for _, op in pending if _method(op) == "POST"} - {None}
    for index, op in pending:
        waiting = references(op) - resolved.keys() - {_bulk_id(op)}
        if not waiting & declared:
            return index, op
    return pending[0]


def execute(pipeline: Operations, op: Any, resolved: dict[str, str], base: str) -> dict[str, Any]:
    method, bulk_id = _method(op), _bulk_id(op)
    result: dict[str, Any] = {"method": method}
    if bulk_id is not None:
        result["bulkId"] = bulk_id
    try:
        rtype, rid, data = address(pipeline, op, resolved)
        if rid is not None:
            result["location"] = f"{base}{pipeline.resource_type(rtype).endpoint}/{rid}"
        status, resource = perform(pipeline, method, rtype, rid, data, op.get("version"))
    except ScimError as exc:
        result["status"] = str(exc.status)
        result["response"] = exc.body()
        return result
    if resource is not None:
        result["location"] = f"{base}{pipeline.resource_type(rtype).endpoint}/{resource['id']}"
        result["version"] = resource["meta"]["version"]
        if method == "POST" and bulk_id is not None:
            resolved[bulk_id] = resource["id"]
    result["status"] = str(status)
    return result


def address(pipeline: Operations, op: Any, resolved: dict[str, str]) -> tuple[str, str | None, Any]:
    """The resource type, id (None for POST) and data of `op`, bulkId references replaced."""
    if not isinstance(op, dict):
        raise bad_request(INVALID_SYNTAX, "each bulk operation must be a JSON object")
    if _method(op) not in METHODS:
        raise bad_request(INVALID_SYNTAX, f"bulk method must be one of {', '.join(METHODS)}")
    missing = references(op) - resolved.keys()
    if missing:
        raise ScimError(409, f"bulkId {sorted(missing)[0]!r} cannot be resolved", INVALID_VALUE)
    path = op.get("path")
    if not isinstance(path, str) or not path.startswith("/"):
        raise bad_request(INVALID_SYNTAX, "each bulk operation needs a path such as /Users")
    endpoint, _, rid = substitute(path, resolved).lstrip("/").partition("/")
    rtype = pipeline.registry.by_endpoint(f"/{endpoint}")
    if rtype is None:
        raise ScimError(404, f"no resource type at {path!r}")
    if (_method(op) == "POST") == bool(rid):
        raise bad_request(INVALID_SYNTAX, "POST takes an endpoint path, other methods a resource")
    return rtype.name, rid or None, substitute(op.get("data"), resolved)


def perform(pipeline: Operations, method: str, rtype: str, rid: str | None, data: Any,
            version: Any) -> tuple[int, dict[str, Any] | None]:
    if_match = version if isinstance(version, str) else None
    if method == "POST" or rid is None:
        return 201, pipeline.create(rtype, data)
    if method == "PUT":
        return 200, pipeline.replace(rtype, rid, data, if_match)
    if method == "PATCH":
        return 200, pipeline.patch(rtype, rid, data, if_match)
    pipeline.delete(rtype, rid, if_match)
    return 204, None


def references(op: Any) -> set[str]:
    """Every bulkId `op` refers to in its path or data."""
    if not isinstance(op, dict):
        return set()
    found: set[str] = set()
    _collect(op.get("path"), found)
    _collect(op.get("data"), found)
    return found


def substitute(value: Any, resolved: dict[str, str]) -> Any:
    """`value` with each `bulkId:x` replaced by the id the POST of `x` created."""
    if isinstance(value, str):
        return REFERENCE.sub(lambda m: resolved.get(m.group(1), m.group(0)), value)
    if isinstance(value, list):
        return [substitute(v, resolved) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, resolved) for k, v in value.items()}
    return value


def _collect(value: Any, found: set[str]) -> None:
    if isinstance(value, str):
        found.update(REFERENCE.findall(value))
    elif isinstance(value, list):
        for item in value:
            _collect(item, found)
    elif isinstance(value, dict):
        for item in value.values():
            _collect(item, found)


def _method(op: Any) -> str:
    return str(op.get("method", "")).upper() if isinstance(op, dict) else ""


def _bulk_id(op: Any) -> str | None:
    value = op.get("bulkId") if isinstance(op, dict) else None
    return value if isinstance(value, str) else None
