"""The recording SCIM client: requests relative to the target's base URL, credentials kept to the
target's own origin, writes refused on a read-only run, every exchange recorded, redacted."""

from __future__ import annotations

import time
from typing import Any

import httpx

from scimcert.wire.exchange import Exchange
from scimcert.wire.guard import WritesNotAllowed, is_write
from scimcert.wire.redaction import Redactor
from scimcert.wire.sink import Sink

SCIM_JSON = "application/scim+json"
TARGET = "target"
OTHER = "other"


class TargetError(RuntimeError):
    """The target did not answer: connection refused, TLS failure, timeout … `cause` says
    which, in one line with secrets masked."""

    def __init__(self, title: str, cause: str) -> None:
        super().__init__(title)
        self.cause = cause


class Client:
    """Sends SCIM requests relative to `base_url` and records each exchange into `sink`.

    The bearer token and the extra `headers` (API keys, tenant headers) go only to the base URL's
    origin: an absolute URL the target answers with (a bulk `location`, a `$ref`) on another
    host is fetched without them, so a target cannot leak its own credentials to a third party.
    """

    def __init__(self, http: httpx.Client, base_url: str, *, token: str | None,
                 allow_writes: bool, redactor: Redactor, sink: Sink,
                 headers: tuple[tuple[str, str], ...] = (),
                 target_token: str | None = None) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        base = httpx.URL(self.base_url)
        self.origin = _origin(base)
        self._base_path = base.raw_path.decode("ascii").rstrip("/")
        self._token = token
        self._target_token = token if target_token is None else target_token
        self._headers = headers
        self.allow_writes = allow_writes
        self.redactor = redactor
        self.sink = sink

    def __repr__(self) -> str:
        auth = "no auth" if self._token is None else "bearer ***"
        mode = "read-write" if self.allow_writes else "read-only"
        return f"<scim Client {self.base_url} {auth} {mode}>"

    @property
    def has_token(self) -> bool:
        return self._token is not None

    @property
    def last(self) -> Exchange | None:
        return getattr(self.sink, "last", None)

    def with_token(self, token: str) -> Client:
        """The same target with another bearer token (the token is redacted like the real one)."""
        return self._derive(token=token, redactor=self.redactor.with_secrets(token))

    def without_auth(self) -> Client:
        """The same target with no Authorization header."""
        return self._derive(token=None)

    def recording(self, sink: Sink) -> Client:
        """The same target, recording into `sink`."""
        return self._derive(sink=sink)

    def _derive(self, **changes: Any) -> Client:
        options: dict[str, Any] = {
            "token": self._token, "allow_writes": self.allow_writes, "redactor": self.redactor,
            "sink": self.sink, "headers": self._headers, "target_token": self._target_token}
        options.update(changes)
        return Client(self.http, self.base_url, **options)

    def url(self, path: str) -> str:
        """`path` under the base URL. An absolute URL is kept as it is, and so is a path that
        already starts with the base URL's path (a `location` or `$ref` a target wrote as an
        absolute path, `/scim/v2/Users/1`), resolved against the target's origin."""
        if path.startswith(("http://", "https://")):
            return path
        base_path = self._base_path
        if base_path and path.startswith(base_path + "/"):
            return self.base_url[:-len(base_path)] + path
        return self.base_url + "/" + path.lstrip("/")

    def at_target(self, url: str) -> bool:
        """Whether `url` is on the target's own origin (scheme, host and port)."""
        if url.startswith(self.base_url + "/"):
            return True
        return _origin(httpx.URL(url)) == self.origin

    def get(self, path: str, params: Any = None, headers: dict[str, str] | None = None
            ) -> httpx.Response:
        return self.request("GET", path, params=params, headers=headers)

    def post(self, path: str, json: Any = None, content: bytes | str | None = None,
             headers: dict[str, str] | None = None, params: Any = None) -> httpx.Response:
        return self.request("POST", path, json=json, content=content, headers=headers,
                            params=params)

    def put(self, path: str, json: Any = None, content: bytes | str | None = None,
            headers: dict[str, str] | None = None, params: Any = None) -> httpx.Response:
        return self.request("PUT", path, json=json, content=content, headers=headers,
                            params=params)

    def patch(self, path: str, json: Any = None, content: bytes | str | None = None,
              headers: dict[str, str] | None = None, params: Any = None) -> httpx.Response:
        return self.request("PATCH", path, json=json, content=content, headers=headers,
                            params=params)

    def delete(self, path: str, headers: dict[str, str] | None = None,
               params: Any = None) -> httpx.Response:
        return self.request("DELETE", path, headers=headers, params=params)

    def request(self, method: str, path: str, *, params: Any = None, json: Any = None,
                content: bytes | str | None = None, headers: dict[str, str] | None = None
                ) -> httpx.Response:
        """Send one request; raise `WritesNotAllowed` before sending a write in read-only mode."""
        method = method.upper()
        url = self.url(path)
        if not self.allow_writes and is_write(method, url):
            raise WritesNotAllowed(f"read-only run: refusing {method} {self.redactor(url)} "
                                   "(allow writes: --allow-writes or --scim-allow-writes)")
        own = self.at_target(url)
        request = self.http.build_request(
            method, url, params=params, json=json, content=content,
            headers=self._request_headers(headers, json is not None, credentials=own))
        started = time.perf_counter()
        try:
            response = self.http.send(request)
        except httpx.TransportError as exc:
            cause = self.redactor(describe(exc))
            exchange = self._record(request, None, time.perf_counter() - started, cause)
            raise TargetError(exchange.title, cause) from None
        response.read()
        exchange = self._record(request, response, time.perf_counter() - started, None)
        response.extensions = {**response.extensions, "scimcert.exchange": exchange}
        return response

    def _request_headers(self, extra: dict[str, str] | None, has_json: bool, *,
                         credentials: bool) -> dict[str, str]:
        headers = {"Accept": SCIM_JSON}
        if has_json:
            headers["Content-Type"] = SCIM_JSON
        if credentials:
            headers.update(self._headers)
            if self._token is not None:
                headers["Authorization"] = f"Bearer {self._token}"
        headers.update(extra or {})
        return headers

    def _record(self, request: httpx.Request, response: httpx.Response | None,
                elapsed: float, error: str | None) -> Exchange:
        redact = self.redactor
        auth = request.headers.get("authorization")
        credential = None
        if auth is not None:
            credential = TARGET if auth == f"Bearer {self._target_token}" else OTHER
        exchange = Exchange(
            method=request.method,
            url=redact(str(request.url)),
            request_headers=redact.headers(request.headers.multi_items()),
            request_body=redact(request.content.decode("utf-8", "replace")),
            status=response.status_code if response is not None else None,
            reason=response.reason_phrase if response is not None else "",
            response_headers=redact.headers(response.headers.multi_items()) if response else (),
            response_body=redact(response.text) if response is not None else "",
            elapsed=elapsed,
            error=error,
            credential=credential,
        )
        self.sink.record(exchange)
        return exchange


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    port = url.port or {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host.lower(), port


def json_of(response: httpx.Response | None) -> Any:
    """The JSON body of `response`; None when there is none or it is not JSON."""
    if response is None:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def exchange_of(response: httpx.Response) -> Exchange | None:
    """The recorded exchange a response came from."""
    return response.extensions.get("scimcert.exchange")


def describe(exc: httpx.TransportError) -> str:
    """A one-line human cause for a transport failure."""
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({type(exc).__name__})"
    lowered = text.lower()
    if "certificate" in lowered or "ssl" in lowered or "tls" in lowered:
        return f"TLS failure: {text}"
    if "name or service not known" in lowered or "nodename nor servname" in lowered \
            or "name resolution" in lowered or "getaddrinfo" in lowered:
        return f"cannot resolve host: {text}"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {text}"
    return f"{type(exc).__name__}: {text}"
