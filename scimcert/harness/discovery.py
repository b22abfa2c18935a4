"""What the target says about itself (RFC 7644 §4), and whether it can be tested at all.

A target is usable when it answers SCIM on /ServiceProviderConfig or, lacking discovery
documents (Entra and Okta never ask for them), on /Users. Missing discovery is graded by the
discovery suite; every other suite goes on with the RFC's defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from scimcert.wire import Client, TargetError

# Exit status of a run whose target cannot be used (pytest's own codes stop at 5).
UNUSABLE = 3
# ServiceProviderConfig keys of the features a test may require (RFC 7643 §5).
FEATURES = ("patch", "bulk", "filter", "changePassword", "sort", "etag")
# Without a ServiceProviderConfig, PATCH and filtering are assumed: Entra ID and Okta require
# both of every SCIM app and use them without asking (learn.microsoft.com/entra/identity/
# app-provisioning/use-scim-to-provision-users-and-groups, "Understand the Microsoft Entra SCIM
# implementation"); the optional features count as not offered.
ASSUMED = {"patch": True, "filter": True}


class Unusable(RuntimeError):
    """The target cannot be tested: it is down, refuses the token, or is not a SCIM endpoint."""


@dataclass(frozen=True)
class Discovery:
    """The target's ServiceProviderConfig, or why it has none to read."""

    spc: Mapping[str, Any] | None
    problem: str | None = None

    def supports(self, feature: str) -> bool:
        """Whether the target offers `feature`: as its ServiceProviderConfig advertises it, or
        as assumed without one."""
        if feature not in FEATURES:
            raise KeyError(f"unknown feature {feature!r}; one of {', '.join(FEATURES)}")
        if self.spc is None:
            return ASSUMED.get(feature, False)
        entry = self.spc.get(feature)
        return isinstance(entry, Mapping) and entry.get("supported") is True

    def why_not(self, feature: str) -> str:
        if self.spc is None:
            return f"the target serves no ServiceProviderConfig and {feature} is optional"
        return f"ServiceProviderConfig does not advertise {feature}"


def probe(client: Client) -> Discovery:
    """Read /ServiceProviderConfig (falling back to /Users), or raise `Unusable` saying why."""
    where = client.redactor(client.base_url)
    resp = _get(client, "/ServiceProviderConfig", where)
    spc = _json_object(resp)
    if resp.status_code == 200 and spc is not None:
        return Discovery(spc)
    first = f"GET {where}/ServiceProviderConfig answered {_answer(resp)}"
    users = _get(client, "/Users", where, params={"startIndex": 1, "count": 1})
    listing = _json_object(users)
    if users.status_code == 200 and listing is not None and (
            "Resources" in listing or "totalResults" in listing):
        return Discovery(None, problem=first)
    raise Unusable(f"not a SCIM endpoint: {first}, and GET {where}/Users answered "
                   f"{_answer(users)}")


def _get(client: Client, path: str, where: str, **how: Any) -> httpx.Response:
    try:
        resp = client.get(path, **how)
    except TargetError as exc:
        raise Unusable(f"cannot use {where}: {exc.cause}") from None
    if resp.status_code in (401, 403):
        given = "the token was refused" if client.has_token else \
            "no token was given (pass --scim-token or SCIM_TOKEN)"
        raise Unusable(f"token refused by {where}: GET {path} answered {resp.status_code}; "
                       f"{given}")
    return resp


def _json_object(resp: httpx.Response) -> dict[str, Any] | None:
    try:
        body = resp.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _answer(resp: httpx.Response) -> str:
    media = resp.headers.get("content-type", "").split(";")[0].strip() or "no content type"
    return f"{resp.status_code} ({media})"


def endpoint_path(endpoint: str, base_url: str) -> str:
    """A resource type's endpoint as a path under the base URL (`/Users`), whether the target
    wrote it relative to the base URL as RFC 7643 §6 describes, as an absolute path, or as a
    full URL; the discovery suite grades the form, every other suite just finds the endpoint."""
    base_path = httpx.URL(base_url).path.rstrip("/")
    path = httpx.URL(endpoint).path if endpoint.startswith(("http://", "https://")) else endpoint
    path = "/" + path.lstrip("/")
    if base_path and (path == base_path or path.startswith(base_path + "/")):
        path = path[len(base_path):] or "/"
    return path.rstrip("/") or "/"
