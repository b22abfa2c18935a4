"""Every requirement and every suite test is shown able to fail: some defective bridge fails it,
and fails each suite test function at a check of its own (not at a step it needed).

"A check that cannot fail is a defect" — so a requirement may not enter the catalogue without a
broken bridge (tests/broken/bridges/) or a vendor bridge (tests/vendor/bridge.py, for rules only
vendor attributes exercise) whose @defect names it and whose tests prove its checks fail.
"""

import pytest

from scimcert.harness import catalogue
from scimcert.harness.runner import collect_mapping
from tests.broken.bridges.registry import declared, defects
from tests.broken.report import function
from tests.vendor import bridge


def _proven() -> set[str]:
    return {r for d in [*defects(), *declared(bridge)] if d.caught for r in d.requirements}


def test_every_requirement_has_a_defect_that_fails_it():
    unproven = sorted(r.id for r in catalogue.load() if r.id not in _proven())
    assert unproven == [], f"requirements no broken bridge fails: {unproven}"


@pytest.fixture(scope="module")
def suite_functions() -> set[str]:
    mapping, problems = collect_mapping()
    assert problems == []
    return {function(nodeid) for tests in mapping.values() for nodeid in tests}


def test_every_suite_test_fails_at_its_own_check_on_some_defect(suite_functions):
    proven = {t for d in [*defects(), *declared(bridge)] if d.caught for t in d.proves}
    unproven = sorted(suite_functions - proven)
    assert unproven == [], f"{len(unproven)} suite tests no broken bridge fails: {unproven}"


def test_proofs_name_suite_tests_that_exist(suite_functions):
    named = {t for d in [*defects(), *declared(bridge)] for t in d.proves}
    assert sorted(named - suite_functions) == []
