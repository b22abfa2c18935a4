"""Every JSON file under fixtures/ has a JSON Schema mapped to it and is valid against it.

Per-case checks of each kind live with the code that reads it (test_filter_fixtures.py,
test_patch*.py, tests/harness/); this module only guarantees that no data file goes undescribed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from scimcert import paths
from scimcert.harness import cases

FIXTURES = paths.fixtures()
SCHEMAS = paths.schemas()
DATA_FILES = sorted(FIXTURES.rglob("*.json"))
DATA_SCHEMAS = sorted((SCHEMAS / "data").glob("*.schema.json"))


def relative(file: Path) -> str:
    return file.relative_to(FIXTURES).as_posix()


def load(file: Path) -> Any:
    return json.loads(file.read_text(encoding="utf-8"))


def id_lists(value: Any, where: str = "$") -> Iterator[tuple[str, list[Any]]]:
    """(JSON path, ids) of every list in `value` whose items are all objects with an `id`."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from id_lists(item, f"{where}.{key}")
    elif isinstance(value, list):
        if value and all(isinstance(item, dict) and "id" in item for item in value):
            yield where, [item["id"] for item in value]
        for index, item in enumerate(value):
            yield from id_lists(item, f"{where}[{index}]")


@pytest.mark.parametrize("file", DATA_FILES, ids=relative)
def test_data_file_is_valid_against_its_schema(file):
    name = cases.schema_for(file)
    assert name, (f"{relative(file)} has no schema: describe it in schemas/data/ and map "
                  "it in scimcert/harness/cases.py")
    schema_file = SCHEMAS / f"{name}.schema.json"
    assert schema_file.is_file(), f"{relative(file)} maps to schemas/{name}.schema.json: missing"
    assert cases.violations(file) == [], f"{relative(file)} breaks schemas/{name}.schema.json"


@pytest.mark.parametrize("file", DATA_FILES, ids=relative)
def test_ids_are_unique_within_each_list(file):
    # JSON Schema cannot say "unique by key"; parametrised tests take their ids from these.
    repeated = {where: sorted({i for i in ids if ids.count(i) > 1})
                for where, ids in id_lists(load(file))}
    assert {where: ids for where, ids in repeated.items() if ids} == {}


@pytest.mark.parametrize("schema", DATA_SCHEMAS, ids=lambda f: f.name)
def test_data_schema_is_draft_2020_12_under_its_file_name(schema):
    contents = load(schema)
    Draft202012Validator.check_schema(contents)
    assert contents.get("$id") == f"https://scimcert.dev/schemas/data/{schema.name}"


def test_every_data_schema_describes_a_data_file():
    used = {cases.schema_for(file) for file in DATA_FILES}
    stems = (f.name.removesuffix(".schema.json") for f in DATA_SCHEMAS)
    unused = [stem for stem in stems if f"data/{stem}" not in used]
    assert unused == []


@pytest.mark.parametrize("name", [
    pytest.param("widgets/plan.json", id="new-folder"),
    pytest.param("suites/query/extra.json", id="nested-file"),
    pytest.param("samples/rfc7644-3.7-bulk.json", id="sample-of-unmapped-section"),
    pytest.param("samples/rfc7643-8.10-user.json", id="sample-section-prefix-only"),
])
def test_unmapped_file_has_no_schema(name):
    assert cases.schema_for(FIXTURES / name) is None
