"""What the plugin keeps for one pytest process, on `config.stash`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from scimcert.harness.catalogue import Catalogue
from scimcert.harness.claim import Standing, claims
from scimcert.harness.cleanup import Cleanup
from scimcert.harness.discovery import Discovery
from scimcert.harness.results import Results
from scimcert.harness.target import Target
from scimcert.wire import Ring

# Exchanges the session-wide client keeps (data sets, discovery, cleanup): enough to show the
# recent ones, never the whole run.
SESSION_EXCHANGES = 200


@dataclass
class State:
    """Everything the plugin keeps for one pytest process."""

    target: Target
    catalogue_folder: Path
    catalogue: Catalogue | None = None
    # On the process that reports (the xdist controller, or the only process).
    results: Results | None = None
    cleanup: Cleanup = field(default_factory=Cleanup)
    leftovers: list[str] = field(default_factory=list)
    # What discovery found, once it ran (the probe of a URL target, or the `spc` fixture).
    discovery: Discovery | None = None
    started: str = ""
    # The SCIM base URL as recorded exchanges show it, and the target's resource kinds by
    # endpoint once /ResourceTypes was read: what classifies each body received.
    base: str | None = None
    endpoints: dict[str, str] | None = None
    session: Ring = field(default_factory=lambda: Ring(SESSION_EXCHANGES))
    # Root causes met in this process: finding key -> the test that reported it.
    causes: dict[str, str] = field(default_factory=dict)
    # The ASGI app of an in-process target (None for a URL).
    app: Any = None
    # On the xdist controller: whether a worker read a ServiceProviderConfig claiming the
    # draft interop profile (the controller reads no discovery of its own).
    claimed: bool = False


STATE = pytest.StashKey[State]()


def state(config: pytest.Config) -> State:
    return config.stash[STATE]


def is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def catalogue(config: pytest.Config) -> Catalogue:
    """The requirement catalogue, loaded once; a broken catalogue is a usage error."""
    from scimcert.harness import catalogue as catalogue_module

    st = state(config)
    if st.catalogue is None:
        try:
            st.catalogue = catalogue_module.load(st.catalogue_folder)
        except catalogue_module.CatalogueError as exc:
            raise pytest.UsageError(str(exc)) from None
    return st.catalogue


def requirement_ids(item: Any) -> tuple[str, ...]:
    """The requirement ids `item`'s markers name."""
    return tuple(a for m in item.iter_markers("requirement") for a in m.args)


def standing(config: pytest.Config) -> Standing:
    """Where this process's run stands with the draft interop profile: asked for, or claimed in
    the ServiceProviderConfig discovery read (a target whose discovery was not read yet, or
    that serves none, claims nothing)."""
    st = state(config)
    spc = st.discovery.spc if st.discovery is not None else None
    return Standing(asked=st.target.interop, claimed=claims(spc) or st.claimed)
