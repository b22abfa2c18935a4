"""The two ways to reach a target: over a socket by URL, or an ASGI app in-process (no port)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

IN_PROCESS_ORIGIN = "http://testserver"


def network(*, timeout: float, verify: bool | str = True) -> httpx.Client:
    """An HTTP client for a target reached by URL; redirects are not followed (a SCIM answer
    never redirects, and a followed redirect could carry credentials elsewhere)."""
    return httpx.Client(timeout=timeout, verify=verify, follow_redirects=False)


def in_process(app: Any) -> httpx.Client:
    """An HTTP client whose requests run in `app`, an ASGI application, on this thread."""
    return httpx.Client(transport=ASGIBridge(app), base_url=IN_PROCESS_ORIGIN)


class ASGIBridge(httpx.BaseTransport):
    """A synchronous transport into an ASGI app: each request runs on a private event loop.

    httpx's own ASGITransport is async-only and Starlette's TestClient is deprecated with httpx,
    so the synchronous client reaches the app through this thin adapter.
    """

    def __init__(self, app: Any) -> None:
        self.loop = asyncio.new_event_loop()
        # Server exceptions become 500 answers, which the suites judge like any other answer.
        self.asgi = httpx.ASGITransport(app=app, raise_app_exceptions=False)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.loop.run_until_complete(self._send(request))

    async def _send(self, request: httpx.Request) -> httpx.Response:
        response = await self.asgi.handle_async_request(request)
        content = await response.aread()
        return httpx.Response(response.status_code, headers=response.headers, content=content,
                              request=request)

    def close(self) -> None:
        self.loop.close()
