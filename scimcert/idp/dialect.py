"""IdP dialects: one intent rendered into the exact requests an IdP sends.

A dialect is data (fixtures/dialects/<name>.json, schemas/data/dialect.schema.json): its name and
aliases, the headers it always sends, its `shape` (how it spells each kind of request) and its
quirks, each with the public page that shows it, the catalogue requirement it makes a bridge
meet and the bridge tolerance (scimcert/scim/tolerance.py) that accepts it. The render functions
below read the shape; no dialect has code of its own.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from scimcert import paths
from scimcert.idp.attributes import place, read
from scimcert.idp.intent import PERSON, Intent
from scimcert.idp.request import Request
from scimcert.scim.urns import ENTERPRISE_URN, GROUP_URN, PATCH_OP_URN, USER_URN
from scimcert.wire import json_of

# Neutral Person attributes → the SCIM attribute path a PATCH names them by. A Person may also
# carry any other attribute by its SCIM path (a mapping's target, `title`,
# `addresses[type eq "work"].locality` …): a dialect sends it under that path.
PATHS = {
    "userName": "userName", "externalId": "externalId", "displayName": "displayName",
    "givenName": "name.givenName", "familyName": "name.familyName",
    "email": 'emails[type eq "work"].value', "preferredLanguage": "preferredLanguage",
    "employeeNumber": f"{ENTERPRISE_URN}:employeeNumber",
    "department": f"{ENTERPRISE_URN}:department", "manager": f"{ENTERPRISE_URN}:manager",
}


@dataclass(frozen=True)
class Quirk:
    name: str
    says: str
    source: str
    requirement: str | None = None
    tolerance: str | None = None
    shape: str | None = None

    def explained(self, dialect: str) -> list[str]:
        """What the quirk is, where it is documented, and the bridge tolerance that takes it."""
        lines = [f"{dialect}'s quirk {self.name!r} ({self.says}); source: {self.source}"]
        if self.tolerance:
            lines.append(f"  a bridge accepts it with the tolerance {self.tolerance!r} "
                         "(scimcert/scim/tolerance.py)")
        return lines


@dataclass(frozen=True)
class Dialect:
    name: str
    aliases: tuple[str, ...]
    description: str
    headers: tuple[tuple[str, str], ...]
    shape: dict[str, Any]
    quirks: tuple[Quirk, ...]
    idp: str | None = None

    @classmethod
    def load(cls, name: str) -> Dialect:
        """The dialect called `name` or one of its aliases (any case)."""
        wanted = name.strip().lower()
        for data in _all().values():
            if wanted == data["name"] or wanted in data.get("aliases", []):
                return cls(data["name"], tuple(data.get("aliases", [])), data["description"],
                           tuple(data.get("headers", {}).items()), data["shape"],
                           tuple(Quirk(**q) for q in data.get("quirks", [])),
                           data.get("idp"))
        raise KeyError(f"unknown dialect {name!r}; one of {', '.join(names())}")

    def render(self, intent: Intent) -> list[Request]:
        """The requests this IdP sends for `intent`, in order."""
        return [Request(r.method, r.path, r.params, self.headers + r.headers, r.body)
                for r in RENDER[intent.kind](self, intent.args)]

    @property
    def creates_groups_empty(self) -> bool:
        """Whether a group's first members are added by a PATCH after its create."""
        return self.shape["group_create"] != "with-members"

    def without(self, quirk: Quirk) -> Dialect:
        """This dialect with `quirk` spelled as the strict RFC client spells it."""
        plain = Dialect.load("rfc").shape
        shape = {k: v for k, v in self.shape.items() if k != quirk.shape}
        if quirk.shape in plain:
            shape[quirk.shape] = plain[quirk.shape]
        return replace(self, shape=shape)

    def refused(self, intent: Intent, send: Callable[[Request], Any],
                created: Callable[[str, str], None] | None = None) -> tuple[Quirk, ...]:
        """The quirks a target refused when `intent` was sent as this dialect renders it: the
        first whose removal alone lets the intent through, else the fewest, taken in the
        dialect's order, whose removal together does (Entra's "Replace" with "False" needs
        two). `send(request)` sends one request and answers its response; what a re-sent
        create makes is told to `created(endpoint, id)`, for cleanup. Call it only after a
        4xx, which leaves the resource unchanged (RFC 7644 §3.5.2), so the intent can be sent
        again."""
        sent = self.render(intent)

        def goes_through(plain: Dialect) -> bool:
            for request in plain.render(intent):
                resp = send(request)
                if not resp.is_success:
                    return False
                body = json_of(resp) if request.method == "POST" else None
                if created is not None and isinstance(body, dict) \
                        and isinstance(body.get("id"), str):
                    created(request.path.split("?")[0], body["id"])
            return True

        in_play = [q for q in self.quirks
                   if q.shape is not None and self.without(q).render(intent) != sent]
        for quirk in in_play:
            if goes_through(self.without(quirk)):
                return (quirk,)
        plain = self
        for count, quirk in enumerate(in_play, start=1):
            plain = plain.without(quirk)
            if count > 1 and goes_through(plain):
                return tuple(in_play[:count])
        return ()

    # -- spelling

    def op(self, name: str) -> str:
        return name.capitalize() if self.shape["op_case"] == "capitalised" else name

    def boolean(self, value: bool) -> Any:
        return ("True" if value else "False") if self.shape["booleans"] == "strings" else value

    def patch(self, *operations: dict[str, Any]) -> dict[str, Any]:
        return {"schemas": [PATCH_OP_URN], "Operations": list(operations)}

    def lookup(self, endpoint: str, attribute: str, value: str,
               extra: dict[str, str] | None = None) -> Request:
        text = value.replace("\\", "\\\\").replace('"', '\\"')
        params = [*(extra or {}).items(), ("filter", f'{attribute} eq "{text}"'),
                  *self.shape.get("lookup_params", {}).items()]
        return Request("GET", endpoint, tuple(params))



