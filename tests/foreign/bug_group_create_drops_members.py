"""bug_group_create_drops_members: POST /Groups answers 201 and stores the group without the
`members` it was sent; PATCH and PUT handle members correctly, and /Schemas declares members
readWrite.

Modelled on bridges whose create handler maps only the group's name onto the product's "create
team" call and leaves membership to the PATCH path (django-scim2's default group adapter
behaves so, see /work/notes/foreign-baseline.md D7).

Deviation: RFC 7644 §3.3 lets a server "alter and/or ignore POSTed content", so this is no MUST
violation; it breaks the round trip of a declared readWrite attribute (RFC 7643 §7, §8.7.1
members "mutability" : "readWrite") and any client creating groups with members. The suite must
report it once, under that requirement, and not as a failure of PATCH, Entra or referential
integrity requirements whose tests start from such a group.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _bridge import Bridge, make_factory


class GroupCreateDropsMembers(Bridge):
    def create(self, request, kind, body):
        if kind == "Group" and isinstance(body, dict):
            body = {key: value for key, value in body.items() if key.lower() != "members"}
        return super().create(request, kind, body)


factory = make_factory(GroupCreateDropsMembers)
