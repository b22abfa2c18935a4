"""Fixtures of the users suite: run names for suite data, reads and PATCH requests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from scimcert.harness.messages import fill


@pytest.fixture
def named(target) -> Callable[[Any], Any]:
    """Fills suite data with this run's prefix and email domain."""
    names = {"run": target.run_id, "domain": target.email_domain}
    return lambda value: fill(value, names)




