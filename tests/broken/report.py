"""What a suite run's conformance report says about each requirement, for the self-tests that run
the suites against a bridge. The one place that knows the report's format."""

from __future__ import annotations

import json
from pathlib import Path

Outcomes = dict[str, tuple[str, tuple[str, ...]]]


def read_report(folder: Path) -> Outcomes | None:
    """{requirement: (outcome, the test files proving it)} from the report a run wrote into
    `folder` (--scim-report), or None when it wrote none."""
    document = folder / "conformance.json"
    if not document.is_file():
        return None
    data = json.loads(document.read_text(encoding="utf-8"))
    found = {}
    for section in ("rfc", "idp"):
        for req in data[section]["requirements"]:
            files = {t["nodeid"].split("::", 1)[0] for t in req.get("tests", ())}
            found[req["id"]] = (req["outcome"], tuple(sorted(files)))
    return found
