"""Connecting to the run's target: a URL over the network, or an ASGI app in-process."""

from __future__ import annotations

import importlib
import importlib.util
import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from scimcert.harness.target import Target
from scimcert.scim.tolerance import Tolerances
from scimcert.wire import Client, Redactor, Sink
from scimcert.wire.transport import IN_PROCESS_ORIGIN, in_process, network

BRIDGE_BASE_PATH = "/scim/v2"


def in_process_token() -> str:
    """A fresh token for the in-process bridge of this process."""
    return secrets.token_urlsafe(24)


@contextmanager
def connect(target: Target, sink: Sink,
            on_app: Callable[[Any], None] | None = None) -> Iterator[Client]:
    """A recording client for `target` (recording into `sink`), closed on exit; `on_app`
    hears of the ASGI app an in-process target runs."""
    redactor = Redactor(target.secrets())
    if target.url is None:
        options: dict[str, Any] = {"tokens": [target.token] if target.token else []}
        if target.strict_bridge:
            options["tolerances"] = Tolerances.none()
        app = load_factory(target.app)(**options)
        if on_app is not None:
            on_app(app)
        with in_process(app) as http:
            yield Client(http, IN_PROCESS_ORIGIN + BRIDGE_BASE_PATH, token=target.token,
                         allow_writes=True, redactor=redactor, sink=sink, headers=target.headers)
        return
    verify: bool | str = target.ca_bundle or not target.insecure
    with network(timeout=target.timeout, verify=verify) as http:
        yield Client(http, target.url, token=target.token, allow_writes=target.allow_writes,
                     redactor=redactor, sink=sink, headers=target.headers)


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
