"""End-to-end behaviour of the pytest plugin, on tiny fake suites run by pytester."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from scimcert.harness.discovery import UNUSABLE
from tests.secret import absent

pytest_plugins = ["pytester"]

TOKEN = "tok-e2e-9f8e7d6c5b4a"
CATALOGUE = {
    "area": "demo",
    "requirements": [
        {"id": "rfc7644/3.3/demo-must", "level": "MUST", "section": "RFC 7644 §3.3",
         "summary": "A MUST requirement"},
        {"id": "rfc7644/3.3/demo-should", "level": "SHOULD", "section": "RFC 7644 §3.3",
         "summary": "A recommended behaviour"},
        {"id": "entra/provisioning/demo-entra", "level": "entra", "section": "Entra docs",
         "summary": "An Entra behaviour", "source": "https://learn.microsoft.com/entra"},
    ],
}
# Requirements the harness files failures under by itself (root causes, server errors).
CORE = {
    "area": "core",
    "requirements": [
        {"id": "rfc7644/3.3/created-201", "level": "MUST", "section": "RFC 7644 §3.3",
         "summary": "POST create answers 201 Created",
         "source": "https://www.rfc-editor.org/rfc/rfc7644#section-3.3",
         "quote": "an HTTP response SHALL be returned with HTTP status code 201 (Created)."},
        {"id": "rfc7644/3.12/no-server-error", "level": "MUST", "section": "RFC 7644 §3.12",
         "summary": "No request is answered with a server error"},
    ],
}
# A target that refuses every create and fails on /Groups: enough to show root causes.
FAULTY_APP = """
import json

