"""A bridge that breaks what one IdP sends fails that IdP's provisioning scenarios and no other's.

Each defect declaring `dialects=` is served to the whole of suites/provisioning (every scenario in
every dialect); the compatibility matrix of the run's report must show failures in exactly those
dialects. This is what lets a vendor read the matrix: a FAIL under `okta-aiw` means what Okta's
App Integration Wizard apps send, not a general defect that happens to show there.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from scimcert import paths
from tests.broken.bridges.registry import Defect, defects
from tests.inner import environment

SCOPED = [d for d in defects() if d.dialects]
# The matrix is the scenario replays' (Entra's cycles, test_sync.py, are Entra's alone).
SCENARIOS = paths.suites() / "provisioning" / "test_scenarios.py"


def failing_dialects(app: str) -> tuple[set[str], str]:
    """The dialects with a failed scenario in a run of the scenario replays against `app`."""
    with tempfile.TemporaryDirectory(prefix="scimcert-dialects-") as tmp:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", str(SCENARIOS), "-q", "-p", "no:cacheprovider",
             "-p", "no:randomly", "-p", "no:unraisableexception", "--scim-app", app,
             "--scim-report", tmp],
            cwd=paths.root(), env=environment(), capture_output=True, text=True, timeout=300,
            check=False)
        report = Path(tmp) / "conformance.json"
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
        if not report.is_file():
            return set(), tail
        matrix = json.loads(report.read_text(encoding="utf-8")).get("matrix") or {}
    failing = {dialect for cells in matrix.get("scenarios", {}).values()
               for dialect, cell in cells.items() if cell.get("outcome") == "failed"}
    return failing, tail


class Runs:
    """Each scoped defect's run, started once on a small pool and awaited on demand."""

    def __init__(self, pool: ThreadPoolExecutor) -> None:
        self.pool = pool
        self.started: dict[str, Future[tuple[set[str], str]]] = {}

    def start(self, defect: Defect) -> Future[tuple[set[str], str]]:
        if defect.id not in self.started:
            self.started[defect.id] = self.pool.submit(failing_dialects, defect.app)
        return self.started[defect.id]


@pytest.fixture(scope="module")
def runs(request: pytest.FixtureRequest):
    """Outside xdist every selected defect's run starts at once, two at a time; an xdist
    worker runs only the ones it was given."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        found = Runs(pool)
        if not hasattr(request.config, "workerinput"):
            for item in request.session.items:
                params = getattr(item, "callspec", None)
                if item.module.__name__ == __name__ and params and "defect" in params.params:
                    found.start(params.params["defect"])
        yield found


def test_some_defects_are_scoped_to_dialects():
    assert len(SCOPED) >= 5, [d.id for d in SCOPED]


@pytest.mark.parametrize("defect", [pytest.param(d, id=d.id) for d in SCOPED])
def test_dialect_defect_fails_only_its_dialects(defect: Defect, runs):
    failing, tail = runs.start(defect).result()
    assert failing == set(defect.dialects), (
        f"{defect.app}: {defect.summary}\nexpected failures in {sorted(defect.dialects)}, "
        f"got {sorted(failing)}\n{tail}")
