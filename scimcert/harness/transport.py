"""The HTTP connection to the target: a URL over the network, or the reference bridge in-process."""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from scimcert.harness.client import Client
from scimcert.harness.exchange import Redactor
from scimcert.harness.target import Target

IN_PROCESS_ORIGIN = "http://testserver"
BRIDGE_BASE_PATH = "/scim/v2"


def in_process_token() -> str:
    """A fresh token for the in-process bridge of this process."""
    return secrets.token_urlsafe(24)


@contextmanager
def connect(target: Target) -> Iterator[Client]:
    """A recording client for `target`, closed (and the bridge stopped) on exit."""
    redactor = Redactor(target.secrets())
    if target.url is None:
        with _bridge(target) as http:
            yield Client(http, IN_PROCESS_ORIGIN + BRIDGE_BASE_PATH, token=target.token,
                         allow_writes=True, redactor=redactor)
        return
    verify: bool | str = target.ca_bundle or not target.insecure
    with httpx.Client(timeout=target.timeout, verify=verify, headers=dict(target.headers),
                      follow_redirects=False) as http:
        yield Client(http, target.url, token=target.token, allow_writes=target.allow_writes,
                     redactor=redactor)


class ASGIBridge(httpx.BaseTransport):
    """A synchronous transport into an ASGI app: each request runs on a private event loop.

    httpx's own ASGITransport is async-only and Starlette's TestClient is deprecated with httpx,
    so the suites' synchronous client reaches the bridge through this thin adapter; no port.
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


@contextmanager
def _bridge(target: Target) -> Iterator[httpx.Client]:
    app = load_factory(target.app)(tokens=[target.token] if target.token else [])
    with httpx.Client(transport=ASGIBridge(app), base_url=IN_PROCESS_ORIGIN,
                      headers=dict(target.headers)) as http:
        yield http


def load_factory(spec: str | None) -> Callable[..., Any]:
    """The ASGI app factory named by `--scim-app` (MODULE:NAME or file.py:NAME).

    Without one, the reference bridge's `create_app`; imported here since only in-process runs
    need the bridge.
    """
    if spec is None:
        from scimcert.bridge.app import create_app

        return create_app
    where, _, name = spec.rpartition(":")
    try:
        if where.endswith(".py") or "/" in where:
            module_spec = importlib.util.spec_from_file_location(Path(where).stem, where)
            if module_spec is None or module_spec.loader is None:
                raise ImportError(f"no Python file at {where}")
            module = importlib.util.module_from_spec(module_spec)
            # Registered before it runs, as an import would: dataclasses and pickling look
            # the module up by name.
            sys.modules[module_spec.name] = module
            module_spec.loader.exec_module(module)
        else:
            module = importlib.import_module(where)
        return getattr(module, name)
    except (ImportError, OSError, AttributeError) as exc:
        raise pytest.UsageError(f"--scim-app {spec}: {exc}") from None
