"""Fixtures of the users suite: run names for suite data, reads and PATCH requests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from scimcert.harness.messages import fill


@pytest.fixture
def named(make, target) -> Callable[[Any], Any]:
    """Fills suite data with a prefix of this test's own and the email domain: values that must
    be unique (userName, emails, externalId) never collide with another test's."""
    names = {"run": f"{make.tag()}-", "domain": target.email_domain}
    return lambda value: fill(value, names)
