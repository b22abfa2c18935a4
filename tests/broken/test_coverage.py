"""Every requirement is shown able to fail: some defective bridge fails it.

"A check that cannot fail is a defect" — so a requirement may not enter the catalogue without a
broken bridge (tests/broken/bridges/) or a vendor bridge (tests/vendor/bridge.py, for rules only
vendor attributes exercise) whose @defect names it and whose tests prove its checks fail.
"""

from scimcert.harness import catalogue
from tests.broken.bridges.registry import declared, defects
from tests.vendor import bridge


def _proven() -> set[str]:
    return {r for d in [*defects(), *declared(bridge)] if d.caught for r in d.requirements}


def test_every_requirement_has_a_defect_that_fails_it():
    unproven = sorted(r.id for r in catalogue.load() if r.id not in _proven())
    assert unproven == [], f"requirements no broken bridge fails: {unproven}"
