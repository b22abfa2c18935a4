"""The HTTP layer of the reference bridge (RFC 7644 §3): Starlette routes that parse the request,
call the pipeline, discovery or bulk, and render the answer; `create_app` assembles the parts.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

import scimcert
from scimcert.bridge.account import Account, timestamp
from scimcert.bridge.auth import REALM, Bearer
from scimcert.bridge.bulk import Bulk
from scimcert.bridge.discovery import Discovery
from scimcert.bridge.onepassword import OnePassword
from scimcert.bridge.pipeline import Pipeline, Query, etag_matches
from scimcert.bridge.policy import Policy
from scimcert.bridge.relations import Relations
from scimcert.bridge.settings import Settings
from scimcert.bridge.store import Resource
from scimcert.scim.errors import INVALID_SYNTAX, INVALID_VALUE, ScimError, bad_request
from scimcert.scim.profile import Profile, declared_types
from scimcert.scim.schema import Registry
from scimcert.scim.tolerance import Tolerances

SCIM_JSON = "application/scim+json"
ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
log = logging.getLogger("scimcert.bridge")

Endpoint = Callable[[Request], Awaitable[Response]]


def dumps(content: Any) -> bytes:
    text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate a client sent as a JSON escape (echoed in an error's detail) has no
        # UTF-8 form; written as a \u escape again, the answer stays valid JSON (RFC 8259 §7).
        return json.dumps(content, separators=(",", ":")).encode("ascii")


class ScimResponse(Response):
    """A JSON body served as `application/scim+json` (RFC 7644 §3.1)."""

    media_type = SCIM_JSON

    def render(self, content: Any) -> bytes:
        return dumps(content)


def error_response(exc: ScimError, headers: dict[str, str] | None = None) -> Response:
    return ScimResponse(exc.body(), status_code=exc.status, headers=headers)


class Guard:
    """ASGI middleware: bearer auth on everything but /ping, then the policy's refusal of SCIM
    requests (the 1Password provisioning switch)."""

    def __init__(self, app: ASGIApp, *, bearer: Bearer | None, policy: Policy,
                 base_path: str) -> None:
        self.app = app
        self.bearer = bearer
        self.policy = policy
        self.base_path = base_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = _local_path(scope)
        if path == "/ping":
            await self.app(scope, receive, send)
            return
        if self.bearer is not None and not self.bearer.accepts(_header(scope, b"authorization")):
            denied = ScimError(401, "a valid bearer token is required (Authorization: Bearer ...)")
            await error_response(denied, {"WWW-Authenticate": REALM})(scope, receive, send)
            return
        refusal = self.policy.refusal() if _within(path, self.base_path) else None
        if refusal is not None:
            await error_response(refusal)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def scim(handler: Endpoint) -> Endpoint:
    """Answer a SCIM error for ScimError, and a logged 500 for anything unexpected."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except ScimError as exc:
            return error_response(exc)
        except Exception:
            log.exception("unexpected error on %s %s", request.method, request.url.path)
            return error_response(ScimError(500, "internal error in the SCIM bridge"))

    endpoint.__name__ = handler.__name__
    return endpoint


@dataclass(frozen=True)
class Parts:
    """The classes a bridge is assembled from; a broken bridge swaps one for a subclass."""

    pipeline: type[Pipeline] = Pipeline
    relations: type[Relations] = Relations
    policy: type[Policy] = OnePassword
    discovery: type[Discovery] = Discovery
    bulk: type[Bulk] = Bulk


