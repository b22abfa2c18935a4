"""Seed files: the 1Password account state a bridge starts from (schemas/data/seed.schema.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from scimcert import paths
from scimcert.bridge.account import ACTIVE, Account
from scimcert.scim.errors import ScimError


class SeedError(Exception):
    """A seed file that cannot be read or does not fit the seed schema; str() is one line."""


def read(path: Path | str) -> dict[str, Any]:
    """The seed document at `path`, checked against the seed schema."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SeedError(f"cannot read seed file {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise SeedError(f"seed file {path} is not valid JSON: {exc}") from None
    schema = json.loads((paths.schemas() / "data" / "seed.schema.json").read_text("utf-8"))
    errors = jsonschema.Draft202012Validator(schema).iter_errors(data)
    error = jsonschema.exceptions.best_match(errors)
    if error is not None:
        where = "/" + "/".join(str(p) for p in error.absolute_path)
        raise SeedError(f"seed file {path} is invalid at {where}: {error.message}")
    return data


def apply(account: Account, data: dict[str, Any]) -> Account:
    """Add the seed's users and groups to `account` and set its switches."""
    if "provisioning" in data:
        account.provisioning = data["provisioning"]
    if "confirmationInterval" in data:
        account.confirmation_interval = data["confirmationInterval"]
    try:
        for user in data.get("users", ()):
            attributes = {k: v for k, v in user.items() if k not in ("userName", "state")}
            account.add_user(user["userName"], state=user.get("state", ACTIVE), **attributes)
        for group in data.get("groups", ()):
            account.add_group(group["displayName"], members=group.get("members", ()),
                              managed=group.get("managed", False))
    except ScimError as exc:
        raise SeedError(f"seed is inconsistent: {exc.detail}") from None
    return account


def load(path: Path | str, **account_options: Any) -> Account:
    """A new account holding the seed at `path`."""
    return apply(Account(**account_options), read(path))
