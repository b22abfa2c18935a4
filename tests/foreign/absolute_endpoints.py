"""absolute_endpoints: conformant, but /ResourceTypes name each `endpoint` by its absolute path
(`/scim/v2/Users`) and every meta.location (resources and discovery documents) is an absolute URL.

Modelled on bridges generated from an OpenAPI/routing table (and on some Java SCIM toolkits)
that print the route they registered instead of the path relative to the base URL.

Deviations and their legality:
- RFC 7643 §6: endpoint is "The resource type's HTTP-addressable endpoint relative to the Base
  URL of the service provider, e.g., "Users"" (the §8.6 example prints "/Users"). Read with
  RFC 3986 §5.2, `/scim/v2/Users` is a relative reference (absolute-path form) that resolves
  against https://host/scim/v2/ to the right URL, while naive concatenation with the base URL
  does not. Two readings: "relative to the Base URL" most naturally means "Users"/"/Users",
  so this is at best a questionable-but-resolvable value; a client that resolves per RFC 3986
  finds the endpoint. Graded here as a SHOULD-style interoperability risk, not a MUST failure.
- meta.location absolute: RFC 7643 §3.1 "location: The URI of the resource being returned";
  an absolute URI is what the RFC examples show. Legal.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _bridge import Bridge, make_factory


class AbsoluteEndpoints(Bridge):
    def resource_type_docs(self, request):
        docs = super().resource_type_docs(request)
        root = f"{request.base_url}{self.base.strip('/')}"
        for doc in docs:
            doc["endpoint"] = f"{self.base}{doc['endpoint']}"
            doc["meta"]["location"] = f"{root}/ResourceTypes/{doc['id']}"
        return docs

    async def dispatch(self, request):
        self.root = f"{request.base_url}{self.base.strip('/')}"
        return await super().dispatch(request)

    def schema_docs(self):
        docs = super().schema_docs()
        for doc in docs:
            doc["meta"]["location"] = f"{self.root}/Schemas/{doc['id']}"
        return docs

    def spc_doc(self):
        doc = super().spc_doc()
        doc["meta"]["location"] = f"{self.root}/ServiceProviderConfig"
        return doc


factory = make_factory(AbsoluteEndpoints)
