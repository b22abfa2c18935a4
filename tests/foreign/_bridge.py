"""The plumbing every foreign bridge shares: a Starlette app with one dispatcher, bearer auth,
a dict store, schema-driven validation, discovery documents built from compact tables, and
list/search/paging. Each bridge module subclasses `Bridge` and overrides the hooks where the
product it is modelled on behaves differently. It never imports scimcert (or its bridge).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from _scim import (
    ENTERPRISE_URN,
    ERROR_URN,
    GROUP_URN,
    LIST_URN,
    OPERATORS,
    PATCH_URN,
    USER_URN,
    Evaluator,
    Parser,
    Patcher,
    ScimError,
    project,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

SPC_URN = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
RT_URN = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SCHEMA_URN = "urn:ietf:params:scim:schemas:core:2.0:Schema"
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
TYPES = {"string": str, "boolean": bool, "integer": int, "decimal": (int, float),
         "dateTime": str, "reference": str, "binary": str, "complex": dict}


def attr(name: str, type: str = "string", *subs: dict, **kw: Any) -> dict:
    """An RFC 7643 §7 attribute definition with the RFC's defaults."""
    out = {"name": name, "type": type, "multiValued": False, "description": name,
           "required": False, "caseExact": False, "mutability": "readWrite",
           "returned": "default", "uniqueness": "none", **kw}
    if type == "reference":
        out.setdefault("referenceTypes", ["external"])
    if subs:
        out["subAttributes"] = list(subs)
    return out


def multi(name: str, *subs: dict, types: list[str] | None = None, **kw: Any) -> dict:
    subs = subs or (attr("value"), attr("display"),
                    attr("type", canonicalValues=types or ["work", "home", "other"]),
                    attr("primary", "boolean"))
    return attr(name, "complex", *subs, multiValued=True, **kw)


