"""How an IdP's provisioning service files a target's answers, retries and quarantines, read
from its data file (fixtures/provisioning/<idp>.json, schemas/data/provisioning.schema.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

import jsonschema

from scimcert import paths


@dataclass(frozen=True)
class Verdict:
    """What a refused or failed request is logged as: its code and whether it is retried."""

    code: str
    retried: bool = False


@dataclass(frozen=True)
class Rules:
    statuses: tuple[tuple[str, Verdict], ...]
    other: dict[str, str]
    quarantine: dict[str, Any]
    retry: dict[str, Any]

    @classmethod
    @cache
    def load(cls, idp: str = "entra") -> Rules:
        file = paths.fixtures() / "provisioning" / f"{idp}.json"
        data = json.loads(file.read_text(encoding="utf-8"))
        schema = json.loads((paths.schemas() / "data" / "provisioning.schema.json")
                            .read_text(encoding="utf-8"))
        jsonschema.validate(data, schema)
        return cls(tuple((s["status"], Verdict(s["code"], s.get("retried", False)))
                         for s in data["statuses"]),
                   {name: entry["code"] for name, entry in data["other"].items()},
                   data["quarantine"], data["retry"])

    def status(self, status: int) -> Verdict:
        """The verdict of an HTTP error status: its own entry, else its class (4xx, 5xx)."""
        text = str(status)
        for pattern in (text, text[0] + "xx"):
            for known, verdict in self.statuses:
                if known == pattern:
                    return verdict
        return Verdict(self.other["unreadable"])

    def code(self, name: str) -> str:
        """The code of a non-HTTP outcome: timeout, transport, unreadable, duplicates …"""
        return self.other[name]

    def quarantined(self, *, codes: set[str], failures: int, events: int,
                    reference_failures: int = 0) -> str | None:
        """The quarantine reason after a cycle, or None. `failures` and `events` exclude
        reference (manager, member) updates, which count only towards the absolute cap."""
        rules = self.quarantine
        if codes & set(rules["immediate"]):
            return rules["immediateReason"]
        if failures + reference_failures >= rules["absolute"]:
            return rules["totalReason"]
        if failures < rules["evaluateFrom"]:
            return None
        if failures > rules["failures"]:
            return rules["totalReason"]
        if events and failures / events > rules["proportion"]:
            return rules["escrowReason"]
        return None
