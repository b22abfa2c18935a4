"""`--scim-dialect` (SCIM_DIALECT) chooses the dialects suites/provisioning replays."""

from __future__ import annotations

import subprocess
import sys

import pytest

from scimcert import paths
from scimcert.harness.target import SettingError, parse_dialects
from tests.inner import environment


def collected(*args: str, env: dict[str, str] | None = None) -> list[str]:
    clean = environment()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(paths.suites() / "provisioning"), "-p",
         "no:cacheprovider", "--collect-only", "-q", *args], cwd=paths.root(),
        env={**clean, **(env or {})}, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return [line for line in done.stdout.splitlines() if "::" in line]


def test_dialect_names_and_aliases_are_read_as_names():
    assert parse_dialects("Azure, okta  rfc") == ("entra", "okta", "rfc")


def test_an_unknown_dialect_is_one_clear_error():
    with pytest.raises(SettingError, match="unknown dialect 'google'"):
        parse_dialects("google")


def test_only_the_chosen_dialects_are_replayed():
    ids = collected("--scim-dialect", "okta")
    assert ids and all(i.endswith("-okta]") for i in ids)
    # Entra's provisioning cycles (test_sync.py) are Entra's, so they go with it.
    assert not any("test_sync.py" in i for i in ids)
    assert any("test_sync.py" in i for i in collected("--scim-dialect", "entra"))
    every = collected()
    assert len(every) > len(ids)


def test_the_environment_chooses_too():
    ids = collected(env={"SCIM_DIALECT": "entra-flagged"})
    assert ids and all(i.endswith("-entra-flagged]") for i in ids)