def factory(tokens=()):
    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        path, method = scope["path"], scope["method"]
        status, body = 404, {"status": "404"}
        if path.endswith("/Users") and method == "POST":
            status = 400
            body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                    "status": "400", "scimType": "invalidValue", "detail": "no creates today"}
        elif path.endswith("/Users") and method == "GET":
            status, body = 200, {"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                                 "totalResults": 0, "Resources": []}
        elif path.endswith("/Groups"):
            status, body = 500, {"status": "500"}
        data = json.dumps(body).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/scim+json")]})
        await send({"type": "http.response.body", "body": data})
    return app
"""
RECORDER = """
import json, pytest
from scimcert.harness.plugin.state import state

CLIENTS = []

@pytest.fixture(autouse=True)
def _keep(scim):
    CLIENTS.append(scim)

def pytest_unconfigure(config):
    if CLIENTS:
        every = [*CLIENTS[0].sink.exchanges, *state(config).session.held]
        with open("exchanges.json", "w") as out:
            json.dump([[e.method, e.url, e.status] for e in every], out)
"""


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    """A project with a one-area catalogue and the plugin enabled."""
    pytester.mkdir("requirements")
    pytester.path.joinpath("requirements", "demo.json").write_text(json.dumps(CATALOGUE))
    pytester.path.joinpath("requirements", "core.json").write_text(json.dumps(CORE))
    pytester.makeini("[pytest]\nscim_catalogue = requirements\n")
    pytester.mkdir("suites")
    return pytester


def run(pytester: pytest.Pytester, *args: str, **env: str) -> pytest.RunResult:
    for name in ("SCIM_URL", "SCIM_TOKEN", "SCIM_ALLOW_WRITES", "SCIM_STRICT", "SCIM_SEED",
                 "SCIM_STRICT_BRIDGE"):
        pytester._monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        pytester._monkeypatch.setenv(name, value)
    # The inner runs keep their order: pytest-randomly is installed next to the plugin (see
    # tests/harness/test_neighbours.py), and these tests name which test meets a cause first.
    return pytester.runpytest_subprocess("-p", "scimcert.harness.plugin", "-p", "no:cacheprovider",
                                         "-p", "no:randomly", *args)


def write_suite(pytester: pytest.Pytester, source: str, name: str = "test_demo") -> None:
    pytester.path.joinpath("suites", f"{name}.py").write_text(source)


@dataclass
class FakeTarget:
    url: str
    methods: list[str] = field(default_factory=list)


SPC = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
       "patch": {"supported": True}, "bulk": {"supported": False, "maxOperations": 0,
       "maxPayloadSize": 0}, "filter": {"supported": True, "maxResults": 100},
       "changePassword": {"supported": False}, "sort": {"supported": False},
       "etag": {"supported": False}, "authenticationSchemes": []}


@pytest.fixture
def fake_target() -> Iterator[FakeTarget]:
    """A loopback SCIM stand-in: answers GETs with the ServiceProviderConfig when the
    Authorization header carries TOKEN, 401 otherwise; it counts the methods it receives."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            seen.append(self.command)
            ok = self.headers.get("Authorization") == f"Bearer {TOKEN}"
            body = json.dumps(SPC if ok else {"status": "401"}).encode()
            self.send_response(200 if ok else 401)
            self.send_header("Content-Type", "application/scim+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield FakeTarget(f"http://127.0.0.1:{server.server_address[1]}/scim/v2", seen)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_header_shows_sources_and_masks_the_token(suite: pytest.Pytester) -> None:
    write_suite(suite, "import pytest\n@pytest.mark.requirement('rfc7644/3.3/demo-must')\n"
                       "def test_x():\n    pass\n")
    result = run(suite, "--scim-seed", "42", SCIM_TOKEN=TOKEN)
    result.stdout.fnmatch_lines([
        "scim target: in-process reference bridge (default)",
        "scim token: [*][*][*] (from env SCIM_TOKEN)",
        "scim seed: 42 (from option)*",
    ])
    absent(TOKEN, stdout=result.stdout.str(), stderr=result.stderr.str())


STRICT_BRIDGE_SUITE = """
import pytest
PATCH = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
         "Operations": [{"op": "Replace", "path": "active", "value": False}]}
@pytest.mark.requirement("rfc7644/3.3/demo-must")
def test_x(scim):
    user = scim.post("/Users", json={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                                     "userName": "strict-bridge-probe"}).json()
    assert scim.patch(f"/Users/{user['id']}", json=PATCH).status_code == 400
"""


def test_strict_bridge_is_shown_and_refuses_entra_shapes(suite: pytest.Pytester) -> None:
    write_suite(suite, STRICT_BRIDGE_SUITE)
    result = run(suite, "--scim-strict-bridge")
    result.stdout.fnmatch_lines([
        "scim strict: off (default)",
        "scim bridge IdP tolerances: off: RFC 7643/7644 only (from option)",
    ])
    result.assert_outcomes(passed=1)


def test_unknown_requirement_id_fails_collection(suite: pytest.Pytester) -> None:
    write_suite(suite, "import pytest\n@pytest.mark.requirement('rfc7644/3.3/no-such')\n"
                       "def test_x():\n    pass\n")
    result = run(suite)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*suites/test_demo.py::test_x: unknown requirement id "
                                 "'rfc7644/3.3/no-such'*"])


def test_suite_test_without_requirement_fails_collection(suite: pytest.Pytester) -> None:
    write_suite(suite, "def test_unmarked():\n    pass\n")
    result = run(suite)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*test_unmarked: no @pytest.mark.requirement(...) marker*"])


SHOULD_FAILS = """
import pytest
from scimcert.harness.checks import expect_equal

@pytest.mark.requirement("rfc7644/3.3/demo-should")
def test_soft(scim):
    expect_equal(scim.get("/ServiceProviderConfig").status_code, 999, "status")
"""


def test_should_failure_is_a_deviation(suite: pytest.Pytester) -> None:
    write_suite(suite, SHOULD_FAILS)
    result = run(suite, "-rx")
    result.assert_outcomes(xfailed=1)
    result.stdout.fnmatch_lines(["demo: 1 deviations*", "*deviation (SHOULD): status differs"])
    assert result.ret == pytest.ExitCode.OK


def test_should_failure_fails_under_strict(suite: pytest.Pytester) -> None:
    write_suite(suite, SHOULD_FAILS)
    result = run(suite, "--scim-strict")
    result.assert_outcomes(failed=1)


