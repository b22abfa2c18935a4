"""The mapping model: rows of (target attribute ← source attribute | constant | expression),
each applied always or on create only, some of them matching attributes, per object (User,
Group) — what Entra's "Attribute Mapping" page holds
(https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes).

A mapping file is our JSON (schemas/data/mapping.schema.json, fixtures/mappings/) or the
provisioning schema Entra's schema editor downloads (entra.py); `Mapping.load` tells them apart.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Mapping as SourceMap
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from scimcert import paths
from scimcert.idp.mapping import entra
from scimcert.idp.mapping.context import Context
from scimcert.idp.mapping.errors import MappingError
from scimcert.idp.mapping.expression import Expression, parse
from scimcert.idp.mapping.row import KINDS, OBJECTS, Row

# What computes one row's value for a source object.
Compute = Callable[[SourceMap[str, Any], Context], Any]
# Our JSON lists each object's rows under its own key.
OBJECT_KEYS = {"User": "users", "Group": "groups"}


@dataclass(frozen=True)
class Mapping:
    """A named list of rows, for users and groups."""

    name: str
    rows: tuple[Row, ...]
    description: str = ""

    @classmethod
    def load(cls, path: str | Path) -> Mapping:
        """The mapping in `path`, our JSON or Entra's export, every row checked and every
        expression compiled: a MappingError naming the first row that cannot be used."""
        mapping = read(path)
        problems = mapping.problems()
        if problems:
            raise problems[0]
        return mapping

    @cached_property
    def _compiled(self) -> dict[Row, Expression | MappingError]:
        """Each expression row's compiled expression, or why it does not compile (equal rows
        compile alike, so rows are their own keys)."""
        compiled: dict[Row, Expression | MappingError] = {}
        for row in self.rows:
            if row.kind != "expression" or row in compiled:
                continue
            try:
                compiled[row] = parse(row.source)
            except MappingError as exc:
                compiled[row] = exc.at_row(row.label)
        return compiled

    def problems(self) -> list[MappingError]:
        """Every row that cannot be used, in row order: a bad field or an expression that does
        not compile (with its position and caret)."""
        found = []
        for row in self.rows:
            problem = row.problem() or self._compiled.get(row)
            if isinstance(problem, MappingError):
                found.append(problem)
        return found

    def expression(self, row: Row) -> Expression:
        """The compiled expression of an expression row; MappingError if it does not compile."""
        compiled = self._compiled.get(row)
        if compiled is None:
            compiled = parse(row.source)
        if isinstance(compiled, MappingError):
            raise compiled
        return compiled

    @property
    def objects(self) -> tuple[str, ...]:
        """The objects this mapping has rows for, User first."""
        return tuple(o for o in OBJECTS if any(r.object == o for r in self.rows))

    def of(self, object: str = "User") -> list[Row]:
        return [row for row in self.rows if row.object == object]

    def matching(self, object: str = "User") -> list[Row]:
        """The matching attributes of `object`, by precedence (1 first)."""
        return sorted((r for r in self.of(object) if r.matching is not None),
                      key=lambda r: r.matching or 0)

    @cached_property
    def _plans(self) -> dict[str, tuple[tuple[Row, Compute], ...]]:
        """Per object, each row with the function computing its value: evaluate() runs once
        per object of a cycle, so nothing is looked up there."""
        return {object: tuple((row, self._computer(row)) for row in self.of(object))
                for object in OBJECTS}

    def _computer(self, row: Row) -> Compute:
        if row.kind == "attribute":
            name = row.source
            return lambda source, context: source.get(name)
        if row.kind == "constant":
            text = row.source
            return lambda source, context: text
        expression = self.expression(row)
        return expression.evaluate

    def value(self, row: Row, source: SourceMap[str, Any], context: Context) -> Any:
        """What `row` computes for the source object (None: no value)."""
        if row.kind == "attribute":
            return source.get(row.source)
        if row.kind == "constant":
            return row.source
        try:
            return self.expression(row).evaluate(source, context)
        except MappingError as exc:
            raise exc.at_row(row.label) from None

    def evaluate(self, source: SourceMap[str, Any], *, creating: bool, context: Context,
                 object: str = "User") -> dict[str, Any]:
        """Target path → value for every row of `object` that applies: "create" rows only when
        `creating`. A row without a value is left out — Entra does not provision nulls
        (https://learn.microsoft.com/entra/identity/app-provisioning/known-issues#null-attribute-cant-be-provisioned)
        — unless it is being created and the row has a default."""
        out: dict[str, Any] = {}
        for row, compute in self._plans.get(object, ()):
            if row.apply == "create" and not creating:
                continue
            try:
                value = compute(source, context)
            except MappingError as exc:
                raise exc.at_row(row.label) from None
            if value is None and creating:
                value = row.default
            if value is not None:
                out[row.target] = value
        return out

    def to_entra(self) -> dict[str, Any]:
        """This mapping as Entra's provisioning-schema JSON (entra.py)."""
        return entra.export(self.name, self.rows)

    def to_json(self) -> dict[str, Any]:
        """This mapping in our JSON form (schemas/data/mapping.schema.json)."""
        out: dict[str, Any] = {"name": self.name}
        if self.description:
            out["description"] = self.description
        for object in self.objects:
            out[OBJECT_KEYS[object]] = [_row_json(r) for r in self.of(object)]
        return out


def _row_json(row: Row) -> dict[str, Any]:
    out: dict[str, Any] = {"target": row.target, row.kind: row.source}
    if row.apply != "always":
        out["apply"] = row.apply
    if row.matching is not None:
        out["matching"] = row.matching
    if row.default is not None:
        out["default"] = row.default
    return out


def read(path: str | Path) -> Mapping:
    """The mapping in `path` without compiling its expressions (`Mapping.problems` lists what
    does not compile): a MappingError for a file that is missing, not JSON, or neither shape."""
    file = Path(path)
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MappingError(f"cannot read {file}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MappingError(f"{file} is not JSON: {exc}") from None
    if entra.is_export(document):
        return Mapping(file.stem, entra.read(document),
                       "imported from Entra's provisioning schema")
    return from_json(document, where=str(file))


def schema() -> Draft202012Validator:
    document = json.loads((paths.schemas() / "data" / "mapping.schema.json").read_text(
        encoding="utf-8"))
    return Draft202012Validator(document)


def from_json(document: Any, where: str = "mapping") -> Mapping:
    """A mapping from our JSON form; a MappingError listing where it breaks the schema."""
    errors = sorted(schema().iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        raise MappingError(f"{where} is not a mapping (schemas/data/mapping.schema.json): "
                           f"{first.json_path}: {first.message}")
    rows = []
    for object, key in OBJECT_KEYS.items():
        for item in document.get(key, []):
            kind = next(k for k in KINDS if k in item)
            rows.append(Row(item["target"], kind, item[kind], item.get("apply", "always"),
                            item.get("matching"), object, item.get("default")))
    return Mapping(document["name"], tuple(rows), document.get("description", ""))

