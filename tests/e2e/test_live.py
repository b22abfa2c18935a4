"""The suites against a bridge over a real socket, as a vendor runs them: with two xdist workers
the run passes, every worker names and cleans up its own resources, nothing is left behind, and
the token appears in no output, report or server log. A read-only run writes nothing."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx

from scimcert import paths
from tests.inner import environment
from tests.secret import absent

TOKEN = "live-token-5e0c2a91"
# Data the bridge holds before the run: people and groups scimcert did not make.
SEED = paths.fixtures() / "seeds" / "acme.json"


def suites(url: str, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    env = environment(SCIM_TOKEN=TOKEN)
    command = [sys.executable, "-m", "pytest", str(paths.suites()), "-p", "no:cacheprovider",
               "--scim-url", url, *args]
    return subprocess.run(command, cwd=paths.root(), env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


def snapshot(url: str) -> dict[str, list[tuple[str, str]]]:
    """Every resource of the bridge with its version: what a run may not have changed."""
    found = {}
    for endpoint in ("/Users", "/Groups"):
        listing = httpx.get(f"{url}{endpoint}", params={"count": 1000},
                            headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10).json()
        found[endpoint] = sorted((r["id"], r["meta"]["version"]) for r in listing["Resources"])
    return found


def test_two_workers_over_a_socket_pass_and_leave_nothing(serve, tmp_path):
    bridge = serve("--token", TOKEN, "--seed", str(SEED))
    before = snapshot(bridge.url)
    report = tmp_path / "report"
    done = suites(bridge.url, "--scim-allow-writes", "-n", "2", "--scim-report", str(report),
                  f"--junitxml={tmp_path / 'junit.xml'}")
    tail = "\n".join(done.stdout.splitlines()[-25:])
    assert done.returncode == 0, tail
    assert "left behind" not in done.stdout, tail
    assert snapshot(bridge.url) == before
    doc = json.loads((report / "conformance.json").read_text(encoding="utf-8"))
    assert doc["root_causes"] == []
    assert not [r["id"] for section in ("rfc", "idp") for r in doc[section]["requirements"]
                if r["outcome"] in ("failed", "error", "blocked")]
    absent(TOKEN, stdout=done.stdout, stderr=done.stderr,
           **{str(p.relative_to(tmp_path)): p.read_text(errors="replace")
              for p in tmp_path.rglob("*") if p.is_file()})
    absent(TOKEN, bridge_log=bridge.stop())


def test_read_only_run_changes_nothing_it_did_not_make(serve):
    seeded = serve("--token", TOKEN, "--seed", str(SEED))
    before = snapshot(seeded.url)
    done = suites(seeded.url, "-q")
    assert done.returncode == 0, "\n".join(done.stdout.splitlines()[-25:])
    assert before["/Users"] and snapshot(seeded.url) == before
    absent(TOKEN, bridge_log=seeded.stop())
