"""no_discovery: /Users and /Groups in full, but 404 on /ServiceProviderConfig, /Schemas and
/ResourceTypes.

Modelled on IdP-specific bridges built for Entra ID and Okta, which never call the discovery
endpoints (their attribute mappings are configured in the IdP), so the endpoints were never
written. Filtering and PATCH work as in the control bridge.

Deviations and their legality:
- RFC 7644 §4: "An HTTP GET to the endpoint "/ServiceProviderConfig" SHALL return ...",
  "/Schemas" SHALL return all supported schemas, "/ResourceTypes" SHALL return all supported
  resource types. Missing discovery is a true MUST failure of those requirements — but only of
  those: users, groups, filter and PATCH behaviour are independent of it.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _bridge import Bridge, make_factory
from _scim import ScimError


class NoDiscovery(Bridge):
    def discovery(self, request, parts):
        raise ScimError(404, f"no endpoint /{'/'.join(parts)}")


factory = make_factory(NoDiscovery)
