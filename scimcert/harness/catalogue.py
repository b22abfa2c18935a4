"""The requirement catalogue: `fixtures/requirements/<area>.json`, validated on load."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from scimcert import paths
from scimcert.harness import validate

RFC_LEVELS = ("MUST", "SHOULD", "MAY")
IDP_LEVELS = ("entra", "okta", "1password")
SOFT_LEVELS = frozenset({"SHOULD", "MAY"})


class CatalogueError(ValueError):
    """The catalogue data is invalid: schema violation, duplicate id, unreadable file."""


@dataclass(frozen=True)
class Requirement:
    id: str
    level: str
    section: str
    summary: str
    area: str
    source: str | None = None
    quote: str | None = None
    notes: str | None = None

    @property
    def is_rfc(self) -> bool:
        return self.level in RFC_LEVELS

    @property
    def soft(self) -> bool:
        """A SHOULD or MAY: not meeting it is a deviation, not a failure."""
        return self.level in SOFT_LEVELS

    def label(self) -> str:
        return f"{self.id} ({self.level}): {self.summary}"

    def citation(self) -> list[str]:
        """The requirement as a failure states it: label, the sentence behind it, the link."""
        lines = [self.label()]
        if self.quote:
            lines.append(f'  {self.section}: "{self.quote}"')
        if self.source:
            lines.append(f"  {self.source}")
        return lines


class Catalogue:
    """All requirements by id, in file then entry order."""

    def __init__(self, requirements: list[Requirement]) -> None:
        self.requirements = {r.id: r for r in requirements}

    def __contains__(self, rid: object) -> bool:
        return rid in self.requirements

    def __iter__(self) -> Iterator[Requirement]:
        return iter(self.requirements.values())

    def __len__(self) -> int:
        return len(self.requirements)

    def get(self, rid: str) -> Requirement | None:
        return self.requirements.get(rid)

    def areas(self) -> list[str]:
        return list(dict.fromkeys(r.area for r in self))

    def in_area(self, area: str) -> list[Requirement]:
        return [r for r in self if r.area == area]


def default_folder() -> Path:
    return paths.fixtures() / "requirements"


def load(folder: Path | None = None) -> Catalogue:
    """Read and validate every `*.json` in `folder`; raise CatalogueError naming each problem."""
    folder = folder or default_folder()
    problems: list[str] = []
    found: list[Requirement] = []
    first_file: dict[str, str] = {}
    for file in sorted(folder.glob("*.json")):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except ValueError as exc:
            problems.append(f"{file.name}: not JSON ({exc})")
            continue
        violations = validate.violations(data, "requirements", str(paths.schemas() / "data"))
        if violations:
            problems += [f"{file.name}{v.pointer}: {v.message}" for v in violations]
            continue
        for entry in data["requirements"]:
            rid = entry["id"]
            if rid in first_file:
                problems.append(f"{file.name}: duplicate id {rid} (first in {first_file[rid]})")
                continue
            first_file[rid] = file.name
            found.append(Requirement(rid, entry["level"], entry["section"], entry["summary"],
                                     data["area"], entry.get("source"), entry.get("quote"),
                                     entry.get("notes")))
    if problems:
        raise CatalogueError("invalid requirement catalogue:\n  " + "\n  ".join(problems))
    return Catalogue(found)
