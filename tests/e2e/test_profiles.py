"""`scimcert run --profile` as an admin and a vendor run it: smoke against `scimcert serve` over a
socket (read-only, then with its canary user) and against a broken bridge; certification failing a
SHOULD deviation. Smoke says its verdict in a few lines; no run shows the token."""

from __future__ import annotations

import json
import subprocess
import sys

from scimcert import paths
from tests.e2e.test_live import SEED, TOKEN, snapshot
from tests.inner import environment
from tests.secret import absent

# A smoke verdict is read by a person: the verdict section and the progress dots, no more.
SMOKE_LINES = 12


def scimcert(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scimcert.cli", "run", *args],
                          cwd=paths.root(), env=environment(SCIM_TOKEN=TOKEN),
                          capture_output=True, text=True, timeout=600, check=False)


def verdict(done: subprocess.CompletedProcess) -> list[str]:
    lines = done.stdout.splitlines()
    return lines[next(i for i, line in enumerate(lines) if "scim smoke verdict" in line) + 1:]


def test_smoke_of_a_served_bridge_reads_only_and_says_pass_in_a_few_lines(serve):
    bridge = serve("--token", TOKEN, "--seed", str(SEED))
    before = snapshot(bridge.url)
    done = scimcert("--profile", "smoke", "--url", bridge.url)
    shown = verdict(done)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert shown[0].startswith(f"PASS: {bridge.url} — RFC conformance: all ")
    assert any(line.startswith("canary user: not sent (read-only") for line in shown)
    assert len(done.stdout.splitlines()) <= SMOKE_LINES, done.stdout
    assert snapshot(bridge.url) == before
    absent(TOKEN, stdout=done.stdout, stderr=done.stderr, bridge_log=bridge.stop())


def test_smoke_with_writes_sends_one_canary_user_and_leaves_nothing(serve, tmp_path):
    bridge = serve("--token", TOKEN, "--seed", str(SEED))
    before = snapshot(bridge.url)
    done = scimcert("--profile", "smoke", "--url", bridge.url, "--allow-writes",
                    "--report-dir", str(tmp_path))
    shown = verdict(done)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "canary user: created, deactivated, reactivated and deleted as Entra does" in shown
    assert shown[-1] == f"full report: {tmp_path / 'conformance.html'}"
    assert snapshot(bridge.url) == before
    doc = json.loads((tmp_path / "conformance.json").read_text(encoding="utf-8"))
    assert doc["run"]["profile"] == "smoke"
    assert doc["matrix"]["scenarios"] == {"canary": {"entra": {
        **doc["matrix"]["scenarios"]["canary"]["entra"], "outcome": "met"}}}
    absent(TOKEN, stdout=done.stdout, bridge_log=bridge.stop())


def test_smoke_of_a_broken_bridge_names_the_problem_with_a_reproducer():
    done = scimcert("--profile", "smoke", "--",
                    "--scim-app", "tests/broken/bridges/users.py:lost_deactivation")
    shown = verdict(done)
    assert done.returncode == 1, done.stdout[-3000:]
    assert shown[0].startswith("FAIL: in-process app tests/broken/bridges/users.py:"
                               "lost_deactivation — 1 problem to fix")
    assert "canary user: failed under entra/users/soft-delete-readable" in shown[2]
    assert shown[3] == "1. entra/users/soft-delete-readable: A deactivated user is still " \
                       "returned by GET and filter"
    assert shown[4:7] == ["   after step 3 (deactivate_user): canary's active flag",
                          "   expected: false", "   actual: true"]
    assert shown[7].startswith("   reproduce: curl ")
    assert len(done.stdout.splitlines()) <= SMOKE_LINES


def test_certification_fails_a_should_deviation(tmp_path):
    # A full run grades the same SHOULD a deviation (tests/broken/test_broken.py runs this
    # defect only under --scim-strict for that reason).
    done = scimcert("--profile", "certification", "--report-dir", str(tmp_path), "--",
                    "--scim-app", "tests/broken/bridges/discovery.py:resource_type_by_id_missing",
                    "-k", "test_resource_type_is_readable_by_id")
    assert done.returncode == 1, done.stdout[-3000:]
    doc = json.loads((tmp_path / "conformance.json").read_text(encoding="utf-8"))
    outcome = {r["id"]: r["outcome"] for s in ("rfc", "idp") for r in doc[s]["requirements"]}
    assert (doc["run"]["profile"], doc["run"]["strict"], outcome["rfc7644/4/by-id"]) == (
        "certification", True, "failed")
