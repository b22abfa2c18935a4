"""The requirement catalogue: `fixtures/requirements/<area>.json`, validated on load."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from scimcert import paths
from scimcert.harness import validate

RFC_LEVELS = ("MUST", "SHOULD", "MAY")
SOFT_LEVELS = frozenset({"SHOULD", "MAY"})
# The kinds of document a requirement comes from (fixtures/sources/documents.json), in the order
# reports show them: RFC conformance, profiles restricting the RFCs further, IdP compatibility.
RFC, PROFILE, IDP = "rfc", "profile", "idp"
KINDS = (RFC, PROFILE, IDP)


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
    # RFC, PROFILE or IDP: the kind of document the id's prefix names; set by `load`, else taken
    # from the level (an IdP's id is an IdP requirement).
    kind: str = ""

    def __post_init__(self) -> None:
        if not self.kind:
            object.__setattr__(self, "kind", RFC if self.level in RFC_LEVELS else IDP)

    @property
    def is_rfc(self) -> bool:
        return self.kind == RFC

    @property
    def is_profile(self) -> bool:
        """From a profile (the IETF draft interop profile): graded only where claimed."""
        return self.kind == PROFILE

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


@dataclass(frozen=True)
class Document:
    """A document requirements come from: an RFC, a profile of the RFCs, or an IdP's
    documentation."""

    id: str
    name: str
    url: str


@dataclass(frozen=True)
class Sources:
    """The RFCs, profiles and IdPs of `fixtures/sources/documents.json`."""

    rfc: tuple[Document, ...]
    idp: tuple[Document, ...]
    profile: tuple[Document, ...] = ()

    @property
    def prefixes(self) -> frozenset[str]:
        return frozenset(d.id for d in (*self.rfc, *self.profile, *self.idp))

    @property
    def idps(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.idp)

    def kind(self, rid: str) -> str | None:
        """RFC, PROFILE or IDP: the kind of the document requirement `rid` starts with."""
        prefix = rid.split("/", 1)[0]
        for kind in KINDS:
            if any(d.id == prefix for d in getattr(self, kind)):
                return kind
        return None


class Catalogue:
    """All requirements by id, in file then entry order, and the documents they come from."""

    def __init__(self, requirements: list[Requirement], sources: Sources | None = None) -> None:
        self.requirements = {r.id: r for r in requirements}
        self.sources = sources or load_sources()

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


def load_sources(file: Path | None = None) -> Sources:
    """The documents requirement ids and IdP levels may name, validated against their schema."""
    file = file or paths.fixtures() / "sources" / "documents.json"
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CatalogueError(f"cannot read {file.name}: {exc}") from None
    violations = validate.violations(data, "sources", str(paths.schemas() / "data"))
    if violations:
        raise CatalogueError(f"invalid {file.name}:\n  " + "\n  ".join(map(str, violations)))
    rfc, profile, idp = (tuple(Document(d["id"], d["name"], d["url"]) for d in data.get(kind, ()))
                         for kind in KINDS)
    return Sources(rfc, idp, profile)


def load(folder: Path | None = None) -> Catalogue:
    """Read and validate every `*.json` in `folder`; raise CatalogueError naming each problem."""
    folder = folder or default_folder()
    sources = load_sources()
    levels = (*RFC_LEVELS, *sources.idps)
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
        for index, entry in enumerate(data["requirements"]):
            rid = entry["id"]
            where = f"{file.name}/requirements/{index}"
            if rid.split("/", 1)[0] not in sources.prefixes:
                problems.append(f"{where}/id: {rid} names no document of sources/documents.json")
                continue
            if entry["level"] not in levels:
                problems.append(f"{where}/level: {entry['level']!r} is neither an RFC 2119 level "
                                f"nor an IdP ({', '.join(sources.idps)})")
                continue
            if entry["level"] in sources.idps and not rid.startswith(entry["level"] + "/"):
                problems.append(f"{where}/level: {rid} is an observation of "
                                f"{rid.split('/', 1)[0]}, not of {entry['level']}")
                continue
            kind = sources.kind(rid)
            if kind != IDP and entry["level"] not in RFC_LEVELS:
                problems.append(f"{where}/level: {rid} comes from a {kind} document, whose "
                                f"levels are {', '.join(RFC_LEVELS)}")
                continue
            if rid in first_file:
                problems.append(f"{file.name}: duplicate id {rid} (first in {first_file[rid]})")
                continue
            first_file[rid] = file.name
            found.append(Requirement(rid, entry["level"], entry["section"], entry["summary"],
                                     data["area"], entry.get("source"), entry.get("quote"),
                                     entry.get("notes"), kind or RFC))
    if problems:
        raise CatalogueError("invalid requirement catalogue:\n  " + "\n  ".join(problems))
    return Catalogue(found, sources)
