"""The dialects really send their quirks: replayed against the embedded reference bridge under
`--scim-strict-bridge` (every IdP tolerance off), the strict `rfc` client, the interop profile and
Okta's GET-then-PUT apps pass every scenario, while Entra (default and flagged) and Okta's OIN
shapes fail, each failure filed under the quirk the bridge refused."""

from __future__ import annotations

import json

import pytest

from scimcert.idp.dialect import Dialect
from tests.broken.report import run_suites

RFC_ONLY = ("rfc", "interop", "okta-aiw")
QUIRKY = ("entra", "entra-flagged", "okta")


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("strict-dialects")
    # The scenario replays only; Entra's cycles (test_sync.py) are judged in test_rfc.py.
    _, output = run_suites(folder, "--scim-strict-bridge",
                           suites=("provisioning/test_scenarios.py",))
    report = folder / "conformance.json"
    assert report.is_file(), output
    found = json.loads(report.read_text(encoding="utf-8"))["verdicts"]
    return {v["nodeid"].rsplit("[", 1)[1].rstrip("]"): v for v in found}


def dialect_of(test_id: str) -> str:
    return next(name for name in sorted(RFC_ONLY + QUIRKY, key=len, reverse=True)
                if test_id.endswith(f"-{name}"))


def test_rfc_clients_pass_every_scenario(verdicts):
    unmet = {t: v["outcome"] for t, v in verdicts.items()
             if dialect_of(t) in RFC_ONLY and v["outcome"] != "met"}
    assert unmet == {}


@pytest.mark.parametrize("name", QUIRKY)
def test_quirky_dialects_fail_on_their_quirks(verdicts, name):
    failed = {t: v for t, v in verdicts.items() if dialect_of(t) == name and v["outcome"] != "met"}
    assert failed, f"the strict bridge accepted everything {name} sends"
    served = {q.requirement for q in Dialect.load(name).quirks if q.requirement}
    misfiled = {t: v.get("requirement") for t, v in failed.items()
                if v["outcome"] != "failed" or v.get("requirement") not in served}
    assert misfiled == {}