def test_must_failure_shows_expected_actual_exchange_and_curl(suite: pytest.Pytester) -> None:
    write_suite(suite, SHOULD_FAILS.replace("demo-should", "demo-must"))
    result = run(suite, SCIM_TOKEN=TOKEN)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*rfc7644/3.3/demo-must (MUST): A MUST requirement",
        "*status differs", "*expected: 999", "*actual:   200",
        "*> GET http://testserver/scim/v2/ServiceProviderConfig",
        "*> authorization: Bearer [*][*][*]",
        "*curl *-H \"Authorization: Bearer $SCIM_TOKEN\"*ServiceProviderConfig",
    ])
    absent(TOKEN, stdout=result.stdout.str())


def test_unadvertised_feature_is_not_applicable(suite: pytest.Pytester) -> None:
    write_suite(suite, "import pytest\n@pytest.mark.requirement('rfc7644/3.3/demo-must')\n"
                       "@pytest.mark.feature('changePassword')\ndef test_x():\n    pass\n")
    result = run(suite, "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["demo: 1 not applicable*", "*not applicable: "
                                 "ServiceProviderConfig does not advertise changePassword"])


def test_closed_port_stops_the_session_with_one_line(suite: pytest.Pytester) -> None:
    write_suite(suite, "import pytest\n@pytest.mark.requirement('rfc7644/3.3/demo-must')\n"
                       "def test_x(scim):\n    pass\n")
    url = f"http://127.0.0.1:{closed_port()}/scim/v2"
    result = run(suite, SCIM_URL=url, SCIM_TOKEN=TOKEN)
    assert result.ret == UNUSABLE
    output = result.stdout.str() + result.stderr.str()
    lines = [line for line in output.splitlines() if "cannot connect" in line]
    assert lines, output
    assert "Traceback" not in output
    assert "passed" not in output and "failed" not in output
    absent(TOKEN, output=output)


READ_ONLY_SUITE = """
import pytest
from scimcert.wire import WritesNotAllowed

@pytest.mark.requirement("rfc7644/3.3/demo-must")
@pytest.mark.writes
def test_writer(scim):
    scim.post("/Users", json={})

@pytest.mark.requirement("rfc7644/3.3/demo-must")
def test_reader_cannot_post(scim):
    with pytest.raises(WritesNotAllowed):
        scim.post("/Users", json={"userName": "x"})
    assert scim.get("/ServiceProviderConfig").status_code == 200
"""


def test_url_without_allow_writes_is_read_only(suite: pytest.Pytester, fake_target) -> None:
    write_suite(suite, READ_ONLY_SUITE)
    result = run(suite, "-rs", SCIM_URL=fake_target.url, SCIM_TOKEN=TOKEN)
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["*read-only: pass --scim-allow-writes*"])
    assert fake_target.methods.count("POST") == 0
    assert fake_target.methods.count("GET") == 2


def test_refused_token_stops_the_session_with_one_line(suite: pytest.Pytester,
                                                       fake_target) -> None:
    write_suite(suite, READ_ONLY_SUITE)
    result = run(suite, SCIM_URL=fake_target.url, SCIM_TOKEN="wrong-token-123")
    assert result.ret == UNUSABLE
    output = result.stdout.str() + result.stderr.str()
    assert "token refused by" in output
    assert "cannot connect" not in output
    assert "wrong-token-123" not in output


def test_made_resources_are_deleted_after_a_failure(suite: pytest.Pytester) -> None:
    suite.path.joinpath("suites", "conftest.py").write_text(RECORDER)
    write_suite(suite, """
import pytest

@pytest.mark.requirement("rfc7644/3.3/demo-must")
def test_fails_after_creating(make):
    make.user()
    make.group()
    assert False, "boom"
""")
    result = run(suite)
    result.assert_outcomes(failed=1)
    assert endpoints(suite) == [
        ("POST", "Users", 201), ("POST", "Groups", 201),
        ("DELETE", "Groups", 204), ("DELETE", "Users", 204),
        ("GET", "Groups", 404), ("GET", "Users", 404),
    ]
    assert "left behind" not in result.stdout.str()


