"""Masking secrets (bearer tokens, header values, URL passwords) wherever they would be shown."""

from __future__ import annotations

from collections.abc import Iterable

MASK = "***"
# Shorter secrets would mask ordinary text everywhere; tokens this short are refused anyway.
MIN_SECRET = 4
SECRET_HEADERS = ("authorization", "proxy-authorization", "cookie", "set-cookie")


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
