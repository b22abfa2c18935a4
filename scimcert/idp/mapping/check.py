"""What `scimcert mapping check` finds in a mapping before an admin saves it: the mistakes the
1Password + Entra ID guide warns about, each naming the row and why.

- userName not sourced from a routable email address (the guide: change the source from
  userPrincipalName to mail; "If you choose a different Entra ID source attribute, make sure
  it's a routable email address", https://support.1password.com/scim-entra-id/). A guest's
  UPN is `ann_example.com#EXT#@tenant.onmicrosoft.com`.
- no mapping for `active`, or one that never deactivates: "Disabling a user or removing their
  assignment in Entra ID will suspend the user in 1Password" only through IsSoftDeleted, which
  is true for an unassigned, out-of-scope, soft-deleted or disabled user
  (https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes#what-you-should-know).
- a target attribute mapped twice, an object with no matching attribute, an expression that
  does not compile, `id` as a target ("The primary key … shouldn't be included as a target").
- with the bridge's /Schemas, target attributes it does not declare; with a directory, the
  users whose userName would not be a routable address.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from scimcert.idp.mapping.context import Context
from scimcert.idp.mapping.errors import MappingError
from scimcert.idp.mapping.row import Row
from scimcert.idp.mapping.rules import Mapping
from scimcert.idp.mapping.values import truth
from scimcert.scim.schema import AttrPath, Schema
from scimcert.scim.urns import GROUP_URN, USER_URN

ERROR, WARNING = "error", "warning"
GUIDE = "https://support.1password.com/scim-entra-id/"
UPN = "userPrincipalName"
MAIL = "mail"
# Entra attributes that hold an email address people receive mail at.
EMAIL_SOURCES = (MAIL, "otherMails", "proxyAddresses")
CORE = {"User": USER_URN, "Group": GROUP_URN}
# RFC 7643 §3.1: id, externalId and meta belong to every resource without being in a schema.
COMMON = ("id", "externalId", "meta")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


@dataclass(frozen=True)
class Finding:
    level: str          # "error" or "warning"
    row: str | None     # the row's label ("User userName"), None for the mapping as a whole
    message: str

    def __str__(self) -> str:
        where = f"{self.row}: " if self.row else ""
        first, *rest = f"{self.level:<7} {where}{self.message}".split("\n")
        return "\n".join([first, *(f"{' ' * 8}{line}" for line in rest)])


def check(mapping: Mapping) -> list[Finding]:
    """Every finding about `mapping` on its own (no bridge, no directory)."""
    found = [_compile_finding(p) for p in mapping.problems()]
    found += _targets(mapping)
    found += _matching(mapping)
    if "User" in mapping.objects:
        found += _user_name(mapping)
        found += _active(mapping)
    else:
        found.append(Finding(ERROR, None, "no User rows: Entra's user mapping cannot be "
                                          "switched off"))
    return found


def _compile_finding(problem: MappingError) -> Finding:
    message = problem.message
    if problem.position is not None:
        message += f" (at character {problem.position})\n{problem.caret}"
    return Finding(ERROR, problem.row, message)


def _targets(mapping: Mapping) -> list[Finding]:
    found = []
    for object in mapping.objects:
        seen: dict[str, Row] = {}
        for row in mapping.of(object):
            key = row.target.lower()
            if key in seen:
                found.append(Finding(ERROR, row.label, f"target mapped twice (also from "
                                     f"{_source(seen[key])}): one value would overwrite the "
                                     "other"))
            seen.setdefault(key, row)
            if key == "id":
                found.append(Finding(ERROR, row.label, "id is the bridge's own identifier; "
                                     "the primary key shouldn't be a target attribute "
                                     "(customize-application-attributes, What you should "
                                     "know)"))
    return found


def _source(row: Row) -> str:
    return {"attribute": f"[{row.source}]", "constant": f'"{row.source}"'}.get(
        row.kind, row.source)


def _matching(mapping: Mapping) -> list[Finding]:
    found = []
    for object in mapping.objects:
        rows = mapping.matching(object)
        if not rows:
            found.append(Finding(ERROR, None, f"no matching attribute for {object} objects: "
                                 "Entra cannot tell whether a bridge object already exists, "
                                 "and Test Connection queries the first matching attribute"))
        ranks = [r.matching for r in rows]
        for row in rows:
            if ranks.count(row.matching) > 1:
                found.append(Finding(WARNING, row.label, f"matching precedence {row.matching} "
                                     "is shared with another row: the order is undefined"))
            if row.kind == "constant":
                found.append(Finding(ERROR, row.label, "a constant cannot be a matching "
                                     "attribute: every object would match the same one"))
    return found


def _user_name(mapping: Mapping) -> list[Finding]:
    rows = [r for r in mapping.of("User") if r.target == "userName"]
    if not rows:
        return [Finding(ERROR, None, "no mapping for userName, which SCIM requires "
                                     "(RFC 7643 §4.1.1) and 1Password uses as the email")]
    row = rows[0]
    if row.kind == "constant":
        return [Finding(ERROR, row.label, "userName is a constant: every user would get the "
                                          "same one")]
    sources = (row.source,) if row.kind == "attribute" else _attributes(mapping, row)
    if sources is None:
        return []
    if UPN in sources and MAIL not in sources:
        return [Finding(ERROR, row.label, f"sourced from {UPN}, not a routable email: a "
                        "guest's UPN is like ann_example.com#EXT#@tenant.onmicrosoft.com and a "
                        "cloud-only user's can be an onmicrosoft.com address; map userName "
                        f"from mail ({GUIDE}, step 2.2)")]
    if UPN in sources:
        return [Finding(WARNING, row.label, f"falls back to {UPN} where mail is missing: a "
                        "guest's or cloud-only user's UPN is not a routable email")]
    if not any(s in EMAIL_SOURCES for s in sources):
        return [Finding(WARNING, row.label, f"sourced from {', '.join(sources) or 'nothing'}: "
                        f"make sure it is a routable email address ({GUIDE}, step 2.2)")]
    return []


def _attributes(mapping: Mapping, row: Row) -> tuple[str, ...] | None:
    try:
        return mapping.expression(row).attributes
    except MappingError:
        return None  # reported as a compile finding


# The three states Entra's IsSoftDeleted distinguishes for a user still in the directory.
STATES = (
    ("an enabled, assigned user", {"IsSoftDeleted": False, "accountEnabled": True}),
    ("a disabled user", {"IsSoftDeleted": True, "accountEnabled": False}),
    ("an unassigned or soft-deleted user", {"IsSoftDeleted": True, "accountEnabled": True}),
)


def _active(mapping: Mapping) -> list[Finding]:
    rows = [r for r in mapping.of("User") if r.target == "active"]
    if not rows:
        return [Finding(ERROR, None, "no mapping for active: users disabled, unassigned or "
                                     "deleted in Entra would stay active in the bridge; map "
                                     'it from Switch([IsSoftDeleted], , "False", "True", '
                                     f'"True", "False") ({GUIDE})')]
    row = rows[0]
    if row.apply == "create":
        return [Finding(ERROR, row.label, "applied only during creation: a later disable or "
                                          "unassignment never reaches the bridge")]
    if row.kind == "expression" and _attributes(mapping, row) is None:
        return []
    outcomes = {}
    for name, state in STATES:
        try:
            outcomes[name] = _deactivates(mapping.value(row, state, Context()))
        except MappingError as exc:
            return [Finding(ERROR, row.label, f"cannot be computed for {name}: {exc.message}")]
    enabled, disabled, unassigned = (outcomes[name] for name, _ in STATES)
    found = []
    if enabled is True:
        found.append(Finding(ERROR, row.label, "deactivates enabled, assigned users"))
    elif enabled is None:
        found.append(Finding(WARNING, row.label, "sends no value for an enabled, assigned "
                                                 "user"))
    if disabled is not True and unassigned is not True:
        found.append(Finding(ERROR, row.label, "never deactivates: disabled, unassigned and "
                                               "soft-deleted users stay active (use "
                                               "IsSoftDeleted)"))
    elif unassigned is not True:
        found.append(Finding(WARNING, row.label, "does not deactivate unassigned or "
                                                 "soft-deleted users, only disabled ones (use "
                                                 "IsSoftDeleted)"))
    elif disabled is not True:
        found.append(Finding(WARNING, row.label, "does not deactivate disabled users"))
    return found


def _deactivates(value: Any) -> bool | None:
    """True for a value that sets active false, False for one that keeps it true, None when
    nothing is sent."""
    if value is None:
        return None
    try:
        verdict = truth(value, "active")
    except MappingError:
        return False
    return None if verdict is None else not verdict


def check_schemas(mapping: Mapping, served: Iterable[dict[str, Any]]) -> list[Finding]:
    """Target attributes the bridge's /Schemas (the `Resources` it serves) does not declare."""
    schemas = {}
    for document in served:
        if isinstance(document, dict) and isinstance(document.get("id"), str):
            schema = Schema.from_json(document)
            schemas[schema.id.lower()] = schema
    found = []
    for row in mapping.rows:
        missing = _undeclared(row, schemas)
        if missing:
            found.append(Finding(ERROR, row.label, missing))
    return found


