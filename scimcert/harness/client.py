"""The recording SCIM client the suites talk through: every exchange kept, secrets redacted."""

from __future__ import annotations

import time
from typing import Any

import httpx

from scimcert.harness.exchange import TAPE, Exchange, Redactor, Tape

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SCIM_JSON = "application/scim+json"


class WritesNotAllowed(RuntimeError):
    """A write was attempted against a target the run may only read."""


class TargetError(RuntimeError):
    """The target did not answer: connection refused, TLS failure, timeout …"""


class Client:
    """Sends SCIM requests relative to the target's base URL and records each exchange."""

    def __init__(self, http: httpx.Client, base_url: str, *, token: str | None,
                 allow_writes: bool, redactor: Redactor, tape: Tape = TAPE,
                 target_token: str | None = None) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._target_token = token if target_token is None else target_token
        self.allow_writes = allow_writes
        self.redactor = redactor
        self.tape = tape
        self.exchanges: list[Exchange] = []

    def __repr__(self) -> str:
        auth = "no auth" if self._token is None else "bearer ***"
        mode = "read-write" if self.allow_writes else "read-only"
        return f"<scim Client {self.base_url} {auth} {mode}>"

    @property
    def last(self) -> Exchange | None:
        return self.exchanges[-1] if self.exchanges else None

    def with_token(self, token: str) -> Client:
        """The same target with another bearer token (the token is redacted like the real one)."""
        return self._derive(token)

    def without_auth(self) -> Client:
        """The same target with no Authorization header."""
        return self._derive(None)

    def _derive(self, token: str | None) -> Client:
        derived = Client(self.http, self.base_url, token=token, allow_writes=self.allow_writes,
                         redactor=self.redactor.with_secrets(token), tape=self.tape,
                         target_token=self._target_token)
        derived.exchanges = self.exchanges
        return derived

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return self.base_url + "/" + path.lstrip("/")

    def get(self, path: str, params: Any = None, headers: dict[str, str] | None = None
            ) -> httpx.Response:
        return self.request("GET", path, params=params, headers=headers)

    def post(self, path: str, json: Any = None, content: bytes | str | None = None,
             headers: dict[str, str] | None = None) -> httpx.Response:
        return self.request("POST", path, json=json, content=content, headers=headers)

    def put(self, path: str, json: Any = None, content: bytes | str | None = None,
            headers: dict[str, str] | None = None) -> httpx.Response:
        return self.request("PUT", path, json=json, content=content, headers=headers)

    def patch(self, path: str, json: Any = None, content: bytes | str | None = None,
              headers: dict[str, str] | None = None) -> httpx.Response:
        return self.request("PATCH", path, json=json, content=content, headers=headers)

    def delete(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return self.request("DELETE", path, headers=headers)

    def request(self, method: str, path: str, *, params: Any = None, json: Any = None,
                content: bytes | str | None = None, headers: dict[str, str] | None = None
                ) -> httpx.Response:
        """Send one request; raise `WritesNotAllowed` before sending a write in read-only mode."""
        method = method.upper()
        url = self.url(path)
        if not self.allow_writes and is_write(method, url):
            raise WritesNotAllowed(
                f"read-only run: refusing {method} {self.redactor(url)} (pass --allow-writes)")
        request = self.http.build_request(method, url, params=params, json=json, content=content,
                                          headers=self._headers(headers, json is not None))
        started = time.perf_counter()
        try:
            response = self.http.send(request)
        except httpx.TransportError as exc:
            exchange = self._record(request, None, time.perf_counter() - started,
                                    self.redactor(describe(exc)))
            raise TargetError(f"{exchange.title}") from None
        response.read()
        exchange = self._record(request, response, time.perf_counter() - started, None)
        response.extensions = {**response.extensions, "scimcert.exchange": exchange}
        return response

    def _headers(self, extra: dict[str, str] | None, has_json: bool) -> dict[str, str]:
        headers = {"Accept": SCIM_JSON}
        if has_json:
            headers["Content-Type"] = SCIM_JSON
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
            credential = "target" if auth == f"Bearer {self._target_token}" else "other"
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
        self.exchanges.append(exchange)
        self.tape.record(exchange)
        return exchange


def is_write(method: str, url: str) -> bool:
    # RFC 7644 §3.4.3: POST to a ".search" endpoint is a query and changes nothing.
    if method == "POST" and httpx.URL(url).path.rstrip("/").endswith("/.search"):
        return False
    return method in WRITE_METHODS


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
