"""One recorded HTTP exchange, secrets already redacted, and how to show or replay it."""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MASK = "***"
TOKEN_VARIABLE = "$SCIM_TOKEN"
# Shorter secrets would mask ordinary text everywhere; tokens this short are refused anyway.
MIN_SECRET = 4
SECRET_HEADERS = ("authorization", "proxy-authorization", "cookie", "set-cookie")
BODY_LIMIT = 4000
# Transport boilerplate left out of rendered exchanges and reproducers.
NOISE_HEADERS = frozenset({"content-length", "host", "accept-encoding", "connection",
                           "user-agent"})


class Redactor:
    """Masks secret values wherever they appear: headers, URLs, bodies, messages."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        found = {s for s in secrets if s and len(s) >= MIN_SECRET}
        # Longest first, so a secret containing another is masked whole.
        self.secrets = tuple(sorted(found, key=len, reverse=True))

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text

    def __repr__(self) -> str:
        return f"Redactor({len(self.secrets)} secrets)"

    def with_secrets(self, *more: str | None) -> Redactor:
        return Redactor((*self.secrets, *more))

    def headers(self, items: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
        return tuple((name, self.header(name, value)) for name, value in items)

    def header(self, name: str, value: str) -> str:
        if name.lower() in SECRET_HEADERS:
            scheme, _, rest = value.partition(" ")
            return f"{scheme} {MASK}" if rest else MASK
        return self(value)


@dataclass(frozen=True)
class Exchange:
    """A request and its response (or the transport error that replaced it), redacted."""

    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: str
    status: int | None = None
    reason: str = ""
    response_headers: tuple[tuple[str, str], ...] = ()
    response_body: str = ""
    elapsed: float = 0.0
    error: str | None = None
    # "target" when the request carried the target's own token, "other" for any other credential.
    credential: str | None = None

    @property
    def title(self) -> str:
        outcome = self.error or f"{self.status} {self.reason}".strip()
        return f"{self.method} {self.url} → {outcome}"

    def render(self) -> str:
        """The exchange as text: request lines `>`, response lines `<`."""
        lines = [f"> {self.method} {self.url}"]
        lines += [f"> {name}: {value}" for name, value in self.request_headers
                  if name.lower() not in NOISE_HEADERS]
        if self.request_body:
            lines += ["> ", *(f"> {line}" for line in _clip(self.request_body).splitlines())]
        if self.error:
            lines.append(f"< (no response: {self.error})")
            return "\n".join(lines)
        lines.append(f"< {self.status} {self.reason} ({self.elapsed * 1000:.0f} ms)")
        lines += [f"< {name}: {value}" for name, value in self.response_headers]
        if self.response_body:
            lines += ["< ", *(f"< {line}" for line in _clip(self.response_body).splitlines())]
        return "\n".join(lines)

    def curl(self) -> str:
        """A shell command that replays the request; the target token stays in `$SCIM_TOKEN`."""
        parts = ["curl", "-sS", "-i", "-X", self.method]
        for name, value in self.request_headers:
            if name.lower() in NOISE_HEADERS:
                continue
            if name.lower() == "authorization" and self.credential == "target":
                parts += ["-H", f"Authorization: Bearer {TOKEN_VARIABLE}"]
                continue
            parts += ["-H", f"{name}: {value}"]
        if self.request_body:
            parts += ["--data-raw", self.request_body]
        parts.append(self.url)
        return " ".join(_quote(p) for p in parts)

    def json(self) -> Any:
        return json.loads(self.response_body)


def _quote(part: str) -> str:
    # Double quotes keep $SCIM_TOKEN expandable; everything else is quoted literally.
    if TOKEN_VARIABLE in part:
        return '"' + part.replace('"', '\\"') + '"'
    return shlex.quote(part)


def _clip(text: str) -> str:
    if len(text) <= BODY_LIMIT:
        return _pretty(text)
    return _pretty(text)[:BODY_LIMIT] + f"\n… ({len(text) - BODY_LIMIT} more characters)"


def _pretty(text: str) -> str:
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


class Tape:
    """The exchanges of the running test, and the requirements that test proves."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []
        self.requirements: tuple[str, ...] = ()

    def record(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)

    def reset(self, requirements: Iterable[str] = ()) -> None:
        self.exchanges = []
        self.requirements = tuple(requirements)

    @property
    def last(self) -> Exchange | None:
        return self.exchanges[-1] if self.exchanges else None


TAPE = Tape()