def names() -> list[str]:
    """Every dialect's name, in the order of their file names."""
    return [data["name"] for data in _all().values()]


@cache
def _all() -> dict[str, dict[str, Any]]:
    files = sorted((paths.fixtures() / "dialects").glob("*.json"), key=lambda f: f.stem)
    return {f.stem: json.loads(f.read_text(encoding="utf-8")) for f in files}


# -- users


def person_body(d: Dialect, person: dict[str, Any]) -> dict[str, Any]:
    """The SCIM User a dialect creates for a neutral Person (RFC 7643 §4.1, §4.3)."""
    body: dict[str, Any] = {"schemas": [USER_URN, *d.shape.get("user_schemas", [])],
                            "userName": person["userName"]}
    for key in ("externalId", "displayName", "preferredLanguage"):
        if key in person:
            body[key] = person[key]
    name = {k: person[k] for k in ("givenName", "familyName") if k in person}
    if name:
        body["name"] = name
    if "email" in person:
        body["emails"] = [{"value": person["email"], "type": "work", "primary": True}]
    body["active"] = person.get("active", True)
    enterprise = {k: person[k] for k in ("employeeNumber", "department") if k in person}
    if "manager" in person:
        enterprise["manager"] = {"value": person["manager"]}
    if enterprise:
        if ENTERPRISE_URN not in body["schemas"]:
            body["schemas"].append(ENTERPRISE_URN)
        body[ENTERPRISE_URN] = enterprise
    for key, value in person.items():
        if key not in PERSON:
            place(body, key, value)
    if d.shape.get("meta_resource_type"):
        body["meta"] = {"resourceType": "User"}
    return body


def test_connection(d: Dialect, args: dict[str, Any]) -> list[Request]:
    if d.shape["test_connection"] == "discovery":
        return [Request("GET", "/ServiceProviderConfig")]
    # A GUID no user has (Entra: "a random GUID as the value of the configured matching
    # property"); fixed per dialect so the golden files stay stable.
    probe = str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://scimcert.dev/probe/{d.name}"))
    return [d.lookup("/Users", "userName", probe)]


def find_user(d: Dialect, args: dict[str, Any]) -> list[Request]:
    # By userName unless the mapping matches on another attribute (`attribute`, `value`).
    attribute = args.get("attribute", "userName")
    return [d.lookup("/Users", attribute, args["value"] if "value" in args else args["userName"])]


def create_user(d: Dialect, args: dict[str, Any]) -> list[Request]:
    return [Request("POST", "/Users", body=person_body(d, args["person"]))]


def update_user(d: Dialect, args: dict[str, Any]) -> list[Request]:
    return _change(d, args, dict(args["changes"]))


def change_username(d: Dialect, args: dict[str, Any]) -> list[Request]:
    return _change(d, args, {"userName": args["userName"]})


def _change(d: Dialect, args: dict[str, Any], changes: dict[str, Any]) -> list[Request]:
    where = f"/Users/{args['id']}"
    style = d.shape["user_update"]
    if style == "put":
        return [Request("PUT", where, body=_put_user(args["current"], changes))]
    if style == "pathless-keys" and len(changes) > 1:
        filtered = {k: v for k, v in changes.items() if "[" in _path(k)}
        keyed = {_path(k): _value(k, v) for k, v in changes.items() if k not in filtered}
        ops = [{"op": d.op("replace"), "path": _path(k), "value": v} for k, v in filtered.items()]
        return [Request("PATCH", where, body=d.patch(*ops, {"op": d.op("replace"),
                                                            "value": keyed}))]
    current = args.get("current")
    # Entra sets an attribute the user does not hold yet with Add; without the resource as
    # read, it is taken as held.
    adds = d.shape.get("add_when_absent") and current is not None
    ops = [{"op": d.op("add" if adds and not _held(current, k) else "replace"),
            "path": _path(k), "value": _value(k, v)} for k, v in changes.items()]
    return [Request("PATCH", where, body=d.patch(*ops))]


