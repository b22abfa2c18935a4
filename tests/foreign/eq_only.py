"""eq_only: filtering advertised, but only `eq` joined by `and`; every other operator (ne, co,
sw, ew, gt, ge, lt, le, pr) and `or`/`not` answer 400 invalidFilter "operator not supported".
Paging (startIndex/count/totalResults) is correct.

Modelled on bridges backed by a key-value or document store with equality indexes only
(e.g. DynamoDB- or LDAP-equality-backed SCIM gateways).

Deviations and their legality:
- Advertising filter.supported=true while supporting only part of the grammar: RFC 7644
  §3.4.2.2 lists the operators a filter uses but §3.12 Table 9 defines invalidFilter for "the
  specified filter syntax was invalid ... or the specified attribute and filter comparison
  combination is not supported". RFC 7643 §5 has no per-operator flag. So refusing `sw` with
  400 invalidFilter is a permitted answer; a suite may report reduced capability, but a MUST
  failure of every test that *uses* `sw` for another purpose is a false alarm.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _bridge import Bridge, make_factory


class EqOnly(Bridge):
    operators = ("eq",)
    logical = ("and",)


factory = make_factory(EqOnly)
