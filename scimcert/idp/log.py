"""The provisioning log: one entry per object and action, as Entra's provisioning logs show them
(https://learn.microsoft.com/entra/identity/monitoring-health/concept-provisioning-logs):
the action (Create, Update, Disable, Delete, Other), its status (Success, Skipped, Failure),
the error or skip code and a reason an admin can act on.

Entries stream to a `Log` the caller passes (printed, written as JSON lines, counted); nothing
here keeps them, so a cycle over a large tenant holds none but the current one.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import IO, Any, Protocol

SUCCESS = "Success"
SKIPPED = "Skipped"
FAILURE = "Failure"
STATUSES = (SUCCESS, SKIPPED, FAILURE)

CREATE = "Create"
UPDATE = "Update"
DISABLE = "Disable"
DELETE = "Delete"
OTHER = "Other"


@dataclass(frozen=True)
class Entry:
    """One provisioning event. `source` is the Entra object id (none for a connection test),
    `target` the id the target gave it; `changed` the target attributes sent; `detail` the
    target's own words (a SCIM error's detail) or what went wrong on the wire."""

    cycle: int
    object: str
    action: str
    status: str
    source: str | None = None
    target: str | None = None
    name: str | None = None
    code: str | None = None
    reason: str | None = None
    changed: tuple[str, ...] = ()
    detail: str | None = None
    http: int | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["changed"] = list(self.changed)
        return {k: v for k, v in data.items() if v not in (None, [])}

    def line(self) -> str:
        """The entry as one line of text, as `scimcert sync` prints it."""
        who = self.name or self.source or "-"
        parts = [f"cycle {self.cycle}", f"{self.object:<5}", f"{self.action:<7}",
                 f"{self.status:<7}", who]
        if self.target and self.target != who:
            parts.append(f"-> {self.target}")
        if self.changed:
            parts.append("[" + ", ".join(self.changed) + "]")
        if self.code:
            parts.append(self.code)
        if self.reason:
            parts.append(f"- {self.reason}")
        if self.detail:
            parts.append(f"({self.detail})")
        return "  ".join(parts)


class Log(Protocol):
    """Receives every entry as it happens."""

    def write(self, entry: Entry) -> None: ...


@dataclass
class Summary:
    """Counts by status, by action and status, and by code: what a run reports at its end."""

    statuses: Counter[str] = field(default_factory=Counter)
    actions: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)

    def write(self, entry: Entry) -> None:
        self.statuses[entry.status] += 1
        self.actions[(entry.object, entry.action, entry.status)] += 1
        if entry.code:
            self.codes[entry.code] += 1

    @property
    def failed(self) -> bool:
        return self.statuses[FAILURE] > 0

    def lines(self) -> list[str]:
        out = ["summary: " + ", ".join(f"{self.statuses[s]} {s.lower()}" for s in STATUSES)]
        for (obj, action, status), count in sorted(self.actions.items()):
            out.append(f"  {obj:<5} {action:<7} {status:<7} {count}")
        for code, count in sorted(self.codes.items()):
            out.append(f"  code {code}: {count}")
        return out


class Kept:
    """Every entry, in order (tests and suites read the log of a small tenant back)."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []

    def write(self, entry: Entry) -> None:
        self.entries.append(entry)

    def of(self, *, source: str | None = None, status: str | None = None,
           action: str | None = None, cycle: int | None = None,
           object: str | None = None) -> list[Entry]:
        wanted = {"source": source, "status": status, "action": action, "cycle": cycle,
                  "object": object}
        return [e for e in self.entries
                if all(v is None or getattr(e, k) == v for k, v in wanted.items())]


class JsonLines:
    """Each entry as one JSON object per line into `stream`."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, entry: Entry) -> None:
        self.stream.write(json.dumps(entry.to_json(), ensure_ascii=False) + "\n")


class Printed:
    """Each entry as a line of text into `stream`."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, entry: Entry) -> None:
        self.stream.write(entry.line() + "\n")


class Tee:
    """Every entry to each of `logs`."""

    def __init__(self, *logs: Log) -> None:
        self.logs = logs

    def write(self, entry: Entry) -> None:
        for log in self.logs:
            log.write(entry)
