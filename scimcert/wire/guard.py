"""The read-only guard: the requests that change a target, refused on a read-only run."""

from __future__ import annotations

import httpx

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class WritesNotAllowed(RuntimeError):
    """A write was attempted against a target the run may only read."""


def is_write(method: str, url: str) -> bool:
    # RFC 7644 §3.4.3: POST to a ".search" endpoint is a query and changes nothing.
    if method == "POST" and httpx.URL(url).path.rstrip("/").endswith("/.search"):
        return False
    return method in WRITE_METHODS
