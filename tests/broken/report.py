"""What a suite run's conformance report says about each requirement, for the self-tests that run
the suites against a bridge. The one place that knows the report's format."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from scimcert import paths
from tests.inner import environment

Outcomes = dict[str, tuple[str, tuple[str, ...]]]


def read_report(folder: Path) -> Outcomes | None:
    """{requirement: (outcome, the test files proving it)} from the report a run wrote into
    `folder` (--scim-report), or None when it wrote none."""
    document = folder / "conformance.json"
    if not document.is_file():
        return None
    data = json.loads(document.read_text(encoding="utf-8"))
    found = {}
    for section in ("rfc", "profile", "idp"):
        for req in data.get(section, {}).get("requirements", ()):
            files = {t["nodeid"].split("::", 1)[0] for t in req.get("tests", ())}
            found[req["id"]] = (req["outcome"], tuple(sorted(files)))
    return found


def run_suites(report: Path, *args: str, suites: tuple[str, ...] = ()) -> tuple[Outcomes, str]:
    """Run `suites` (default: all of suites/) in a pytest subprocess with `args`, writing the
    report into `report`: what it says about each requirement, and the run's output tail to
    show when it wrote none. No setting of the outer run reaches it (tests/inner.py)."""
    targets = [str(paths.suites() / s) for s in suites] or [str(paths.suites())]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *targets, "-p", "no:cacheprovider",
         "-p", "no:unraisableexception", "-q",
         "--scim-report", str(report), *args],
        cwd=paths.root(), env=environment(), capture_output=True, text=True, timeout=300,
        check=False)
    return read_report(report) or {}, done.stdout[-3000:] + done.stderr[-3000:]


def checks_failed(folder: Path) -> set[str]:
    """The suite test functions (file::name, relative to suites/) that failed at a check of
    their own in the run that wrote the report in `folder`: a failure or a deviation raised by a
    check of the test itself, not by a precondition it needed."""
    document = folder / "conformance.json"
    if not document.is_file():
        return set()
    data = json.loads(document.read_text(encoding="utf-8"))
    return {function(v["nodeid"]) for v in data.get("verdicts", ())
            if v.get("at") == "check" and v["outcome"] in ("failed", "deviation")}


def function(nodeid: str) -> str:
    """`users/test_create.py::test_x` from `suites/users/test_create.py::test_x[param]`."""
    path, _, name = nodeid.partition("::")
    return f"{path.split('suites/', 1)[-1]}::{name.split('[', 1)[0]}"
