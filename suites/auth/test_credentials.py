"""Requests without valid credentials are refused with 401 and a SCIM error; read-only safe."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from scimcert.harness import cases
from scimcert.harness.checks import (
    body_of,
    expect,
    expect_content_type,
    expect_error,
    expect_error_body,
    expect_status,
)
from scimcert.harness.outcome import blocked

DATA = cases.load("suites/auth.json")
PROBE = ("/Users", {"count": 1})


def bad_credentials(only: list[str] | None = None) -> list[Any]:
    return cases.params(case for case in DATA["bad_credentials"]
                        if only is None or case["id"] in only)


@pytest.fixture
def answer(scim, target):
    """Sends the probe with the case's Authorization header and no other credentials."""

    def send(case: dict[str, Any]) -> httpx.Response:
        headers = {}
        if case["authorization"] is not None:
            wrong = f"{target.run_id}not-the-token"
            headers["Authorization"] = (case["authorization"].replace("{wrong}", wrong)
                                        .replace("{token}", target.token or wrong))
        path, params = PROBE
        return scim.without_auth().get(path, params=params, headers=headers)

    return send


@pytest.mark.requirement("rfc7644/3.12/unauthorized-401")
@pytest.mark.parametrize("case", bad_credentials())
def test_bad_credentials_answer_401(answer, case):
    # RFC 6750 §3.1 lets a malformed Bearer header get 400; the data lists the statuses allowed.
    expect_status(answer(case), *case["statuses"])


@pytest.mark.requirement("rfc7644/3.12/error-body")
@pytest.mark.parametrize("case", bad_credentials())
def test_bad_credentials_answer_scim_error(answer, case):
    resp = answer(case)
    if resp.status_code < 400:
        blocked("rfc7644/3.12/unauthorized-401", f"answered {resp.status_code}: nothing refused")
    expect_error_body(resp)


# Apart from the other error answers: a front proxy the vendor may not control can answer 401.
@pytest.mark.requirement("rfc7644/3.12/error-media-type")
@pytest.mark.parametrize("case", bad_credentials())
def test_bad_credentials_answer_is_scim_json(answer, case):
    resp = answer(case)
    if resp.status_code < 400:
        blocked("rfc7644/3.12/unauthorized-401", f"answered {resp.status_code}: nothing refused")
    expect_content_type(resp)


@pytest.mark.requirement("rfc7644/2/www-authenticate")
@pytest.mark.parametrize("case", bad_credentials())
def test_401_answer_names_scheme_in_www_authenticate(answer, case):
    resp = answer(case)
    if resp.status_code != 401:
        blocked("rfc7644/3.12/unauthorized-401", f"answered {resp.status_code}, not 401")
    challenge = resp.headers.get("www-authenticate")
    expect(challenge, "a 401 answer carries WWW-Authenticate", expected='e.g. Bearer realm="scim"',
           actual=challenge)


@pytest.mark.requirement("okta/spec-test/bad-token-401")
@pytest.mark.parametrize("case", bad_credentials(DATA["okta_checked"]))
def test_bad_credentials_pass_okta_check(answer, case):
    body = expect_error(answer(case), 401)
    expect(isinstance(body.get("detail"), str) and body["detail"].strip(),
           "the 401 error has a detail", expected="a non-empty detail", actual=body.get("detail"))


@pytest.mark.writes
@pytest.mark.requirement("rfc7644/2/access-control")
def test_unauthenticated_create_is_refused(scim, cleanup, make):
    resp = scim.without_auth().post("/Users", json=make.user_body())
    created = body_of(resp) if resp.is_success else None
    if isinstance(created, dict) and isinstance(created.get("id"), str):
        cleanup.register("/Users", created["id"])
    expect_status(resp, 401, 403)
