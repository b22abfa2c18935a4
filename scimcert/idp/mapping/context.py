"""What an expression takes from outside the source object: the clock (Now) and randomness
(Guid, RandomString), both fixed in tests so an evaluation can be replayed."""

from __future__ import annotations

import random as _random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Context:
    """The clock and the random source of an evaluation.

    `now` returns an aware datetime (a naive one is read as UTC). `random` is drawn from by Guid
    and RandomString; the default is a fresh `Random(0)`, so two default contexts draw the same
    values. App roles come from the source object itself: SingleAppRoleAssignment and
    AppRoleAssignmentsComplex read the `appRoleAssignments` attribute they are given, a list of
    {"id", "displayName", "value"}.
    """

    now: Callable[[], datetime] = _utc_now
    random: _random.Random = field(default_factory=lambda: _random.Random(0))