def test_made_resources_are_deleted_after_keyboard_interrupt(suite: pytest.Pytester) -> None:
    suite.path.joinpath("suites", "conftest.py").write_text(RECORDER)
    write_suite(suite, """
import pytest

@pytest.mark.requirement("rfc7644/3.3/demo-must")
def test_interrupted(make):
    make.user()
    raise KeyboardInterrupt
""")
    result = run(suite)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert endpoints(suite)[1:] == [("DELETE", "Users", 204), ("GET", "Users", 404)]


def endpoints(pytester: pytest.Pytester) -> list[tuple[str, str, int]]:
    """The requests on resources (discovery left out), in the order recorded."""
    calls = json.loads(pytester.path.joinpath("exchanges.json").read_text())
    found = [(method, url.split("/scim/v2/")[1].split("/")[0], status)
             for method, url, status in calls]
    return [call for call in found if call[1] in ("Users", "Groups")]


REPORTED = """
import pytest
from scimcert.harness.checks import expect

@pytest.mark.requirement("rfc7644/3.3/demo-must")
def test_met(scim):
    assert scim.get("/ServiceProviderConfig").status_code == 200

@pytest.mark.requirement("rfc7644/3.3/demo-should")
def test_deviates(scim):
    scim.get("/Users")
    expect(False, "soft thing")

@pytest.mark.requirement("entra/provisioning/demo-entra")
def test_entra_fails(scim):
    scim.get("/Groups")
    expect(False, "entra thing")
"""


def test_report_has_rfc_and_idp_sections_and_no_token(suite: pytest.Pytester) -> None:
    write_suite(suite, REPORTED)
    out = suite.path / "out"
    result = run(suite, f"--scim-report={out}", f"--junitxml={out / 'junit.xml'}",
                 f"--alluredir={out / 'allure'}", SCIM_TOKEN=TOKEN)
    result.assert_outcomes(passed=1, failed=1, xfailed=1)
    result.stdout.fnmatch_lines(["demo: 1 MUST met, 1 deviations, 1 entra failed"])
    doc = json.loads((out / "conformance.json").read_text())
    assert [(r["id"], r["outcome"]) for r in doc["rfc"]["requirements"]
            if r["area"] == "demo"] == [
        ("rfc7644/3.3/demo-must", "met"), ("rfc7644/3.3/demo-should", "deviation")]
    assert [(r["id"], r["outcome"]) for r in doc["idp"]["requirements"]] == [
        ("entra/provisioning/demo-entra", "failed")]
    page = (out / "conformance.html").read_text()
    assert '<h2 id="rfc">RFC conformance</h2>' in page
    assert '<h2 id="idp">IdP compatibility</h2>' in page
    attention = page[page.index("<h2>Needs attention</h2>"):page.index("<h2>By area</h2>")]
    assert "entra/provisioning/demo-entra" in attention and "entra thing" in attention
    assert "rfc7644/3.3/demo-should" in attention and "rfc7644/3.3/demo-must" not in attention
    assert 'name="requirement" value="rfc7644/3.3/demo-must"' in (out / "junit.xml").read_text()
    attachments = [p.read_text() for p in (out / "allure").glob("*-attachment.txt")]
    assert any('Bearer $SCIM_TOKEN' in text for text in attachments)
    for path in out.rglob("*"):
        if path.is_file():
            absent(TOKEN, **{path.name: path.read_text(errors="replace")})


def test_report_aggregates_across_xdist_workers(suite: pytest.Pytester) -> None:
    write_suite(suite, REPORTED)
    out = suite.path / "out"
    result = run(suite, "-n", "2", f"--scim-report={out}")
    result.assert_outcomes(passed=1, failed=1, xfailed=1)
    doc = json.loads((out / "conformance.json").read_text())
    assert doc["rfc"]["totals"] == {"met": 1, "deviation": 1, "untested": 2}


ROOT_CAUSE_SUITE = """
import pytest

@pytest.mark.requirement("rfc7644/3.3/demo-must")
@pytest.mark.parametrize("n", [1, 2, 3])
def test_needs_a_user(make, n):
    make.user()
"""