def _path(key: str) -> str:
    return PATHS.get(key, key)


def _value(key: str, value: Any) -> Any:
    return {"value": value} if _path(key) == PATHS["manager"] else value


def _held(current: dict[str, Any], key: str) -> bool:
    """Whether the resource as read holds a value for the neutral attribute `key`."""
    if key not in PERSON:
        return read(current, key) is not None
    enterprise = current.get(ENTERPRISE_URN) or {}
    found = {
        "givenName": (current.get("name") or {}).get("givenName"),
        "familyName": (current.get("name") or {}).get("familyName"),
        "email": next((e.get("value") for e in current.get("emails") or []
                       if str(e.get("type", "")).lower() == "work"), None),
        "employeeNumber": enterprise.get("employeeNumber"),
        "department": enterprise.get("department"),
        "manager": enterprise.get("manager"),
    }.get(key, current.get(key))
    return found not in (None, "", [], {})


def _put_user(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """`current` with `changes` applied, as a PUT body: the whole resource (RFC 7644 §3.5.1),
    without what only the server writes (meta)."""
    body = {k: copy.deepcopy(v) for k, v in current.items() if k != "meta"}
    for key, value in changes.items():
        if key in ("givenName", "familyName"):
            body.setdefault("name", {})[key] = value
        elif key == "email":
            emails = body.setdefault("emails", [])
            work = next((e for e in emails if str(e.get("type", "")).lower() == "work"), None)
            if work is None:
                emails.append({"value": value, "type": "work", "primary": True})
            else:
                work["value"] = value
        elif key in ("employeeNumber", "department", "manager"):
            if ENTERPRISE_URN not in body.get("schemas", []):
                body.setdefault("schemas", [USER_URN]).append(ENTERPRISE_URN)
            body.setdefault(ENTERPRISE_URN, {})[key] = _value(key, value)
        elif key in PERSON:
            body[key] = value
        else:
            place(body, key, _value(key, value))
    return body


def _activity(d: Dialect, args: dict[str, Any], active: bool) -> list[Request]:
    where = f"/Users/{args['id']}"
    style = d.shape["deactivate"]
    if style == "put":
        return [Request("PUT", where, body=_put_user(args["current"], {"active": active}))]
    if style == "pathless":
        op = {"op": d.op("replace"), "value": {"active": d.boolean(active)}}
    else:
        op = {"op": d.op("replace"), "path": "active", "value": d.boolean(active)}
    return [Request("PATCH", where, body=d.patch(op))]


def deactivate_user(d: Dialect, args: dict[str, Any]) -> list[Request]:
    return _activity(d, args, False)


def reactivate_user(d: Dialect, args: dict[str, Any]) -> list[Request]:
    return _activity(d, args, True)


def delete_user(d: Dialect, args: dict[str, Any]) -> list[Request]:
    if d.shape["delete_user"] == "deactivate":
        return deactivate_user(d, args)
    return [Request("DELETE", f"/Users/{args['id']}")]


# -- groups


def find_group(d: Dialect, args: dict[str, Any]) -> list[Request]:
    return [d.lookup("/Groups", "displayName", args["displayName"],
                     d.shape.get("group_lookup_extra"))]


def _member(d: Dialect, rid: str) -> dict[str, Any]:
    return {**d.shape.get("member_extra", {}), "value": rid}


def create_group(d: Dialect, args: dict[str, Any]) -> list[Request]:
    body: dict[str, Any] = {"schemas": [GROUP_URN, *d.shape.get("group_schemas", [])],
                            "displayName": args["displayName"]}
    if args.get("externalId") and d.shape.get("group_external_id", True):
        body["externalId"] = args["externalId"]
    if d.shape.get("meta_resource_type"):
        body["meta"] = {"resourceType": "Group"}
    members = list(args.get("members") or [])
    if d.shape["group_create"] == "with-members":
        body["members"] = [{"value": rid} for rid in members]
        return [Request("POST", "/Groups", body=body)]
    if d.shape["group_create"] == "empty-members":
        body["members"] = []
    # Created empty and filled by a PATCH once the group's id is known (Entra, Okta): the
    # driver sends that add after the create (`Dialect.creates_groups_empty`).
    return [Request("POST", "/Groups", body=body)]


def rename_group(d: Dialect, args: dict[str, Any]) -> list[Request]:
    return update_group(d, {**args, "changes": {"displayName": args["displayName"]}})


def update_group(d: Dialect, args: dict[str, Any]) -> list[Request]:
    """The group's own attributes changed (displayName, externalId): a replace of each, or the
    group sent whole by a client that PUTs. A dialect that does not send a group's externalId
    (`group_external_id` false) sends nothing for it."""
    changes = {k: v for k, v in args["changes"].items()
               if k != "externalId" or d.shape.get("group_external_id", True)}
    if not changes:
        return []
    where = f"/Groups/{args['id']}"
    if d.shape["group_update"] == "put":
        return [Request("PUT", where, body=_put_group(args["current"], **changes))]
    return [Request("PATCH", where, body=d.patch(*_group_ops(d, args["id"], changes)))]


def _group_ops(d: Dialect, rid: str, changes: dict[str, Any]) -> list[dict[str, Any]]:
    if d.shape.get("rename") == "pathless-id":
        return [{"op": d.op("replace"), "value": {"id": rid, **changes}}]
    return [{"op": d.op("replace"), "path": key, "value": value}
            for key, value in changes.items()]


def _rename(d: Dialect, rid: str, name: str) -> dict[str, Any]:
    return _group_ops(d, rid, {"displayName": name})[0]


def _put_group(current: dict[str, Any], **changes: Any) -> dict[str, Any]:
    body = {k: copy.deepcopy(v) for k, v in current.items() if k != "meta"}
    body.update(changes)
    return body


def _membership(d: Dialect, args: dict[str, Any], ops: list[dict[str, Any]],
                members: list[str]) -> list[Request]:
    where = f"/Groups/{args['id']}"
    if d.shape["group_update"] == "put":
        return [Request("PUT", where, body=_put_group(
            args["current"], members=[{"value": rid} for rid in members]))]
    if d.shape.get("rename_with_membership"):
        # Okta's group push re-sends the rename with every membership change.
        ops = [_rename(d, args["id"], (args.get("current") or {}).get("displayName", "")), *ops]
    return [Request("PATCH", where, body=d.patch(*ops))]


def _held_members(args: dict[str, Any]) -> list[str]:
    return [str(m.get("value")) for m in (args.get("current") or {}).get("members") or []]


def add_members(d: Dialect, args: dict[str, Any]) -> list[Request]:
    adding = list(args["members"])
    op = {"op": d.op("add"), "path": "members", "value": [_member(d, r) for r in adding]}
    kept = [r for r in _held_members(args) if r not in adding]
    return _membership(d, args, [op], kept + adding)


def _removals(d: Dialect, removing: list[str]) -> list[dict[str, Any]]:
    if d.shape["member_removal"] == "value-list":
        # Microsoft's compatibility page shows the removal without the $ref its add carries.
        return [{"op": d.op("remove"), "path": "members",
                 "value": [{"value": r} for r in removing]}]
    return [{"op": d.op("remove"), "path": f'members[value eq "{r}"]'} for r in removing]


def remove_members(d: Dialect, args: dict[str, Any]) -> list[Request]:
    removing = list(args["members"])
    kept = [r for r in _held_members(args) if r not in removing]
    return _membership(d, args, _removals(d, removing), kept)


def replace_members(d: Dialect, args: dict[str, Any]) -> list[Request]:
    wanted = list(args["members"])
    if d.shape.get("member_replace") == "replace":
        ops = [{"op": d.op("replace"), "path": "members",
                "value": [_member(d, r) for r in wanted]}]
        return _membership(d, args, ops, wanted)
    # A client without a members replace (Entra) removes and adds the difference.
    held = _held_members(args)
    gone, new = [r for r in held if r not in wanted], [r for r in wanted if r not in held]
    ops = _removals(d, gone) if gone else []
    if new:
        ops.append({"op": d.op("add"), "path": "members", "value": [_member(d, r) for r in new]})
    return _membership(d, args, ops, wanted) if ops else []


def delete_group(d: Dialect, args: dict[str, Any]) -> list[Request]:
    return [Request("DELETE", f"/Groups/{args['id']}")]


RENDER: dict[str, Callable[[Dialect, dict[str, Any]], list[Request]]] = {
    "test_connection": test_connection, "find_user": find_user, "create_user": create_user,
    "update_user": update_user, "change_username": change_username,
    "deactivate_user": deactivate_user, "reactivate_user": reactivate_user,
    "delete_user": delete_user, "find_group": find_group, "create_group": create_group,
    "rename_group": rename_group, "update_group": update_group, "add_members": add_members,
    "remove_members": remove_members, "replace_members": replace_members,
    "delete_group": delete_group,
}
