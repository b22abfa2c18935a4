"""A malformed body received by any test is listed in the terminal summary and the report,
and the test that received it keeps its own outcome (pytester, in-process bridge)."""

from __future__ import annotations

import json

import pytest

pytest_plugins = ["pytester"]

CATALOGUE = {"area": "demo", "requirements": [
    {"id": "rfc7644/3.3/demo-must", "level": "MUST", "section": "RFC 7644 §3.3",
     "summary": "A MUST requirement"}]}
# The reference bridge, except that GET /Users/bad answers an Error whose status is a number.
APP = """
from scimcert.bridge.app import create_app

BODY = b'{"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": 404}'


def factory(**options):
    app = create_app(**options)

    async def wrapped(scope, receive, send):
        if scope["type"] == "http" and scope["path"].endswith("/Users/bad"):
            await send({"type": "http.response.start", "status": 404,
                        "headers": [(b"content-type", b"application/scim+json")]})
            await send({"type": "http.response.body", "body": BODY})
            return
        await app(scope, receive, send)

    return wrapped
"""
SUITE = """
import pytest

@pytest.mark.requirement("rfc7644/3.3/demo-must")
def test_reads_a_missing_user(scim):
    assert scim.get("/Users/bad").status_code == 404

@pytest.mark.requirement("rfc7644/3.3/demo-must")
def test_reads_the_config(scim):
    assert scim.get("/ServiceProviderConfig").status_code == 200
"""
SEEN = "GET /Users/bad 404: Error /status: 404 is not of type 'string'"
NODE = "suites/test_demo.py::test_reads_a_missing_user"


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.mkdir("requirements")
    pytester.path.joinpath("requirements", "demo.json").write_text(json.dumps(CATALOGUE))
    pytester.makeini("[pytest]\nscim_catalogue = requirements\n")
    pytester.mkdir("suites")
    pytester.path.joinpath("suites", "test_demo.py").write_text(SUITE)
    pytester.path.joinpath("app.py").write_text(APP)
    for name in ("SCIM_URL", "SCIM_TOKEN", "SCIM_ALLOW_WRITES", "SCIM_STRICT", "SCIM_APP"):
        pytester._monkeypatch.delenv(name, raising=False)
    return pytester


@pytest.mark.parametrize("workers", [pytest.param([], id="one-process"),
                                     pytest.param(["-n", "2"], id="xdist")])
def test_malformed_body_is_listed_without_failing_the_test(project: pytest.Pytester,
                                                          workers: list[str]) -> None:
    out = project.path / "out"
    result = project.runpytest_subprocess(
        "-p", "scimcert.harness.plugin", "-p", "no:cacheprovider", "--scim-app", "app.py:factory",
        f"--scim-report={out}", *workers)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*scim bodies that are not valid SCIM*",
                                 "1 schema violation(s) in bodies received by 1 test(s)*",
                                 "Error: 1", f"  {SEEN}  [[]{NODE}[]]"])
    doc = json.loads((out / "conformance.json").read_text())
    assert doc["rfc"]["totals"] == {"met": 1}
    assert doc["schema_violations"] == [
        {"test": NODE, "violation": SEEN, "exchange": "GET /Users/bad 404", "kind": "Error",
         "pointer": "/status", "message": "404 is not of type 'string'"}]
    page = (out / "conformance.html").read_text()
    listed = page[page.index("<h2>Bodies that are not valid SCIM</h2>"):]
    assert "GET /Users/bad 404" in listed and NODE in listed
