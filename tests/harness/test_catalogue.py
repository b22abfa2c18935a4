"""The requirement catalogue: schema rules, duplicates, and every requirement proved by a test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scimcert.harness import catalogue
from scimcert.harness.catalogue import CatalogueError
from scimcert.harness.runner import collect_mapping

GOOD = {"id": "rfc7644/3.3/created-201", "level": "MUST", "section": "RFC 7644 §3.3",
        "summary": "POST create answers 201 Created",
        "source": "https://www.rfc-editor.org/rfc/rfc7644#section-3.3"}


def write(folder: Path, name: str, *entries: dict[str, Any]) -> None:
    area = name.removesuffix(".json")
    (folder / name).write_text(json.dumps({"area": area, "requirements": list(entries)}))


def test_valid_catalogue_loads_in_order(tmp_path: Path) -> None:
    entra = {"id": "entra/provisioning/string-booleans", "level": "entra",
             "section": "Entra ID known issues", "summary": "Booleans may arrive as strings",
             "source": "https://learn.microsoft.com/entra/identity/app-provisioning/"}
    write(tmp_path, "users.json", GOOD, entra)
    cat = catalogue.load(tmp_path)
    assert [r.id for r in cat] == [GOOD["id"], entra["id"]]
    assert cat.get(GOOD["id"]).area == "users"
    assert not cat.get(entra["id"]).is_rfc


@pytest.mark.parametrize(("change", "message"), [
    pytest.param({"id": "rfc7644/3.3/Created_201"}, "/requirements/0/id", id="id-pattern"),
    pytest.param({"id": "rfc9999/3.3/x"}, "/requirements/0/id", id="id-source"),
    pytest.param({"level": "MUST NOT"}, "/requirements/0/level", id="level"),
    pytest.param({"summary": "POST create should answer 201"}, "/requirements/0/summary",
                 id="summary-should"),
    pytest.param({"summary": "x" * 70}, "/requirements/0/summary", id="summary-long"),
    pytest.param({"level": "okta", "source": None}, "'source' is a required property",
                 id="idp-without-source"),
    pytest.param({"section": None}, "'section' is a required property", id="no-section"),
    pytest.param({"level": "acme", "source": "https://acme.example"}, "/requirements/0/level",
                 id="level-of-no-idp"),
    pytest.param({"level": "okta", "source": "https://okta.example"}, "/requirements/0/level",
                 id="idp-level-of-another-document"),
    pytest.param({"colour": "red"}, "Additional properties", id="unknown-key"),
])
def test_invalid_entry_is_rejected_naming_file_and_pointer(tmp_path: Path,
                                                          change: dict[str, Any],
                                                          message: str) -> None:
    entry = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    write(tmp_path, "users.json", entry)
    with pytest.raises(CatalogueError, match=r"users\.json") as raised:
        catalogue.load(tmp_path)
    assert message in str(raised.value)


def test_idps_come_from_the_sources_data() -> None:
    sources = catalogue.load_sources()
    assert set(sources.idps) >= {"entra", "okta"}
    assert {"rfc7643", "rfc7644"} <= sources.prefixes


def test_duplicate_id_is_rejected(tmp_path: Path) -> None:
    write(tmp_path, "a.json", GOOD)
    write(tmp_path, "b.json", GOOD)
    with pytest.raises(CatalogueError, match=r"b.json: duplicate id .* \(first in a.json\)"):
        catalogue.load(tmp_path)


def test_project_catalogue_is_valid() -> None:
    assert len(catalogue.load()) > 0


@pytest.fixture(scope="module")
def suite_mapping() -> tuple[dict[str, list[str]], list[str]]:
    return collect_mapping()


def test_suites_collect_with_known_requirements(suite_mapping) -> None:
    _, problems = suite_mapping
    assert problems == []


def test_every_requirement_has_a_test(suite_mapping) -> None:
    mapping, _ = suite_mapping
    untested = [rid for rid, tests in mapping.items() if not tests]
    assert mapping, "collecting suites/ produced no requirement mapping"
    assert untested == [], f"{len(untested)} requirements have no test"