USER_CORE = [
    attr("userName", required=True, uniqueness="server"),
    attr("name", "complex", *(attr(n) for n in ("formatted", "familyName", "givenName",
                                                "middleName", "honorificPrefix",
                                                "honorificSuffix"))),
    *(attr(n) for n in ("displayName", "nickName", "title", "userType", "preferredLanguage",
                        "locale", "timezone")),
    attr("profileUrl", "reference"),
    attr("active", "boolean"),
    attr("password", mutability="writeOnly", returned="never"),
    multi("emails"),
    multi("phoneNumbers", types=["work", "home", "mobile", "fax", "pager", "other"]),
    attr("addresses", "complex", *(attr(n) for n in ("formatted", "streetAddress", "locality",
                                                     "region", "postalCode", "country")),
         attr("type", canonicalValues=["work", "home", "other"]), attr("primary", "boolean"),
         multiValued=True),
    attr("groups", "complex", attr("value", mutability="readOnly"),
         attr("$ref", "reference", mutability="readOnly", referenceTypes=["Group"]),
         attr("display", mutability="readOnly"),
         attr("type", mutability="readOnly", canonicalValues=["direct", "indirect"]),
         multiValued=True, mutability="readOnly"),
]
ENTERPRISE = [
    *(attr(n) for n in ("employeeNumber", "costCenter", "organization", "division",
                        "department")),
    attr("manager", "complex", attr("value"),
         attr("$ref", "reference", referenceTypes=["User"]),
         attr("displayName", mutability="readOnly")),
]
GROUP_CORE = [
    attr("displayName", required=True),
    attr("members", "complex", attr("value", mutability="immutable"),
         attr("$ref", "reference", mutability="immutable", referenceTypes=["User", "Group"]),
         attr("display", mutability="readOnly"),
         attr("type", mutability="immutable", canonicalValues=["User", "Group"]),
         multiValued=True),
]
CASE_EXACT = {"id", "externalid", "members.value", "groups.value", "manager.value"}


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def error_body(status: int, detail: str, scim_type: str | None = None) -> dict:
    body = {"schemas": [ERROR_URN], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    return body


class ScimResponse(JSONResponse):
    media_type = "application/scim+json"


class Bridge:
    """A decent SCIM 2.0 bridge; subclasses override the hooks their product differs in."""

    base = "/scim/v2"
    features = {"patch": True, "filter": True, "bulk": False, "sort": False, "etag": False,
                "changePassword": False}
    operators: tuple[str, ...] = (*OPERATORS, "pr")
    logical: tuple[str, ...] = ("and", "or", "not")
    max_results = 200
    user_core, enterprise, group_core = USER_CORE, ENTERPRISE, GROUP_CORE
    case_exact = CASE_EXACT
    unique_group_names = True

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = set(tokens)
        self.store: dict[str, dict[str, dict]] = {"User": {}, "Group": {}}
        self.passwords: dict[str, str] = {}
        self.urns = (USER_URN, GROUP_URN, ENTERPRISE_URN)
        self.evaluator = Evaluator(self.urns, self.case_exact)

    # -- discovery ---------------------------------------------------------------------------

    def schema_docs(self) -> list[dict]:
        docs = [(USER_URN, "User", self.user_core), (ENTERPRISE_URN, "EnterpriseUser",
                                                     self.enterprise),
                (GROUP_URN, "Group", self.group_core)]
        return [{"schemas": [SCHEMA_URN], "id": urn, "name": name, "description": name,
                 "attributes": attrs, "meta": {"resourceType": "Schema"}}
                for urn, name, attrs in docs]

    def endpoint(self, kind: str) -> str:
        return f"/{kind}s"

    def resource_type_docs(self, request: Request) -> list[dict]:
        return [{"schemas": [RT_URN], "id": kind, "name": kind, "description": kind,
                 "endpoint": self.endpoint(kind), "schema": urn,
                 "schemaExtensions": exts,
                 "meta": {"resourceType": "ResourceType"}}
                for kind, urn, exts in (("User", USER_URN, [{"schema": ENTERPRISE_URN,
                                                              "required": False}]),
                                        ("Group", GROUP_URN, []))]

    def spc_doc(self) -> dict:
        f = self.features
        return {"schemas": [SPC_URN], "documentationUri": "https://example.com/scim",
                "patch": {"supported": f["patch"]},
                "bulk": {"supported": f["bulk"], "maxOperations": 0, "maxPayloadSize": 0},
                "filter": {"supported": f["filter"], "maxResults": self.max_results},
                "changePassword": {"supported": f["changePassword"]},
                "sort": {"supported": f["sort"]}, "etag": {"supported": f["etag"]},
                "authenticationSchemes": [{"type": "oauthbearertoken", "name": "OAuth Bearer",
                                           "description": "Bearer token", "primary": True}],
                "meta": {"resourceType": "ServiceProviderConfig"}}

    # -- validation and storage ----------------------------------------------------------------

    def attrs_of(self, kind: str, urn: str | None = None) -> list[dict]:
        if urn == ENTERPRISE_URN:
            return self.enterprise
        return self.user_core if kind == "User" else self.group_core

    def definition(self, kind: str, name: str, urn: str | None = None) -> dict | None:
        return next((a for a in self.attrs_of(kind, urn) if a["name"].lower() == name.lower()),
                    None)

    def check_value(self, a: dict, value: Any, where: str) -> Any:
        if value is None:
            return None
        if a["multiValued"]:
            if not isinstance(value, list):
                raise ScimError(400, f"{where} must be an array", "invalidValue")
            return [self.check_single(a, v, where) for v in value]
        return self.check_single(a, value, where)

    def check_single(self, a: dict, value: Any, where: str) -> Any:
        want = TYPES[a["type"]]
        if not isinstance(value, want) or (a["type"] in ("integer", "decimal")
                                           and isinstance(value, bool)):
            raise ScimError(400, f"{where} must be of type {a['type']}", "invalidValue")
        if a["type"] != "complex":
            return value
        out = {}
        for key, sub in value.items():
            d = next((s for s in a.get("subAttributes", ()) if s["name"].lower() == key.lower()),
                     None)
            if d is None:
                continue
            self.check_sub(a, d, sub, where)
            if d["mutability"] != "readOnly" and sub is not None:
                out[d["name"]] = self.check_single({**d, "multiValued": False}, sub,
                                                   f"{where}.{d['name']}")
        return out

    def check_sub(self, parent: dict, sub: dict, value: Any, where: str) -> None:
        """Hook: refuse a sub-attribute value the product cannot hold."""

    def clean(self, kind: str, body: Any) -> dict:
        """The storable form of a create/replace body: declared attributes in their declared
        spelling, readOnly ones dropped, types checked, required ones present."""
        if not isinstance(body, dict):
            raise ScimError(400, "the body must be a JSON object", "invalidSyntax")
        out: dict[str, Any] = {}
        for key, value in body.items():
            if key.lower() in ("schemas", "id", "meta"):
                continue
            if key.lower() == "externalid":
                if value is not None and not isinstance(value, str):
                    raise ScimError(400, "externalId must be a string", "invalidValue")
                out["externalId"] = value
                continue
            if kind == "User" and key.lower() == ENTERPRISE_URN.lower():
                if not isinstance(value, dict):
                    raise ScimError(400, "the enterprise extension is an object", "invalidValue")
                ext = {}
                for k, v in value.items():
                    d = self.definition(kind, k, ENTERPRISE_URN)
                    if d is not None and d["mutability"] != "readOnly" and v is not None:
                        ext[d["name"]] = self.check_value(d, v, k)
                if ext:
                    out[ENTERPRISE_URN] = ext
                continue
            d = self.definition(kind, key)
            if d is None or d["mutability"] == "readOnly" or value is None:
                continue
            out[d["name"]] = self.check_value(d, value, d["name"])
        for d in self.attrs_of(kind):
            if d["required"] and out.get(d["name"]) in (None, ""):
                raise ScimError(400, f"{d['name']} is required", "invalidValue")
        return {k: v for k, v in out.items() if v not in (None, [], {})}

    def store_user_password(self, rid: str, stored: dict) -> None:
        password = stored.pop("password", None)
        if password is not None:
            self.passwords[rid] = password

    def check_unique(self, kind: str, stored: dict, rid: str | None = None) -> None:
        key = "userName" if kind == "User" else "displayName"
        if kind == "Group" and not self.unique_group_names:
            return
        mine = str(stored.get(key, "")).lower()
        for other_id, other in self.store[kind].items():
            if other_id != rid and str(other.get(key, "")).lower() == mine:
                raise ScimError(409, f"{key} {stored.get(key)!r} is taken", "uniqueness")

    def check_members(self, stored: dict) -> None:
        for m in stored.get("members", []):
            value = m.get("value")
            kind = "User" if value in self.store["User"] else \
                "Group" if value in self.store["Group"] else None
            if kind is None:
                raise ScimError(400, f"member {value!r} does not exist", "invalidValue")
            m["type"] = kind

    def save(self, kind: str, rid: str, stored: dict, created: str | None = None) -> dict:
        if kind == "User":
            self.store_user_password(rid, stored)
        else:
            self.check_members(stored)
            seen, members = set(), []
            for m in stored.get("members", []):
                if m["value"] not in seen:
                    seen.add(m["value"])
                    members.append({"value": m["value"], "type": m.get("type", "User")})
            if members:
                stored["members"] = members
            else:
                stored.pop("members", None)
        self.check_unique(kind, stored, rid)
        stamp = now()
        stored["id"] = rid
        stored["_created"] = created or stamp
        stored["_modified"] = stamp
        self.store[kind][rid] = stored
        return stored

    def location(self, request: Request, kind: str, rid: str) -> str:
        return f"{request.base_url}{self.base.strip('/')}{self.endpoint(kind)}/{rid}"

    def render(self, request: Request, kind: str, stored: dict,
               memberships: dict[str, list[str]] | None = None) -> dict:
        """The resource as served; `memberships` (user id → group ids), when a listing renders
        many users, saves a pass over every group for each."""
        out: dict[str, Any] = {"schemas": [USER_URN if kind == "User" else GROUP_URN]}
        if ENTERPRISE_URN in stored:
            out["schemas"].append(ENTERPRISE_URN)
        out["id"] = stored["id"]
        out.update({k: v for k, v in stored.items() if not k.startswith("_") and k != "id"})
        if kind == "User":
            held = (self.memberships() if memberships is None else memberships).get(
                stored["id"], [])
            groups = [{"value": gid, "display": self.store["Group"][gid].get("displayName"),
                       "type": "direct"} for gid in held]
            if groups:
                out["groups"] = groups
        out["meta"] = {"resourceType": kind, "created": stored["_created"],
                       "lastModified": stored["_modified"],
                       "location": self.location(request, kind, stored["id"])}
        return out

    def memberships(self) -> dict[str, list[str]]:
        """Each user's groups, in the groups' order, each once."""
        found: dict[str, list[str]] = {}
        for gid, group in self.store["Group"].items():
            for member in group.get("members", []):
                held = found.setdefault(member["value"], [])
                if not held or held[-1] != gid:
                    held.append(gid)
        return found

    def find(self, kind: str, rid: str) -> dict:
        if rid not in self.store[kind]:
            raise ScimError(404, f"{kind} {rid} not found")
        return self.store[kind][rid]

    # -- operations --------------------------------------------------------------------------

    def create(self, request: Request, kind: str, body: Any) -> Response:
        stored = self.save(kind, uuid.uuid4().hex, self.clean(kind, body))
        out = self.render(request, kind, stored)
        return ScimResponse(out, 201, headers={"Location": out["meta"]["location"]})

    def replace(self, request: Request, kind: str, rid: str, body: Any) -> Response:
        old = self.find(kind, rid)
        stored = self.save(kind, rid, self.clean(kind, body), old["_created"])
        return ScimResponse(self.render(request, kind, stored))

    def patch(self, request: Request, kind: str, rid: str, body: Any) -> Response:
        old = self.find(kind, rid)
        if not isinstance(body, dict) or PATCH_URN not in (body.get("schemas") or []):
            raise ScimError(400, "a PatchOp body is expected", "invalidSyntax")
        common = {"externalid": "externalId", "id": "id", "meta": "meta"}
        patcher = Patcher(lambda name, urn: ((d := self.definition(kind, name, urn)) and d["name"])
                          or common.get(name.lower()),
                          lambda name: bool((d := self.definition(kind, name))
                                            and d["multiValued"]),
                          {"id", "meta", "groups"}, self.urns, self.evaluator,
                          lambda top, sub, urn: (d := self.definition(kind, top, urn)) is not None
                          and any(s["name"].lower() == sub.lower()
                                  and s["mutability"] == "readOnly"
                                  for s in d.get("subAttributes", ())))
        for op in body.get("Operations") or []:
            # Entra ID sends booleans as "True"/"False" strings; accept them as Microsoft asks.
            if isinstance(op, dict) and str(op.get("path", "")).lower() == "active" \
                    and str(op.get("value")).lower() in ("true", "false"):
                op["value"] = str(op["value"]).lower() == "true"
        current = {k: v for k, v in old.items() if not k.startswith("_")}
        changed = patcher.apply(current, body.get("Operations"))
        # RFC 7644 §3.5.2.2: unassigning a required attribute answers scimType mutability.
        for d in self.attrs_of(kind):
            if d["required"] and changed.get(d["name"]) in (None, "", []):
                raise ScimError(400, f"{d['name']} is required and cannot be removed",
                                "mutability")
        stored = self.save(kind, rid, self.clean(kind, changed), old["_created"])
        return ScimResponse(self.render(request, kind, stored))

    def delete(self, kind: str, rid: str) -> Response:
        self.find(kind, rid)
        del self.store[kind][rid]
        for group in self.store["Group"].values():
            if "members" in group:
                group["members"] = [m for m in group["members"] if m["value"] != rid]
                if not group["members"]:
                    del group["members"]
        return Response(status_code=204)

    def parse_filter(self, kind: str, text: str) -> tuple:
        return Parser(text, self.operators, self.logical).parse()

    def query(self, request: Request, kind: str, params: dict) -> Response:
        text = params.get("filter")
        found = list(self.store[kind].values())
        memberships = self.memberships() if kind == "User" else None
        if text:
            node = self.parse_filter(kind, str(text))
            found = [s for s in found
                     if self.evaluator(node, self.render(request, kind, s, memberships))]
        found = self.sort(kind, found, params)
        try:
            start = max(int(params.get("startIndex") or 1), 1)
            count = int(params["count"]) if params.get("count") is not None \
                else self.max_results
        except (TypeError, ValueError):
            raise ScimError(400, "startIndex and count are integers", "invalidValue") from None
        count = min(max(count, 0), self.max_results)
        page = found[start - 1:start - 1 + count]
        attributes, excluded = params.get("attributes"), params.get("excludedAttributes")
        if isinstance(attributes, list):
            attributes = ",".join(attributes)
        if isinstance(excluded, list):
            excluded = ",".join(excluded)
        resources = [project(self.render(request, kind, s, memberships), attributes, excluded)
                     for s in page]
        return ScimResponse({"schemas": [LIST_URN], "totalResults": len(found),
                             "itemsPerPage": len(resources), "startIndex": start,
                             "Resources": resources})

    def sort(self, kind: str, found: list[dict], params: dict) -> list[dict]:
        return found

    # -- HTTP ----------------------------------------------------------------------------------

    def authorised(self, request: Request) -> bool:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and token.strip() in self.tokens

    async def body(self, request: Request) -> Any:
        raw = await request.body()
        try:
            value = json.loads(raw)
            # A lone surrogate (\ud800) decodes but cannot be stored or answered as UTF-8.
            json.dumps(value, ensure_ascii=False).encode("utf-8")
            return value
        except UnicodeEncodeError:
            raise ScimError(400, "a string is not valid Unicode", "invalidValue") from None
        except ValueError:
            raise ScimError(400, "the body is not valid JSON", "invalidSyntax") from None
        except RecursionError:
            # As the JSON libraries of most web frameworks do: a depth limit, answered 400.
            raise ScimError(400, "the body is nested too deep", "invalidSyntax") from None

    async def dispatch(self, request: Request) -> Response:
        if not self.authorised(request):
            return ScimResponse(error_body(401, "a valid bearer token is required"), 401,
                                headers={"WWW-Authenticate": 'Bearer realm="scim"'})
        rest = request.path_params.get("rest", "")
        parts = [p for p in rest.split("/") if p]
        try:
            return await self.route(request, parts)
        except ScimError as exc:
            return ScimResponse(error_body(exc.status, exc.detail, exc.scim_type), exc.status)

    async def route(self, request: Request, parts: list[str]) -> Response:
        method = request.method
        kinds = {self.endpoint(k).strip("/").lower(): k for k in ("User", "Group")}
        head = parts[0] if parts else ""
        if head in ("ServiceProviderConfig", "ResourceTypes", "Schemas") and len(parts) <= 2:
            if method != "GET":
                raise ScimError(405, f"{method} is not supported on /{head}")
            return self.discovery(request, parts)
        kind = kinds.get(head.lower())
        if kind is None or len(parts) > 2:
            if head == "Bulk" and len(parts) == 1:
                raise ScimError(501, "bulk is not supported")
            raise ScimError(404, f"no endpoint /{'/'.join(parts)}")
        if len(parts) == 1:
            if method == "GET":
                return self.query(request, kind, dict(request.query_params))
            if method == "POST":
                return self.create(request, kind, await self.body(request))
            raise ScimError(405, f"{method} is not supported on /{head}")
        rid = parts[1]
        if rid == ".search":
            if method != "POST":
                raise ScimError(405, "use POST on .search")
            body = await self.body(request)
            if not isinstance(body, dict):
                raise ScimError(400, "a SearchRequest is expected", "invalidSyntax")
            return self.query(request, kind, body)
        if method == "GET":
            out = self.render(request, kind, self.find(kind, rid))
            q = request.query_params
            return ScimResponse(project(out, q.get("attributes"), q.get("excludedAttributes")))
        if method == "PUT":
            return self.replace(request, kind, rid, await self.body(request))
        if method == "PATCH":
            return self.patch(request, kind, rid, await self.body(request))
        if method == "DELETE":
            return self.delete(kind, rid)
        raise ScimError(405, f"{method} is not supported")

    def discovery(self, request: Request, parts: list[str]) -> Response:
        if parts[0] == "ServiceProviderConfig":
            if len(parts) > 1:
                raise ScimError(404, "no such document")
            return ScimResponse(self.spc_doc())
        docs = self.resource_type_docs(request) if parts[0] == "ResourceTypes" \
            else self.schema_docs()
        if len(parts) == 2:
            doc = next((d for d in docs if d["id"] == parts[1]), None)
            if doc is None:
                raise ScimError(404, f"no {parts[0]} {parts[1]}")
            return ScimResponse(doc)
        if "filter" in request.query_params:
            raise ScimError(403, "filtering discovery endpoints is not supported")
        return ScimResponse({"schemas": [LIST_URN], "totalResults": len(docs),
                             "itemsPerPage": len(docs), "startIndex": 1, "Resources": docs})

    def app(self) -> Starlette:
        methods = [*METHODS, "HEAD", "OPTIONS"]
        return Starlette(routes=[Route(self.base + "/{rest:path}", self.dispatch,
                                       methods=methods),
                                 Route(self.base, self.dispatch, methods=methods)])


def make_factory(cls: type[Bridge]):
    def factory(tokens: list[str] | None = None) -> Starlette:
        return cls(tokens or []).app()

    return factory
