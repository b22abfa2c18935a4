"""bug_case_sensitive_unadvertised: the case-sensitive `userName eq` bug of
bug_case_sensitive_username on a bridge that, like filter_unadvertised, says
filter.supported=false and answers only the lookups Entra ID and Okta send.

Modelled on Entra-facing bridges that push the IdPs' lookups down to a case-sensitive SQL
collation and leave the filter advertisement at false. Entra ID and Okta look users up by
`userName eq` without reading /ServiceProviderConfig, so the bug breaks provisioning; the suite
must name rfc7643/4.1.1/username-eq-any-case although filtering is not advertised.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _bridge import make_factory
from bug_case_sensitive_username import CaseSensitiveUserName
from filter_unadvertised import FilterUnadvertised


class CaseSensitiveUnadvertised(FilterUnadvertised, CaseSensitiveUserName):
    pass


factory = make_factory(CaseSensitiveUnadvertised)
