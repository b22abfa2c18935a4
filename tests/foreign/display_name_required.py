"""display_name_required: every user must carry `displayName` (400 invalidValue without it), and
the bridge's /Schemas declares User displayName `required: true`.

Modelled on products whose account model has a mandatory full-name field (1Password, Slack and
many HR systems require a display name), surfaced honestly in the schema.

Deviations and their legality:
- RFC 7643 §4.1.1 declares displayName optional in the core schema, but §2 / §7 let a service
  provider publish its own characteristics ("required ... A Boolean value that specifies whether
  or not the attribute is required") through /Schemas, and RFC 7644 §3.3 lets it refuse a create
  it cannot honour (400 invalidValue, §3.12). Legal; declared.
- Consequence to expect: PATCH remove of displayName and PUT without it are refused (400) — the
  attribute is required, so the suite must not expect a remove to succeed.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _bridge import USER_CORE, Bridge, make_factory

USER = [{**a, "required": True} if a["name"] == "displayName" else a for a in USER_CORE]


class DisplayNameRequired(Bridge):
    user_core = USER


factory = make_factory(DisplayNameRequired)