class Endpoints:
    """Request handlers: read the request, call the pipeline, render the answer."""

    def __init__(self, pipeline: Pipeline, discovery: Discovery, bulk: Bulk, policy: Policy,
                 base_path: str) -> None:
        self.pipeline = pipeline
        self.discovery = discovery
        self.bulk = bulk
        self.policy = policy
        self.base_path = base_path
        self.limit = pipeline.settings.max_payload

    def base(self, request: Request) -> str:
        """The SCIM base URL as the client reached it."""
        return str(request.base_url).rstrip("/") + self.base_path

    async def body(self, request: Request) -> Any:
        """The JSON body, read up to max_payload bytes (413 beyond, 400 if not JSON)."""
        length = request.headers.get("content-length")
        if length is not None and length.strip().isdigit() and int(length) > self.limit:
            raise _too_large(self.limit)
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.limit:
                raise _too_large(self.limit)
            chunks.append(chunk)
        raw = b"".join(chunks)
        if not raw.strip():
            raise bad_request(INVALID_SYNTAX, "the request body is empty")
        try:
            return json.loads(raw, parse_constant=_reject_constant)
        except (ValueError, RecursionError) as exc:
            detail = f"the request body is not valid JSON: {exc}"
            raise bad_request(INVALID_SYNTAX, detail) from None

    def resource(self, request: Request, rtype: str, resource: Resource, *, status: int = 200,
                 created: bool = False) -> Response:
        base = self.base(request)
        params = _params(request)
        body = self.pipeline.render(rtype, resource, base, _split(params.get("attributes")),
                                    _split(params.get("excludedattributes")))
        headers = {"ETag": resource["meta"]["version"]}
        if created:
            endpoint = self.pipeline.resource_type(rtype).endpoint
            headers["Location"] = f"{base}{endpoint}/{resource['id']}"
        return ScimResponse(body, status_code=status, headers=headers)

    async def list(self, request: Request, rtype: str) -> Response:
        query = query_from_params(_params(request))
        return ScimResponse(self.pipeline.list(rtype, query, self.base(request)))

    async def create(self, request: Request, rtype: str) -> Response:
        created = self.pipeline.create(rtype, await self.body(request))
        return self.resource(request, rtype, created, status=201, created=True)

    async def get(self, request: Request, rtype: str, rid: str) -> Response:
        found = self.pipeline.get(rtype, rid)
        version = found["meta"]["version"]
        unless = request.headers.get("if-none-match")
        if unless is not None and etag_matches(unless, version):
            return Response(status_code=304, headers={"ETag": version})
        return self.resource(request, rtype, found)

    async def replace(self, request: Request, rtype: str, rid: str) -> Response:
        body = await self.body(request)
        replaced = self.pipeline.replace(rtype, rid, body, request.headers.get("if-match"))
        return self.resource(request, rtype, replaced)

    async def patch(self, request: Request, rtype: str, rid: str) -> Response:
        body = await self.body(request)
        patched = self.pipeline.patch(rtype, rid, body, request.headers.get("if-match"))
        # RFC 7644 §3.5.2 allows 200 with the resource or 204, and asks for 200 with the
        # resource when the client named attributes; otherwise the policy chooses.
        asked = {"attributes", "excludedattributes"} & _params(request).keys()
        if not asked and not self.policy.patch_body(rtype):
            return Response(status_code=204, headers={"ETag": patched["meta"]["version"]})
        return self.resource(request, rtype, patched)

    async def delete(self, request: Request, rtype: str, rid: str) -> Response:
        self.pipeline.delete(rtype, rid, request.headers.get("if-match"))
        return Response(status_code=204)

    async def search(self, request: Request, rtypes: Sequence[str]) -> Response:
        query = query_from_search(await self.body(request))
        return ScimResponse(self.pipeline.search(rtypes, query, self.base(request)))

    async def bulk_request(self, request: Request) -> Response:
        body = await self.body(request)
        return ScimResponse(self.bulk.run(body, self.base(request)))

    def routes(self) -> list[BaseRoute]:
        """Every SCIM route, relative to the base path."""
        routes: list[BaseRoute] = []
        types = list(self.pipeline.registry.resource_types.values())
        for rt in types:
            routes.extend(self.resource_routes(rt.name, rt.endpoint))
        every = [rt.name for rt in types]
        discovery = self.discovery_routes()
        return [
            *routes,
            Route("/.search", scim(lambda r: self.search(r, every)), methods=["POST"]),
            Route("/Bulk", scim(self.bulk_request), methods=["POST"]),
            *discovery,
            Route("/Me", scim(_not_implemented), methods=ALL_METHODS),
            Route("/Me/{rest:path}", scim(_not_implemented), methods=ALL_METHODS),
        ]

    def resource_routes(self, rtype: str, endpoint: str) -> list[BaseRoute]:
        async def collection(request: Request) -> Response:
            if request.method == "POST":
                return await self.create(request, rtype)
            return await self.list(request, rtype)

        async def item(request: Request) -> Response:
            rid = request.path_params["id"]
            if rid == ".search":
                return error_response(ScimError(405, f"{request.method} is not allowed on "
                                                     f"{request.url.path}"), {"Allow": "POST"})
            method = request.method
            if method in ("GET", "HEAD"):
                return await self.get(request, rtype, rid)
            if method == "PUT":
                return await self.replace(request, rtype, rid)
            if method == "PATCH":
                return await self.patch(request, rtype, rid)
            return await self.delete(request, rtype, rid)

        async def search(request: Request) -> Response:
            return await self.search(request, [rtype])

        return [
            Route(f"{endpoint}/.search", scim(search), methods=["POST"]),
            Route(endpoint, scim(collection), methods=["GET", "POST"]),
            Route(f"{endpoint}/{{id}}", scim(item), methods=["GET", "PUT", "PATCH", "DELETE"]),
        ]

    def discovery_routes(self) -> list[BaseRoute]:
        discovery = self.discovery

        async def spc(request: Request) -> Response:
            return ScimResponse(discovery.service_provider_config(self.base(request)))

        def unfiltered(request: Request) -> None:
            # RFC 7644 §4: a filter on a discovery endpoint SHOULD be answered 403, so that
            # clients never take its conditions as met.
            if "filter" in request.query_params:
                raise ScimError(403, "discovery endpoints do not filter (RFC 7644 §4)")

        async def resource_types(request: Request) -> Response:
            unfiltered(request)
            return ScimResponse(discovery.resource_types(self.base(request)))

        async def resource_type(request: Request) -> Response:
            rid = request.path_params["id"]
            return ScimResponse(discovery.resource_type(rid, self.base(request)))

        async def schemas(request: Request) -> Response:
            unfiltered(request)
            return ScimResponse(discovery.schemas(self.base(request)))

        async def schema(request: Request) -> Response:
            urn = request.path_params["id"]
            return ScimResponse(discovery.schema(urn, self.base(request)))

        return [
            Route("/ServiceProviderConfig", scim(spc), methods=["GET"]),
            Route("/ResourceTypes", scim(resource_types), methods=["GET"]),
            Route("/ResourceTypes/{id}", scim(resource_type), methods=["GET"]),
            Route("/Schemas", scim(schemas), methods=["GET"]),
            Route("/Schemas/{id}", scim(schema), methods=["GET"]),
        ]


