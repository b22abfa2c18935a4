"""Two small runs the report tests read: the same suites against the reference bridge and
against a bridge whose creates answer 200 (a root cause blocking most tests, failed checks with
their reproducers, every scenario failing in the matrix), each with its report and allure
results. Small on purpose: one users module, the canary and rehire scenarios in every dialect."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.broken.report import run_suites

TOKEN = "report-token-7f3b1c"
SUITES = ("users/test_create.py", "provisioning")
KEYWORD = "test_create or canary or rehire"
BROKEN = "tests/broken/bridges/users.py:created_answers_200"


def run(folder: Path, *args: str) -> tuple[Path, str]:
    _, output = run_suites(folder, "-k", KEYWORD, "--scim-token", TOKEN,
                           f"--alluredir={folder / 'allure-results'}", *args, suites=SUITES)
    assert (folder / "conformance.json").is_file(), output
    return folder, output


@pytest.fixture(scope="session")
def clean(tmp_path_factory) -> tuple[Path, str]:
    return run(tmp_path_factory.mktemp("clean"))


@pytest.fixture(scope="session")
def broken(tmp_path_factory) -> tuple[Path, str]:
    return run(tmp_path_factory.mktemp("broken"), "--scim-app", BROKEN)
