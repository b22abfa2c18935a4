"""bug_active_not_stored: a PATCH or PUT setting `active` is acknowledged (the answer shows the
new value) but not stored: reads keep the old value. Creation stores `active` correctly.

Modelled on bridges where the target application has a separate "suspend" API the bridge never
calls: the SCIM layer echoes the request body back instead of re-reading the record.

Deviation: RFC 7644 §3.5.2 (PATCH modifies the resource) / §3.5.1 (PUT replaces it) and the
Entra/Okta deprovisioning flow (entra/users/soft-delete-readable). A real bug.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _bridge import Bridge, ScimResponse, make_factory


class ActiveNotStored(Bridge):
    def save(self, kind, rid, stored, created=None):
        old = self.store[kind].get(rid)
        if kind == "User" and old is not None:
            wanted = stored.get("active")
            kept = old.get("active")
            stored = {k: v for k, v in stored.items() if k != "active"}
            if kept is not None:
                stored["active"] = kept
            saved = super().save(kind, rid, stored, created)
            self.echo = wanted
            return saved
        self.echo = None
        return super().save(kind, rid, stored, created)

    def _echoed(self, response):
        body = json.loads(response.body)
        if self.echo is not None:
            body["active"] = self.echo
        return ScimResponse(body, response.status_code)

    def patch(self, request, kind, rid, body):
        return self._echoed(super().patch(request, kind, rid, body))

    def replace(self, request, kind, rid, body):
        return self._echoed(super().replace(request, kind, rid, body))


factory = make_factory(ActiveNotStored)
