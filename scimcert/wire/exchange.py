"""One recorded HTTP exchange, secrets already redacted, and how to show or replay it."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from typing import Any

TOKEN_VARIABLE = "$SCIM_TOKEN"
BODY_LIMIT = 4000
# Transport boilerplate left out of rendered exchanges and reproducers.
NOISE_HEADERS = frozenset({"content-length", "host", "accept-encoding", "connection",
                           "user-agent"})


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
        data = json.loads(text)
    except (ValueError, RecursionError):
        # RecursionError: nested deeper than the parser goes; shown as sent.
        return text
    pretty = json.dumps(data, indent=2, ensure_ascii=False)
    try:
        pretty.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (a JSON escape such as \ud800) cannot be printed: keep it escaped.
        return json.dumps(data, indent=2)
    return pretty
