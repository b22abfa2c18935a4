"""The session-start probe: is the target usable at all? One clear line if it is not."""

from __future__ import annotations

from typing import Any

from scimcert.harness.client import Client, TargetError

# Exit status of a run whose target cannot be used (pytest's own codes stop at 5).
UNUSABLE = 3


class Unusable(RuntimeError):
    """The target cannot be tested: it is down, refuses the token, or is not a SCIM endpoint."""


def probe(client: Client) -> dict[str, Any]:
    """GET /ServiceProviderConfig and return its body, or raise `Unusable` saying why not."""
    where = client.redactor(client.base_url)
    try:
        resp = client.get("/ServiceProviderConfig")
    except TargetError as exc:
        error = client.last.error if client.last else str(exc)
        raise Unusable(f"cannot use {where}: {error}") from None
    if resp.status_code in (401, 403):
        given = "the token was refused" if client.last and client.last.credential else \
            "no token was given (pass --scim-token or SCIM_TOKEN)"
        raise Unusable(f"token refused by {where}: GET /ServiceProviderConfig answered "
                       f"{resp.status_code}; {given}")
    media = resp.headers.get("content-type", "").split(";")[0].strip() or "no content type"
    if resp.status_code != 200:
        raise Unusable(f"not a SCIM endpoint: GET {where}/ServiceProviderConfig answered "
                       f"{resp.status_code} ({media})")
    try:
        body = resp.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise Unusable(f"not a SCIM endpoint: GET {where}/ServiceProviderConfig answered "
                       f"{media}, not a JSON object")
    return body
