"""HTTP-level defects: thin ASGI wrappers around the reference bridge that edit the request or the
answer, for defects that live in the HTTP layer rather than in one part of the bridge.

`@answers`, `@requests` and `@refuses(...)` turn a small function into a bridge factory named
after it, so it can carry `@defect(...)` like any factory.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scimcert.bridge.app import create_app
from scimcert.scim.errors import ScimError

Headers = list[tuple[bytes, bytes]]
Factory = Callable[..., ASGIApp]


class Exchange:
    """One request and its buffered answer, as a wrapper may edit them."""

    # A plain class, not a dataclass: a file loaded by path (as --scim-app loads an area module)
    # may be missing from sys.modules, where @dataclass looks up the module of string annotations.
    def __init__(self, method: str, path: str = "", query: bytes = b"",
                 sent: Headers = ()) -> None:
        self.method = method
        self.path = path
        self.query = dict(parse_qsl(query.decode("latin-1")))
        self.sent = dict(sent)
        self.status = 0
        self.headers: Headers = []
        self.body = b""

    def header(self, name: bytes) -> bytes | None:
        return next((v for k, v in self.headers if k == name), None)

    def set_header(self, name: bytes, value: bytes | None) -> None:
        self.headers = [(k, v) for k, v in self.headers if k != name]
        if value is not None:
            self.headers.append((name, value))

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def set_body(self, body: bytes, media_type: bytes | None = None) -> None:
        self.body = body
        self.set_header(b"content-length", str(len(body)).encode())
        if media_type is not None:
            self.set_header(b"content-type", media_type)

    def set_json(self, body: Any) -> None:
        self.set_body(json.dumps(body).encode())


Edit = Callable[[Exchange], None]
RequestEdit = Callable[[Scope, Sequence[str]], Scope]


class Rewrite:
    """ASGI middleware: lets `on_request` change the request scope, buffers the answer and lets
    `on_answer` change its status, headers or body."""

    def __init__(self, app: ASGIApp, tokens: Sequence[str], *, on_answer: Edit | None = None,
                 on_request: RequestEdit | None = None) -> None:
        self.app = app
        self.tokens = tokens
        self.on_answer = on_answer
        self.on_request = on_request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.on_request is not None:
            scope = self.on_request(scope, self.tokens)
        if self.on_answer is None:
            await self.app(scope, receive, send)
            return
        exchange = Exchange(scope["method"], scope["path"], scope.get("query_string", b""),
                            scope["headers"])

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                exchange.status = message["status"]
                exchange.headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                exchange.body += message.get("body", b"")

        await self.app(scope, receive, capture)
        self.on_answer(exchange)
        await send({"type": "http.response.start", "status": exchange.status,
                    "headers": exchange.headers})
        await send({"type": "http.response.body", "body": exchange.body})


def answers(edit: Edit) -> Factory:
    """A factory of the reference bridge whose every answer passes through `edit`."""

    @functools.wraps(edit)
    def factory(*, tokens: Sequence[str] = (), **options: Any) -> Rewrite:
        return Rewrite(create_app(tokens=tokens, **options), tokens, on_answer=edit)

    return factory


def requests(edit: RequestEdit) -> Factory:
    """A factory of the reference bridge that sees every request as `edit` rewrites it."""

    @functools.wraps(edit)
    def factory(*, tokens: Sequence[str] = (), **options: Any) -> Rewrite:
        return Rewrite(create_app(tokens=tokens, **options), tokens, on_request=edit)

    return factory


def refuses(status: int, detail: str) -> Callable[[Callable[[Scope], bool]], Factory]:
    """A factory of the reference bridge behind a check that answers a SCIM error `status`
    to every request the decorated predicate holds for."""

    def wrap(when: Callable[[Scope], bool]) -> Factory:
        @functools.wraps(when)
        def factory(**options: Any) -> ASGIApp:
            app = create_app(**options)

            async def refusing(scope: Scope, receive: Receive, send: Send) -> None:
                if scope["type"] != "http" or not when(scope):
                    await app(scope, receive, send)
                    return
                body = json.dumps(ScimError(status, detail).body()).encode()
                await send({"type": "http.response.start", "status": status,
                            "headers": [(b"content-type", b"application/scim+json"),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})

            return refusing

        return factory

    return wrap


def sent(scope: Scope, name: bytes) -> bytes:
    """The request header `name`, lower-cased, or b""."""
    return dict(scope["headers"]).get(name, b"").lower()


def with_authorization(scope: Scope, value: bytes) -> Scope:
    headers = [(k, v) for k, v in scope["headers"] if k != b"authorization"]
    return {**scope, "headers": [*headers, (b"authorization", value)]}


def as_plain_json(exchange: Exchange) -> None:
    """Serve a SCIM body as application/json."""
    media = exchange.header(b"content-type")
    if media is not None and media.startswith(b"application/scim+json"):
        exchange.set_header(b"content-type", b"application/json")


def edit_error(exchange: Exchange, status: int, change: Callable[[dict[str, Any]], Any]) -> None:
    """Replace the Error body of an answer with status `status` by `change(body)`."""
    body = exchange.json()
    if exchange.status == status and isinstance(body, dict):
        exchange.set_json(change(body))


def rename_scim_type(exchange: Exchange, old: str, new: str) -> None:
    """Give a 400 Error with scimType `old` the scimType `new`."""
    edit_error(exchange, 400, lambda body: {**body, "scimType": new}
               if body.get("scimType") == old else body)
