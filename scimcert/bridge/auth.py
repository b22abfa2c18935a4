"""Bearer-token authentication (RFC 6750 §2.1) with constant-time comparison."""

from __future__ import annotations

import hmac
from collections.abc import Iterable

REALM = 'Bearer realm="scimcert"'


class Bearer:
    """Accepts an `Authorization: Bearer <token>` header carrying one of the configured tokens."""

    def __init__(self, tokens: Iterable[str]) -> None:
        self._tokens = tuple(t.encode("utf-8") for t in tokens)
        if not self._tokens:
            raise ValueError("at least one bearer token is needed")

    def __repr__(self) -> str:
        return f"Bearer(<{len(self._tokens)} token(s)>)"

    def accepts(self, header: bytes | None) -> bool:
        """True when `header` is a bearer credential equal to a configured token.

        Every token is compared, with no early exit, so timing does not tell which one matched
        or how many there are to try. The scheme is case-insensitive (RFC 7235 §2.1).
        """
        if header is None:
            return False
        scheme, _, credential = header.strip().partition(b" ")
        if scheme.lower() != b"bearer":
            return False
        credential = credential.strip()
        matched = False
        for token in self._tokens:
            matched |= hmac.compare_digest(credential, token)
        return matched and bool(credential)
