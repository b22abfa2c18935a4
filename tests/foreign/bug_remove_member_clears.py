"""bug_remove_member_clears: PATCH `{"op": "remove", "path": "members", "value": [...]}` removes
every member instead of the listed ones (a classic bug: the handler only reads `path`).
`members[value eq "…"]` removal works.

Modelled on a frequently reported defect in bridges facing Entra ID, whose default dialect
removes members with a value list.

Deviation: RFC 7644 §3.5.2.2 "If the target location is a multi-valued attribute and no filter is
specified, the attribute and all values are replaced/removed" — strictly, removing all members is
what the RFC text says for a remove without filter; Entra's value list is an extension that real
IdPs rely on. So the RFC allows this answer and only the Entra requirement
(entra/groups/remove-members-by-value) should fail — an IdP-compatibility true positive.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _bridge import Bridge, make_factory


class RemoveMemberClears(Bridge):
    def patch(self, request, kind, rid, body):
        if kind == "Group" and isinstance(body, dict):
            for op in body.get("Operations") or []:
                if isinstance(op, dict) and str(op.get("op")).lower() == "remove" \
                        and str(op.get("path", "")).lower() == "members":
                    op.pop("value", None)
        return super().patch(request, kind, rid, body)


factory = make_factory(RemoveMemberClears)
