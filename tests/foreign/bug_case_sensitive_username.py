"""bug_case_sensitive_username: `userName eq` is compared case-sensitively (a classic bug: the
filter is translated to a SQL `=` on a case-sensitive collation), while uniqueness is (correctly)
case-insensitive.

Modelled on bridges that push filters down to PostgreSQL without `lower()`/citext.

Deviation: RFC 7643 §4.1.1 userName is caseExact=false, and RFC 7644 §3.4.2.2 makes string
comparison follow the attribute's caseExact ("... attribute is case insensitive ..."). A real
bug; the suite must name rfc7643/4.1.1/username-eq-any-case / rfc7644/3.4.2.2/case-exact.
It still declares userName caseExact=false in /Schemas (the bug is in the query layer).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _bridge import CASE_EXACT, Bridge, make_factory


class CaseSensitiveUserName(Bridge):
    case_exact = CASE_EXACT | {"username"}


factory = make_factory(CaseSensitiveUserName)