def test_failed_precondition_is_one_root_cause_blocking_the_rest(suite: pytest.Pytester
                                                                 ) -> None:
    suite.path.joinpath("faulty.py").write_text(FAULTY_APP)
    write_suite(suite, ROOT_CAUSE_SUITE)
    out = suite.path / "out"
    result = run(suite, "--scim-app", "faulty.py:factory", f"--scim-report={out}", "-rs")
    result.assert_outcomes(failed=1, skipped=2)
    result.stdout.fnmatch_lines([
        "*scim root causes*",
        "1. rfc7644/3.3/created-201: unexpected HTTP status — reported by "
        "suites/test_demo.py::test_needs_a_user[[]1[]], blocks 2 test(s)",
        "*blocked by rfc7644/3.3/created-201: unexpected HTTP status*",
    ])
    doc = json.loads((out / "conformance.json").read_text())
    outcomes = {r["id"]: r["outcome"] for r in doc["rfc"]["requirements"]}
    assert outcomes["rfc7644/3.3/created-201"] == "failed"
    assert outcomes["rfc7644/3.3/demo-must"] == "blocked"
    [cause] = doc["root_causes"]
    assert (len(cause["blocked"]) == 2 and "no creates today" in "\n".join(cause["lines"]) \
        + (cause["exchange"] or "") + (cause["curl"] or "")) or cause["what"]
    assert "<h2>Root causes</h2>" in (out / "conformance.html").read_text()


def test_server_error_fails_a_default_run_under_its_own_requirement(
        suite: pytest.Pytester) -> None:
    # A test whose own (SHOULD) checks hold still fails: its 5xx is filed under no-server-error,
    # a MUST (RFC 7644 §3.12 adopts RFC 7231 §6, where a 5xx says the server erred).
    suite.path.joinpath("faulty.py").write_text(FAULTY_APP)
    write_suite(suite, """
import pytest

@pytest.mark.requirement("rfc7644/3.3/demo-should")
def test_only_looks(scim):
    scim.get("/Groups")
""")
    out = suite.path / "out"
    result = run(suite, "--scim-app", "faulty.py:factory", f"--scim-report={out}")
    result.assert_outcomes(failed=1)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*rfc7644/3.12/no-server-error*", "*the target answered GET *"
                                 "/Groups → 500*"])
    doc = json.loads((out / "conformance.json").read_text())
    outcomes = {r["id"]: r["outcome"] for r in doc["rfc"]["requirements"]}
    assert outcomes["rfc7644/3.12/no-server-error"] == "failed"
    assert outcomes["rfc7644/3.3/demo-should"] == "met"


def test_exception_in_a_should_test_is_an_error_not_a_deviation(suite: pytest.Pytester) -> None:
    write_suite(suite, """
import pytest

@pytest.mark.requirement("rfc7644/3.3/demo-should")
def test_buggy(scim):
    {}["missing"]
""")
    out = suite.path / "out"
    result = run(suite, f"--scim-report={out}")
    result.assert_outcomes(failed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    doc = json.loads((out / "conformance.json").read_text())
    [req] = [r for r in doc["rfc"]["requirements"] if r["id"] == "rfc7644/3.3/demo-should"]
    assert req["outcome"] == "error"
    assert "suite error in call: KeyError" in req["tests"][0]["reason"]


def test_blocked_test_leaves_its_requirement_not_met(suite: pytest.Pytester) -> None:
    write_suite(suite, """
import pytest
from scimcert.harness.outcome import blocked

@pytest.mark.requirement("rfc7644/3.3/demo-must")
def test_met(scim):
    pass

@pytest.mark.requirement("rfc7644/3.3/demo-must")
def test_cannot_run(scim):
    blocked("rfc7644/3.3/demo-should", "the target never answered 401")
""")
    out = suite.path / "out"
    result = run(suite, f"--scim-report={out}")
    result.assert_outcomes(passed=1, skipped=1)
    doc = json.loads((out / "conformance.json").read_text())
    [req] = [r for r in doc["rfc"]["requirements"] if r["id"] == "rfc7644/3.3/demo-must"]
    assert req["outcome"] == "blocked"
    [stopped] = [t for t in req["tests"] if t["nodeid"].endswith("test_cannot_run")]
    assert stopped["blocked_by"] == "rfc7644/3.3/demo-should"
