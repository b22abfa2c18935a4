"""The allure results of a run read like the catalogue: epic RFC conformance or IdP
compatibility, feature the area, story the requirement, severity from its level, a link to its
source and its sentence in the description, the exchanges with a curl reproducer attached, history
ids that follow a test across runs; the token is in no file."""

from __future__ import annotations

import json
from pathlib import Path

from tests.report.conftest import TOKEN, run


def results(folder: Path) -> dict[str, dict]:
    """Each test result of the run's allure-results, by test name (with its parameters)."""
    found = {}
    for file in (folder / "allure-results").glob("*-result.json"):
        data = json.loads(file.read_text(encoding="utf-8"))
        found[data["name"]] = data
    return found


def labels(result: dict, name: str) -> list[str]:
    return [label["value"] for label in result["labels"] if label["name"] == name]


def test_a_test_reads_as_its_requirement(broken):
    found = results(broken[0])["test_create_answers_201"]
    assert labels(found, "epic") == ["RFC conformance"]
    assert labels(found, "feature") == ["users"]
    assert labels(found, "story") == ["rfc7644/3.3/created-201: POST create answers 201 Created"]
    assert labels(found, "severity") == ["critical"]
    assert {"type": "link", "url": "https://www.rfc-editor.org/rfc/rfc7644#section-3.3",
            "name": "rfc7644/3.3/created-201 (RFC 7644 §3.3)"} in found["links"]
    assert "> RFC 7644 §3.3: \u201cWhen the service provider successfully creates the new " \
           "resource, an HTTP response SHALL be returned with HTTP status code 201" \
           in found["description"]
    assert found["status"] == "failed"
    assert "expected: 201" in found["statusDetails"]["message"]


def test_an_idp_replay_reads_as_idp_compatibility(clean):
    found = results(clean[0])["test_scenario_leaves_the_state_the_idp_expects[canary-entra]"]
    assert labels(found, "epic") == ["IdP compatibility"]
    assert set(labels(found, "feature")) == {"users", "query"}
    assert "entra/users/reactivate: active=true restores a deactivated user" \
           in labels(found, "story")
    assert labels(found, "severity") == ["critical"]
    rfc = results(clean[0])["test_scenario_leaves_the_state_the_idp_expects[canary-rfc]"]
    assert labels(rfc, "epic") == ["RFC conformance"]


def test_every_test_has_its_exchanges_and_a_reproducer_attached(broken):
    folder = broken[0] / "allure-results"
    blocked = results(broken[0])["test_read_returns_every_attribute_sent"]
    assert blocked["status"] == "skipped"
    attached = [a for a in blocked["attachments"] if a["name"].startswith("POST ")]
    assert attached, blocked["attachments"]
    text = (folder / attached[0]["source"]).read_text(encoding="utf-8")
    assert "> POST http://testserver/scim/v2/Users" in text
    assert 'reproduce:\ncurl -sS -i -X POST' in text and '"Authorization: Bearer $SCIM_TOKEN"' \
        in text


def test_the_token_is_in_no_allure_file_and_no_report(clean, broken):
    files = [p for folder, _ in (clean, broken) for p in folder.rglob("*") if p.is_file()]
    assert len([p for p in files if p.name.endswith("-attachment.txt")]) > 10
    assert [p.name for p in files if TOKEN in p.read_text(encoding="utf-8", errors="replace")] \
        == []


def test_history_ids_follow_a_test_across_runs_with_another_seed(clean, tmp_path):
    again, _ = run(tmp_path, "--scim-seed", "77")
    before = {name: r["historyId"] for name, r in results(clean[0]).items()}
    after = {name: r["historyId"] for name, r in results(again).items()}
    assert before == after
    assert len(set(after.values())) == len(after)