def create_app(
    *,
    tokens: Sequence[str] = (),
    no_auth: bool = False,
    base_path: str = "/scim/v2",
    account: Account | None = None,
    clock: Callable[[], datetime] | None = None,
    ids: Callable[[], str] | None = None,
    max_payload: int = 1_048_576,
    max_results: int = 1000,
    max_operations: int = 1000,
    tolerances: Tolerances | None = None,
    parts: Parts | None = None,
    profile: Profile | None = None,
) -> Starlette:
    """The reference bridge as an ASGI app; `app.state` holds account, pipeline and registry.

    `tolerances` defaults to every IdP tolerance on; `parts` to the RFC pipeline with the
    1Password policy, and `Parts(policy=Policy)` with `Tolerances.none()` is a plain RFC bridge.
    `profile`, when given, makes the bridge claim the draft interop profile in its
    ServiceProviderConfig and keep the rules the profile's switches name (scim/profile.py); by
    default it does not claim it, as it takes the path-less PATCH Entra ID sends.
    """
    if not tokens and not no_auth:
        raise ValueError("the bridge needs at least one bearer token, or no_auth=True")
    base_path = "/" + base_path.strip("/") if base_path.strip("/") else ""
    if account is None:
        account = Account(clock=clock, ids=ids)
    else:
        account.clock = clock or account.clock
        account.ids = ids or account.ids
    registry: Registry = account.registry
    if profile is not None and profile.typed_values_declared:
        declared_types(registry)
    settings = Settings(max_payload=max_payload, max_results=max_results,
                        max_operations=max_operations, auth=not no_auth,
                        interop=profile is not None)
    parts = parts or Parts()
    policy = parts.policy(account)
    pipeline = parts.pipeline(account, settings, policy=policy,
                              relations=parts.relations(registry, account.store),
                              tolerances=Tolerances.all() if tolerances is None else tolerances,
                              profile=profile or Profile.none())
    discovery = parts.discovery(registry, settings)
    bulk = parts.bulk(pipeline, settings.max_operations)
    endpoints = Endpoints(pipeline, discovery, bulk, policy, base_path)
    scim_routes = endpoints.routes()
    routes: list[BaseRoute] = [
        Route("/ping", _ping, methods=["GET"]),
        Route("/health", _health(account), methods=["GET"]),
        *([Mount(base_path, routes=scim_routes)] if base_path else scim_routes),
    ]
    bearer = None if no_auth else Bearer(tokens)
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Guard, bearer=bearer, policy=policy, base_path=base_path)],
        exception_handlers={HTTPException: _http_error},
    )
    app.state.account = account
    app.state.pipeline = pipeline
    app.state.registry = registry
    app.state.settings = settings
    return app


