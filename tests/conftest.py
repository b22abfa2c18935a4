"""The self-tests start pytest and scimcert in subprocesses by the hundred. Each would compile and
assertion-rewrite the same ~150 modules again where PYTHONDONTWRITEBYTECODE is set (as in many
CI images): 2-3 s of CPU a subprocess, a third of the whole run. They share one bytecode cache
instead, outside the tree (a cached file is checked against its source's mtime, so a stale one is
never used; concurrent writers replace files atomically)."""

import os
import tempfile
from pathlib import Path


def pytest_configure() -> None:
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ.setdefault("PYTHONPYCACHEPREFIX",
                          str(Path(tempfile.gettempdir()) / "scimcert-pycache"))
