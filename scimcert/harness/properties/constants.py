"""A search that depends on the seed alone.

Since 6.131 hypothesis now and then draws a constant found in the source of the modules a
process has loaded from outside site-packages: scimcert itself (in a checkout), the suites, the
project's conftest files. Which modules those are depends on what the run collected, so one
seed drew different examples in a run of every suite and in a run of one file: a defect found
by the narrowed run was missed by the full one, and a replay with `--scim-seed` could search
elsewhere than the run it replays. The property suites search without those constants (the
global ones hypothesis always uses stay), so a seed means the same examples in every run.

Hypothesis has no setting for this; `seed_only()` swaps the provider's per-instance lookup for an
empty pool while a search runs, and leaves hypothesis as it was if its internals moved
(tests/harness/test_properties.py fails then, so the change is seen).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

try:
    from hypothesis.internal.conjecture import providers
except ImportError:  # pragma: no cover - a hypothesis without the module has no local constants
    providers = None  # type: ignore[assignment]

ATTRIBUTE = "_local_constants"


def available() -> bool:
    """Whether this hypothesis draws local constants in a way `seed_only()` can switch off."""
    provider = getattr(providers, "HypothesisProvider", None)
    return provider is not None and ATTRIBUTE in vars(provider) \
        and hasattr(providers, "Constants") and hasattr(providers, "CONSTANTS_CACHE")


@contextmanager
def seed_only() -> Iterator[None]:
    """Searches inside draw no constant from the loaded modules."""
    if not available():
        yield
        return
    provider = providers.HypothesisProvider
    original = vars(provider)[ATTRIBUTE]
    cache = providers.CONSTANTS_CACHE
    # The cache of permitted constants per choice type holds the local pool as last computed.
    cache.cache.clear()
    setattr(provider, ATTRIBUTE, providers.Constants())
    try:
        yield
    finally:
        setattr(provider, ATTRIBUTE, original)
        cache.cache.clear()
