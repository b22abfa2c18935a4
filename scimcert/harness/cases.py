"""One case model for the data under fixtures/: each file loaded once and validated against the
JSON Schema that describes it, its placeholders filled for a run, and a list of its cases turned
into pytest params named and marked from the data.

A data file's schema follows from where it lives: `fixtures/<folder>/<file>.json` maps to a
schema of `schemas/data/` by folder (`suites/<name>.json` to `suite-<name>`), and a sample to the
SCIM message schema of `schemas/scim/` its RFC section shows. A file that breaks its schema is
refused when it is loaded, so no test runs on data no schema describes.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from scimcert import paths

# fixtures/<folder>/*.json → the schema (under schemas/) that describes every file of the folder.
FOLDER_SCHEMAS = {
    "requirements": "data/requirements",
    "filters": "data/filter-cases",
    "patch": "data/patch-cases",
    "dialects": "data/dialect",
    "documented": "data/documented",
    "scenarios": "data/scenario",
    "seeds": "data/seed",
    "sources": "data/sources",
    "mappings": "data/mapping",
    "expressions": "data/expression-cases",
}
# Samples are named by the RFC section that shows them: RFC 7643 §8.1-§8.3 are User
# representations, §8.4 a Group, RFC 7644 §3.5.2.x PATCH requests.
SAMPLE_SECTIONS = {
    "rfc7643-8.1": "scim/User",
    "rfc7643-8.2": "scim/User",
    "rfc7643-8.3": "scim/User",
    "rfc7643-8.4": "scim/Group",
    "rfc7644-3.5.2": "scim/PatchOp",
}


class DataError(ValueError):
    """A data file no schema describes, or one that breaks its schema."""


def schema_for(file: Path) -> str | None:
    """`<folder>/<stem>` under schemas/ of the schema `file` (under fixtures/) must satisfy;
    None when none is mapped to it."""
    folder, *rest = Path(file).relative_to(paths.fixtures()).parts
    if len(rest) != 1:
        return None
    if folder == "suites":
        return f"data/suite-{Path(file).stem}"
    if folder == "samples":
        return next((name for section, name in SAMPLE_SECTIONS.items()
                     if re.match(re.escape(section) + r"[.-]", Path(file).stem)), None)
    return FOLDER_SCHEMAS.get(folder)


def _json(file: Path) -> Any:
    return json.loads(file.read_text(encoding="utf-8"))


@cache
def schema_registry() -> Registry:
    """Every schema under schemas/data/ and schemas/scim/ by `$id`: relative `$ref`s resolve
    between files (the suite schemas use the requirement id of requirements.schema.json)."""
    files = [*sorted((paths.schemas() / "data").glob("*.schema.json")),
             *sorted((paths.schemas() / "scim").glob("*.schema.json"))]
    resources = [Resource.from_contents(_json(f), default_specification=DRAFT202012)
                 for f in files]
    return Registry().with_resources((resource.id(), resource) for resource in resources)


@cache
def validator(name: str) -> Draft202012Validator:
    """The validator of `schemas/<name>.schema.json` (`name` as `schema_for` gives it)."""
    file = paths.schemas() / f"{name}.schema.json"
    if not file.is_file():
        raise DataError(f"no schema schemas/{name}.schema.json")
    return Draft202012Validator(_json(file), registry=schema_registry(),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def violations(file: Path, document: Any = None) -> list[str]:
    """Where `document` (by default the contents of `file`, a data file under fixtures/) breaks
    the schema mapped to `file`, as `json path: message` lines, sorted."""
    name = schema_for(file)
    if name is None:
        raise DataError(f"{_relative(file)} has no schema: describe it in schemas/data/ and map "
                        f"it in {Path(__file__).name}")
    document = _json(file) if document is None else document
    return sorted(f"{e.json_path}: {e.message}" for e in validator(name).iter_errors(document))


def _relative(file: Path) -> str:
    try:
        return Path(file).relative_to(paths.fixtures()).as_posix()
    except ValueError:
        return str(file)


@cache
def _loaded(file: Path) -> Any:
    document = _json(file)
    found = violations(file, document)
    if found:
        raise DataError(f"{_relative(file)} breaks schemas/{schema_for(file)}.schema.json:\n  "
                        + "\n  ".join(found))
    return document


def load(name: str | Path) -> Any:
    """The contents of data file `name` (relative to fixtures/, e.g. `suites/users.json`),
    validated against its schema; each call returns a copy of its own."""
    file = Path(name) if Path(name).is_absolute() else paths.fixtures() / name
    return copy.deepcopy(_loaded(file.resolve()))


def files(folder: str) -> list[Path]:
    """The data files of `fixtures/<folder>/`, sorted by name."""
    return sorted((paths.fixtures() / folder).glob("*.json"))


def corpus(folder: str, key: str = "cases") -> list[dict[str, Any]]:
    """Every case of every file of `fixtures/<folder>/` (the list under `key`), files in name
    order, each file validated against the folder's schema."""
    return [case for file in files(folder) for case in load(file)[key]]


def fill(value: Any, names: dict[str, str]) -> Any:
    """`value` with every `{name}` placeholder replaced, in every string and key it holds.

    Data names run-specific values by placeholder (`{run}`, `{domain}`, `{id:alice}`) so the
    same data serves every target and run.
    """
    if isinstance(value, str):
        for name, text in names.items():
            value = value.replace("{" + name + "}", text)
        return value
    if isinstance(value, list):
        return [fill(item, names) for item in value]
    if isinstance(value, dict):
        return {fill(key, names): fill(item, names) for key, item in value.items()}
    return value


def requirements_of(case: Any) -> tuple[str, ...]:
    """The catalogue ids a case names: its `requirements`, or its one `requirement`."""
    if not isinstance(case, dict):
        return ()
    if "requirements" in case:
        return tuple(case["requirements"])
    return (case["requirement"],) if "requirement" in case else ()


def params(cases: Iterable[Any], *, id: str | Callable[[Any], Any] = "id",
           requirements: Callable[[Any], Iterable[str]] = requirements_of,
           marked: bool = True) -> list[Any]:
    """`cases` as pytest params: each one's id from its `id` (or `id(case)`), and, when
    `marked`, a requirement mark naming what `requirements(case)` gives (by default the case's
    own `requirements` or `requirement`). Suite tests are marked; unit tests of the data are
    not, since a requirement mark makes a test a conformance test."""
    out = []
    for case in cases:
        name = id(case) if callable(id) else case[id]
        named = tuple(requirements(case)) if marked else ()
        marks = [pytest.mark.requirement(*named)] if named else []
        out.append(pytest.param(case, id=str(name), marks=marks))
    return out
