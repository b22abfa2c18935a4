"""The limits of the reference bridge, which it both enforces and advertises (RFC 7643 §5).

The pipeline pages with them, bulk counts operations against them and discovery publishes them in
/ServiceProviderConfig, so all three read this one value.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """Limits and switches the bridge enforces and advertises in /ServiceProviderConfig."""

    max_payload: int = 1_048_576
    max_results: int = 1000
    max_operations: int = 1000
    default_count: int = 100
    auth: bool = True
    # Whether the bridge claims the draft interop profile (interopProfileConformant, its §4).
    interop: bool = False