def query_from_params(params: dict[str, str]) -> Query:
    """A Query from URL parameters (RFC 7644 §3.4.2), names matched case-insensitively."""
    return Query(
        filter=params.get("filter"),
        sort_by=params.get("sortby"),
        sort_order=params.get("sortorder"),
        start_index=params.get("startindex"),
        count=params.get("count"),
        attributes=_split(params.get("attributes")),
        excluded=_split(params.get("excludedattributes")),
    )


def query_from_search(body: Any) -> Query:
    """A Query from a SearchRequest body (RFC 7644 §3.4.3)."""
    if not isinstance(body, dict):
        raise bad_request(INVALID_SYNTAX, "the SearchRequest must be a JSON object")
    folded = {k.lower(): v for k, v in body.items()}
    for name in ("filter", "sortby", "sortorder"):
        if folded.get(name) is not None and not isinstance(folded[name], str):
            raise bad_request(INVALID_VALUE, f"SearchRequest {name} must be a string")
    for name in ("startindex", "count"):
        value = folded.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | str)):
            raise bad_request(INVALID_VALUE, f"SearchRequest {name} must be an integer")
    return Query(
        filter=folded.get("filter"),
        sort_by=folded.get("sortby"),
        sort_order=folded.get("sortorder"),
        start_index=folded.get("startindex"),
        count=folded.get("count"),
        attributes=_names(folded.get("attributes"), "attributes"),
        excluded=_names(folded.get("excludedattributes"), "excludedAttributes"),
    )


async def _ping(request: Request) -> Response:
    return PlainTextResponse("pong")


def _health(account: Account) -> Endpoint:
    """The 1Password bridge's /health report (docker/README.md of 1Password/scim-examples)."""

    async def health(request: Request) -> Response:
        now = account.clock()
        expires = timestamp(now + timedelta(seconds=account.confirmation_interval or 300))
        reports = [
            ("ConfirmationWatcher", "healthy"),
            ("SCIMServer", "healthy"),
            ("StartProvisionWatcher", "healthy" if account.provisioning else "unhealthy"),
        ]
        body = {
            "build": scimcert.__version__.replace(".", ""),
            "version": scimcert.__version__,
            "reports": [{"source": source, "time": timestamp(now), "expires": expires,
                         "state": state} for source, state in reports],
            "retrievedAt": timestamp(now),
        }
        return Response(dumps(body), media_type="application/json")

    return health


async def _not_implemented(request: Request) -> Response:
    raise ScimError(501, "/Me is not implemented: the bridge authenticates IdPs, not users")


async def _http_error(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
    elif exc.status_code == 404:
        detail = f"no SCIM endpoint at {request.url.path}"
    else:
        detail = str(exc.detail)
    return error_response(ScimError(exc.status_code, detail), dict(exc.headers or {}))


def _too_large(limit: int) -> ScimError:
    return ScimError(413, f"the request body is larger than maxPayloadSize ({limit} bytes)")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _params(request: Request) -> dict[str, str]:
    return {k.lower(): v for k, v in request.query_params.items()}


def _split(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    return names or None


def _names(value: Any, what: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return _split(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v for v in value if v.strip()] or None
    raise bad_request(INVALID_VALUE, f"SearchRequest {what} must be a list of attribute names")


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return value
    return None


def _local_path(scope: Scope) -> str:
    path, root = scope["path"], scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root) else path


def _within(path: str, base_path: str) -> bool:
    return not base_path or path == base_path or path.startswith(base_path + "/")
