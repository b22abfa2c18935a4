"""JSON Schema validation of SCIM bodies against `schemas/scim/*.schema.json` (draft 2020-12).

The schemas reference each other by relative `$ref` (`common.schema.json#/$defs/meta`); a
`referencing.Registry` holding every file under its `$id` resolves them without any network.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from scimcert import paths

NAMES = (
    "User", "EnterpriseUser", "Group", "Resource", "ListResponse", "Error", "PatchOp",
    "SearchRequest", "BulkRequest", "BulkResponse", "ServiceProviderConfig", "ResourceType",
    "Schema",
)


@dataclass(frozen=True)
class Violation:
    """One place where a document breaks its schema: a JSON pointer and what is wrong there."""

    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message}"


def pointer(path: Any) -> str:
    """RFC 6901 JSON pointer for a jsonschema error path."""
    parts = (str(p).replace("~", "~0").replace("/", "~1") for p in path)
    return "".join("/" + p for p in parts)


def load(folder: Path) -> tuple[Registry, dict[str, dict[str, Any]]]:
    """Every `*.schema.json` in `folder` as a registry (by `$id`) and a map file stem → schema."""
    by_stem: dict[str, dict[str, Any]] = {}
    registry: Registry = Registry()
    for file in sorted(folder.glob("*.schema.json")):
        contents = json.loads(file.read_text(encoding="utf-8"))
        by_stem[file.name.removesuffix(".schema.json")] = contents
        registry = registry.with_resource(
            contents["$id"], Resource.from_contents(contents, default_specification=DRAFT202012)
        )
    return registry, by_stem


@cache
def _loaded(folder: str | None) -> tuple[Registry, dict[str, dict[str, Any]]]:
    return load(Path(folder) if folder else paths.schemas() / "scim")


@cache
def validator(name: str, folder: str | None = None) -> Draft202012Validator:
    """The validator of schema `name` (a file stem) in `folder` (default `schemas/scim/`)."""
    registry, by_stem = _loaded(folder)
    if name not in by_stem:
        raise KeyError(f"no schema {name!r}; known: {', '.join(sorted(by_stem))}")
    return Draft202012Validator(by_stem[name], registry=registry)


def violations_against(document: Any, schema: dict[str, Any]) -> list[Violation]:
    """Every violation of `schema` (a schema built at run time, which may `$ref` the files of
    `schemas/scim/` by their `$id`) in `document`, ordered by pointer."""
    registry, _ = _loaded(None)
    checker = Draft202012Validator(schema, registry=registry)
    found = {Violation(pointer(leaf.absolute_path), leaf.message)
             for error in checker.iter_errors(document) for leaf in _leaves(error)}
    return sorted(found, key=lambda v: (v.pointer, v.message))


def violations(document: Any, name: str, folder: str | None = None) -> list[Violation]:
    """Every violation of schema `name` in `document`, deepest first, ordered by pointer."""
    found = {Violation(pointer(e.absolute_path), e.message) for e in errors(document, name, folder)}
    return sorted(found, key=lambda v: (v.pointer, v.message))


def errors(document: Any, name: str, folder: str | None = None) -> list[Any]:
    """The innermost jsonschema errors of `document` against schema `name`."""
    return [leaf for error in validator(name, folder).iter_errors(document)
            for leaf in _leaves(error)]


def _leaves(error: Any) -> list[Any]:
    # allOf/oneOf errors wrap the real cause; report the innermost ones, which name the exact spot.
    if not error.context:
        return [error]
    return [leaf for child in error.context for leaf in _leaves(child)]
