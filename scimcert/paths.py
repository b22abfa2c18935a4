"""Where scimcert's data lives: in a checkout, the repository root; in a wheel, scimcert/_data.

A leaf module: every layer may import it.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def root() -> Path:
    """The folder holding `schemas/`, `fixtures/` and `suites/`."""
    bundled = _PACKAGE / "_data"
    if (bundled / "schemas").is_dir():
        return bundled
    return _PACKAGE.parent


def schemas() -> Path:
    return root() / "schemas"


def fixtures() -> Path:
    return root() / "fixtures"


def suites() -> Path:
    return root() / "suites"
