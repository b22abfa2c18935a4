"""Where a client records its exchanges: a sink the caller passes in, never a process global.

The pytest plugin gives each test a `Tape` of its own; a long-running caller (the provisioning
simulator, a session-wide client) passes a `Ring`, which keeps only the newest exchanges.
"""

from __future__ import annotations

from collections import deque
from typing import Protocol

from scimcert.wire.exchange import Exchange


class Sink(Protocol):
    """Receives every exchange a client completes (or fails to complete)."""

    def record(self, exchange: Exchange) -> None: ...


class Tape:
    """Every exchange, in order."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []

    def record(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)

    @property
    def last(self) -> Exchange | None:
        return self.exchanges[-1] if self.exchanges else None


class Ring:
    """The newest `size` exchanges, and how many were recorded in all."""

    def __init__(self, size: int = 100) -> None:
        self.held: deque[Exchange] = deque(maxlen=size)
        self.total = 0

    def record(self, exchange: Exchange) -> None:
        self.held.append(exchange)
        self.total += 1

    @property
    def last(self) -> Exchange | None:
        return self.held[-1] if self.held else None

    def since(self, count: int) -> list[Exchange]:
        """The exchanges recorded after the first `count`, as far as they are still held."""
        fresh = max(0, min(self.total - count, len(self.held)))
        return list(self.held)[len(self.held) - fresh:]


class Discard:
    """Keeps nothing."""

    last = None

    def record(self, exchange: Exchange) -> None:
        return None
