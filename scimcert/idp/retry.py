"""Sending with back-off: a 429 or 5xx answer is tried again after the target's `Retry-After`
(RFC 9110 §10.2.3: seconds, or an HTTP date) or, without one, after a wait doubling from the
policy's base; the last answer is returned when the attempts run out. The sleep is injected, so
tests do not wait."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from scimcert.idp.rules import Rules


@dataclass
class Retrier:
    """Calls `send` until it answers something other than a retried status, at most `attempts`
    times. `waited` is the total of the waits (reported, never asserted against a clock)."""

    rules: Rules
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    waited: float = 0.0
    retries: int = 0

    def __call__(self, send: Callable[[], httpx.Response]) -> httpx.Response:
        policy = self.rules.retry
        for attempt in range(1, policy["attempts"] + 1):
            response = send()
            if not self.retried(response.status_code) or attempt == policy["attempts"]:
                return response
            wait = self.wait(response, attempt)
            self.retries += 1
            self.waited += wait
            self.sleep(wait)
        raise AssertionError("unreachable: the loop returns on its last attempt")

    def retried(self, status: int) -> bool:
        return status >= 400 and self.rules.status(status).retried

    def wait(self, response: httpx.Response, attempt: int) -> float:
        policy = self.rules.retry
        asked = after(response.headers.get("retry-after"), self.now())
        wait = asked if asked is not None else policy["base"] * 2 ** (attempt - 1)
        return min(max(wait, 0.0), policy["longest"])


def after(value: str | None, now: datetime) -> float | None:
    """The seconds a Retry-After value asks for, or None when absent or unreadable."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max((moment - now).total_seconds(), 0.0)
