"""Fixtures of the groups suite: the member ids a group lists."""

from __future__ import annotations

from collections.abc import Callable

import pytest


@pytest.fixture
def member_ids(read) -> Callable[[str], set[str]]:
    """The ids listed in `members` of a group."""

    def ids(group_id: str) -> set[str]:
        return {m.get("value") for m in read(f"/Groups/{group_id}").get("members") or []
                if isinstance(m, dict)}

    return ids