def _undeclared(row: Row, schemas: dict[str, Schema]) -> str | None:
    target = re.sub(r"\[[^\]]*\]", "", row.target)  # emails[type eq "work"].value
    if target.lower().startswith("urn:"):
        path = AttrPath.parse(target)
    else:
        attr, _, sub = target.partition(".")
        path = AttrPath(attr, sub or None)
    urn = path.urn or CORE[row.object]
    if path.urn is None and path.attr in COMMON:
        return None
    schema = schemas.get(urn.lower())
    if schema is None:
        return f"the bridge's /Schemas does not serve {urn}"
    attr = schema.attribute(path.attr)
    if attr is None:
        return f"the bridge's /Schemas does not declare {path.attr} in {urn}"
    if path.sub and attr.sub_attributes and attr.sub(path.sub) is None:
        return f"the bridge's /Schemas does not declare {path.attr}.{path.sub} in {urn}"
    return None


def check_directory(mapping: Mapping, users: Sequence[Any]) -> list[Finding]:
    """The directory's users whose userName under `mapping` is missing, not an email address,
    a guest's #EXT# UPN, an onmicrosoft.com address, or shared with another user."""
    rows = [r for r in mapping.of("User") if r.target == "userName"]
    if not rows:
        return []
    row = rows[0]
    found = []
    taken: dict[str, str] = {}
    for user in users:
        if not isinstance(user, dict):
            continue
        who = _who(user)
        try:
            value = mapping.value(row, user, Context())
        except MappingError as exc:
            found.append(Finding(ERROR, row.label, f"{who}: {exc.message}"))
            continue
        verdict = _routable(value)
        if verdict:
            level = WARNING if verdict.startswith("an onmicrosoft") else ERROR
            found.append(Finding(level, row.label, f"{who} would get userName {value!r}: "
                                                   f"{verdict}"))
        elif str(value).lower() in taken:
            found.append(Finding(ERROR, row.label, f"{who} would get userName {value!r}, like "
                                                   f"{taken[str(value).lower()]}: Entra "
                                                   "matches both to one bridge user"))
        else:
            taken[str(value).lower()] = who
    return found


def _who(user: dict[str, Any]) -> str:
    name = user.get("displayName") or user.get(UPN) or user.get("id") or "a user"
    ident = user.get(UPN) or user.get("id")
    return f"{name} ({ident})" if ident and ident != name else str(name)


def _routable(value: Any) -> str | None:
    """Why `value` is no routable email address, or None when it is one."""
    if value is None or value == "":
        return "no value (the source attribute is empty): Entra cannot create the user"
    written = str(value)
    if "#EXT#" in written.upper():
        return "a guest's #EXT# UPN, not an address mail reaches"
    if not _EMAIL.fullmatch(written):
        return "not an email address"
    if written.lower().endswith(".onmicrosoft.com"):
        return ("an onmicrosoft.com address: the tenant's initial domain, often not where "
                "the person reads mail")
    return None
