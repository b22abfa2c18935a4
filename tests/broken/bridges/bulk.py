"""Bulk defects (RFC 7644 §3.7): bulkIds, failOnErrors, limits and the BulkResponse.

A class is the reference bridge with that part swapped, served by the factory its @defect
names after the defect id; a function is the factory itself (tests/broken/bridges/registry.py).
"""

from __future__ import annotations

from typing import Any

from scimcert.bridge.bulk import Bulk
from scimcert.scim.urns import BULK_RESPONSE_URN
from tests.broken.bridges import edits
from tests.broken.bridges.asgi import Exchange, answers, edit_error
from tests.broken.bridges.registry import defect


@defect(
    "bulk-operations-isolated",
    requirements=["rfc7644/3.7.2/bulk-id-reference"],
    summary="Each bulk operation runs alone, so bulkId references never resolve",
    proves=["bulk/test_bulk.py::test_bulk_id_reference_is_replaced_by_the_new_id"],
)
class BulkOperationsIsolated(Bulk):
    """Runs each bulk operation on its own, so a bulkId: reference never resolves."""

    def run(self, request: Any, base: str) -> dict[str, Any]:
        ops = edits.operations(request)
        if not ops:
            return super().run(request, base)
        run = super().run
        results = [run({**request, "Operations": [op]}, base)["Operations"] for op in ops]
        return {"schemas": [BULK_RESPONSE_URN],
                "Operations": [result for found in results for result in found]}


@defect(
    "bulk-id-dropped",
    requirements=["rfc7644/3.7/bulk-id-echoed"],
    summary="Bulk results leave out the bulkId of each POST",
    proves=["bulk/test_bulk.py::test_post_results_echo_the_bulk_ids"],
)
class BulkIdDropped(Bulk):
    """Leaves bulkId out of the results of a BulkResponse."""

    def run(self, request: Any, base: str) -> dict[str, Any]:
        answer = super().run(request, base)
        results = [{k: v for k, v in r.items() if k != "bulkId"} for r in answer["Operations"]]
        return {**answer, "Operations": results}


@defect(
    "bulk-limit-not-enforced",
    requirements=["rfc7644/3.7.4/max-operations-413"],
    summary="More operations than maxOperations are run in batches instead of a 413",
    proves=["bulk/test_bulk.py::test_more_operations_than_max_answer_413"],
)
class BulkLimitNotEnforced(Bulk):
    """Advertises maxOperations but splits a longer BulkRequest into batches instead of a 413."""

    def run(self, request: Any, base: str) -> dict[str, Any]:
        ops, size = edits.operations(request), self.max_operations
        if len(ops) <= size:
            return super().run(request, base)
        run = super().run
        batches = [run({**request, "Operations": ops[i:i + size]}, base)
                   for i in range(0, len(ops), size)]
        return {"schemas": [BULK_RESPONSE_URN],
                "Operations": [result for batch in batches for result in batch["Operations"]]}


@defect(
    "bulk-stops-at-first-error",
    requirements=["rfc7644/3.7/continue-on-error", "rfc7644/3.7.3/all-results"],
    summary="A BulkRequest stops at its first failed operation",
    proves=["bulk/test_bulk.py::test_every_operation_is_attempted_without_fail_on_errors"],
)
class BulkStopsAtFirstError(Bulk):
    """Stops a BulkRequest at its first failed operation, as if failOnErrors were 1."""

    def run(self, request: Any, base: str) -> dict[str, Any]:
        if isinstance(request, dict) and "failOnErrors" not in request:
            request = {**request, "failOnErrors": 1}
        return super().run(request, base)


@defect(
    "fail-on-errors-ignored",
    requirements=["rfc7644/3.7/fail-on-errors"],
    summary="failOnErrors is ignored: every operation is attempted",
    strict=True,
    note="fail-on-errors is SHOULD in the catalogue: only a failure under --scim-strict.",
    proves=["bulk/test_bulk.py::test_fail_on_errors_stops_after_that_many_errors"],
)
class FailOnErrorsIgnored(Bulk):
    """Ignores failOnErrors: every operation is attempted."""

    def run(self, request: Any, base: str) -> dict[str, Any]:
        if isinstance(request, dict):
            request = {k: v for k, v in request.items() if k != "failOnErrors"}
        return super().run(request, base)


@defect(
    "bulk-location-missing",
    requirements=["rfc7644/3.7.3/status-and-location"],
    summary="Bulk results carry no location",
    proves=["bulk/test_bulk.py::test_results_carry_status_and_location"],
)
class BulkLocationMissing(Bulk):
    """Leaves location out of the results of a BulkResponse."""

    def run(self, request: Any, base: str) -> dict[str, Any]:
        answer = super().run(request, base)
        results = [{k: v for k, v in r.items() if k != "location"} for r in answer["Operations"]]
        return {**answer, "Operations": results}


@defect(
    "bulk-response-wrong-urn",
    requirements=["rfc7644/3.7/bulk-200"],
    summary="The BulkResponse names the BulkRequest URN in schemas",
    proves=["bulk/test_bulk.py::test_bulk_answers_200_with_a_bulk_response"],
)
class BulkResponseWrongUrn(Bulk):
    """Names the BulkRequest URN in the schemas of its BulkResponse."""

    def run(self, request: Any, base: str) -> dict[str, Any]:
        answer = super().run(request, base)
        return {**answer, "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]}


@defect(
    "limit-unnamed",
    requirements=["rfc7644/3.7.4/limit-named"],
    summary="413 answers have a detail that names no limit",
    proves=["bulk/test_bulk.py::test_413_names_the_exceeded_limit"],
)
@answers
def limit_unnamed(exchange: Exchange) -> None:
    """Answers 413 with a detail that names no limit."""
    edit_error(exchange, 413, lambda body: {**body, "detail": "Request Entity Too Large"})
