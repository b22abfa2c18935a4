"""optional_refused: a bridge that stores e-mail addresses only and refuses `emails[].type`.

Modelled on products whose user record has a single list of e-mail addresses with no labels
(several HR and chat products expose exactly this through SCIM): the bridge declares `emails`
with `value` and `primary` only in its /Schemas and answers 400 invalidValue when a create,
replace or PATCH carries `emails[].type`, rather than silently dropping the label. Otherwise
decent: filtering and PATCH advertised, sort/etag/bulk not.

Deviations and their legality:
- Refusing an undeclared sub-attribute: RFC 7643 §2 lets a provider support a subset of the
  schema ("SCIM service providers MAY ... extend"/attributes are optional), RFC 7644 §3.3 says
  the provider "is free to alter and/or ignore POSTed content"; a 400 invalidValue for content it
  cannot store is a client error (§3.12 Table 9 "A required value was missing, or the value
  specified was not compatible with the operation or attribute type"). Legal, though
  ignoring would be the friendlier choice. Its /Schemas is honest about it.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _bridge import USER_CORE, Bridge, attr, make_factory, multi
from _scim import ScimError

USER = [multi("emails", attr("value"), attr("primary", "boolean"))
        if a["name"] == "emails" else a for a in USER_CORE]


class OptionalRefused(Bridge):
    user_core = USER

    def clean(self, kind, body):
        if kind == "User" and isinstance(body, dict):
            for key, value in body.items():
                if key.lower() == "emails" and isinstance(value, list) and any(
                        isinstance(e, dict) and any(k.lower() == "type" for k in e)
                        for e in value):
                    raise ScimError(400, "emails[].type is not supported: this directory "
                                    "stores e-mail addresses only", "invalidValue")
        return super().clean(kind, body)


factory = make_factory(OptionalRefused)
