"""Robustness (RFC 7644 §3.12): every generated bad request gets an answer — a 4xx SCIM error
where RFC 7644 says the request must be refused, else any answer but a server error — and
leaves the target as healthy and as unchanged as it was: a canary user reads as before, and a
refused create made nothing.

The bad requests are harness/properties/malformed.py's, from fixtures/suites/properties.json
and the target's own User schema.
"""

from __future__ import annotations

from typing import Any

import pytest

from scimcert.harness.checks import expect, expect_error_body, filed
from scimcert.harness.outcome import not_applicable
from scimcert.harness.properties import likeness, malformed
from scimcert.harness.properties.malformed import Bad
from scimcert.harness.results import SERVER_ERROR

ERROR_BODY = "rfc7644/3.12/error-body"
ATOMIC = "rfc7644/3.5.2/refused-patch-changes-nothing"

pytestmark = [pytest.mark.writes, pytest.mark.properties]


# Named: the server-error rule every bad request is held to. The refusals and Error bodies are
# filed under their own requirements by the checks, so one finding here does not leave the
# tests that name those requirements unproven.
@pytest.mark.requirement(SERVER_ERROR)
def test_bad_request_is_refused_and_changes_nothing(runner, lab, registry, user_type):
    if user_type is None:
        not_applicable("the target declares no resource type with the core User schema")
    canary = lab.make.user()
    before = lab.read(user_type, canary["id"])

    def holds(bad: Bad) -> None:
        tag = lab.tag()
        sent = bad.filled(tag, canary["id"])
        resp = send(lab, sent)
        with filed(SERVER_ERROR):
            expect(resp is not None, f"the target answers a request with {sent.kind}",
                   expected="an answer", actual="no answer (timed out or dropped)")
            expect(resp.status_code < 500 or resp.status_code == 501,
                   f"a request with {sent.kind} is answered as the client's fault",
                   expected="a 2xx or a 4xx SCIM error", actual=resp.status_code, resp=resp)
        if resp.status_code >= 400:
            with filed(ERROR_BODY):
                expect_error_body(resp)
        elif sent.refused is not None:
            with filed(sent.refused):
                expect(False, f"a request with {sent.kind} is refused (RFC 7644 §3.12)",
                       expected="400", actual=resp.status_code, resp=resp)
        after = lab.read(user_type, canary["id"])
        found = [str(d) for d in likeness.differences(before, after, registry, user_type,
                                                      [after])]
        with filed(ATOMIC if sent.method == "PATCH" else SERVER_ERROR):
            expect(not found, f"the canary user reads as before the request with {sent.kind}",
                   expected="no difference", actual=found)
        if sent.creates and not resp.is_success:
            strays = lab.all_of(user_type, f'userName sw "{tag}"', 5) or []
            for stray in strays:
                lab.make.cleanup.register(user_type.endpoint, stray["id"])
            with filed(malformed.BAD_REQUEST):
                expect(not strays, f"the refused request with {sent.kind} created nothing",
                       expected=[], actual=[s.get("userName") for s in strays])

    runner.check(holds, explicit=[{"bad": bad} for bad in malformed.samples(registry, user_type)],
                 scale=1.5, bad=malformed.requests(registry, user_type))



def send(lab, bad: Bad) -> Any:
    """Send `bad`; what the target created with it anyway is registered for cleanup."""
    resp = malformed.send(lab.scim, bad)
    if resp is not None and bad.creates and resp.is_success:
        try:
            created = resp.json()
        except ValueError:
            created = None
        if isinstance(created, dict) and isinstance(created.get("id"), str):
            lab.make.cleanup.register(bad.path, created["id"])
    return resp
