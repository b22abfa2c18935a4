"""Every requirement is shown able to fail: some defective bridge fails it.

"A check that cannot fail is a defect" — so a requirement may not enter the catalogue without a
broken bridge (fixtures/broken/defects.json) or a vendor bridge (fixtures/broken/vendor.json,
for rules only vendor attributes exercise) whose tests prove its checks fail.
"""

import json

from scimcert import paths
from scimcert.harness import catalogue


def _proven() -> set[str]:
    proven: set[str] = set()
    for name in ("defects.json", "vendor.json"):
        data = json.loads((paths.fixtures() / "broken" / name).read_text(encoding="utf-8"))
        proven.update(r for d in data["defects"] if d.get("caught", True)
                      for r in d["requirements"])
    return proven


def test_every_requirement_has_a_defect_that_fails_it():
    unproven = sorted(r.id for r in catalogue.load() if r.id not in _proven())
    assert unproven == [], f"requirements no broken bridge fails: {unproven}"
