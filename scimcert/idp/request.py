"""One HTTP request as data: what a dialect renders and a golden file holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Request:
    """`path` is relative to the SCIM base URL; `body` is JSON as Python data (None: no body)."""

    method: str
    path: str
    params: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    body: Any = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"method": self.method, "path": self.path}
        if self.params:
            out["params"] = [list(pair) for pair in self.params]
        if self.headers:
            out["headers"] = [list(pair) for pair in self.headers]
        if self.body is not None:
            out["body"] = self.body
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Request:
        return cls(data["method"], data["path"],
                   tuple(tuple(pair) for pair in data.get("params", [])),
                   tuple(tuple(pair) for pair in data.get("headers", [])), data.get("body"))
