"""Index-based paging of query results (RFC 7644 §3.4.2.4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from scimcert.scim.errors import INVALID_VALUE, bad_request
from scimcert.scim.urns import LIST_RESPONSE_URN

T = TypeVar("T")


def page_params(start_index: str | int | None, count: str | int | None, *,
                default_count: int, max_count: int) -> tuple[int, int]:
    """`(startIndex, count)` as the service provider applies them.

    RFC 7644 §3.4.2.4: startIndex is 1-based and a value below 1 is taken as 1; a negative
    count is taken as 0; the provider returns no more than its maximum.
    """
    start = max(_integer(start_index, "startIndex", 1), 1)
    size = max(_integer(count, "count", default_count), 0)
    return start, min(size, max_count)


@dataclass(frozen=True)
class Page:
    """One page of a result list: `count` items from the 1-based `start_index`."""

    start_index: int = 1
    count: int = 100

    @classmethod
    def of(cls, start_index: str | int | None, count: str | int | None, *,
           default_count: int, max_count: int) -> Page:
        start, size = page_params(start_index, count, default_count=default_count,
                                  max_count=max_count)
        return cls(start, size)

    def take(self, items: Sequence[T]) -> list[T]:
        first = self.start_index - 1
        return list(items[first:first + self.count])

    def list_response(self, items: Sequence[dict], total: int | None = None) -> dict[str, Any]:
        """The ListResponse (RFC 7644 §3.4.2) for this page of `items`, the whole result list."""
        return list_response(self.take(items), total=len(items) if total is None else total,
                             start_index=self.start_index)


def list_response(resources: list[dict], *, total: int | None = None,
                  start_index: int = 1) -> dict[str, Any]:
    """A ListResponse (RFC 7644 §3.4.2) holding `resources`, one page of `total` results (all
    of them by default)."""
    return {
        "schemas": [LIST_RESPONSE_URN],
        "totalResults": len(resources) if total is None else total,
        "startIndex": start_index,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


def _integer(value: str | int | None, name: str, default: int) -> int:
    if value is None or value == "":
        return default
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] in "+-" else text
        if digits.isascii() and digits.isdigit():
            return int(text)
    raise bad_request(INVALID_VALUE, f"{name} must be an integer, got {value!r}")
