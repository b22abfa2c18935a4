"""filter_unadvertised: ServiceProviderConfig says filter.supported=false, yet the bridge answers
the three equality filters Entra ID and Okta send (`userName eq`, `externalId eq` on users,
`displayName eq` on groups); anything else is 400 invalidFilter.

Modelled on Entra/Okta-facing bridges (many SaaS vendors' "SCIM connector" endpoints) whose
authors implemented exactly the lookups the IdPs perform and left the advertisement at its
default false because the full RFC 7644 §3.4.2.2 grammar is not there.

Deviations and their legality:
- Answering filters while advertising none: RFC 7643 §5 "filter ... supported: A Boolean value
  specifying whether or not the operation is supported"; answering some filters anyway is not
  forbidden (no MUST NOT), and refusing the rest with 400 invalidFilter is what §3.4.2.2 asks
  ("If the specified filter is not supported ... SHALL return ... 400 ... invalidFilter" — see
  §3.12 Table 9 "The specified filter syntax was invalid ... or the specified attribute and
  filter comparison combination is not supported"). Legal; honest advertisement.
"""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _bridge import Bridge, make_factory
from _scim import ScimError

ALLOWED = {"User": {"username": "userName", "externalid": "externalId"},
           "Group": {"displayname": "displayName", "externalid": "externalId"}}
EQ = re.compile(r'^\s*([A-Za-z.:]+)\s+eq\s+("(?:[^"\\]|\\.)*")\s*$', re.I)


class FilterUnadvertised(Bridge):
    features = {**Bridge.features, "filter": False}

    def parse_filter(self, kind, text):
        m = EQ.match(text)
        name = m and ALLOWED[kind].get(m[1].lower())
        if not name:
            raise ScimError(400, "only userName eq / externalId eq / displayName eq filters "
                            "are supported", "invalidFilter")
        return super().parse_filter(kind, f"{name} eq {m[2]}")


factory = make_factory(FilterUnadvertised)
