"""`scimcert mapping check FILE [--url URL] [--token T] [--directory FILE]`: a mapping's
findings (check.py), exit 1 when any is an error, 2 when the mapping, the directory or the
bridge cannot be read at all."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import httpx

from scimcert.idp.mapping.check import ERROR, Finding, check, check_directory, check_schemas
from scimcert.idp.mapping.errors import MappingError
from scimcert.idp.mapping.rules import Mapping, read
from scimcert.wire.client import Client, TargetError
from scimcert.wire.redaction import Redactor
from scimcert.wire.sink import Discard
from scimcert.wire.transport import network

TOKEN_ENV = "SCIM_TOKEN"


class Unusable(Exception):
    """An input that cannot be read at all: one line on stderr, exit 2."""


def add_parser(subparsers: argparse._SubParsersAction) -> argparse._SubParsersAction:
    """Add `mapping` and its `check` action; returns the actions so others (`eval`) plug in."""
    parser = subparsers.add_parser(
        "mapping", help="check Entra ID attribute mappings before saving them",
        description="Entra ID attribute mappings: our JSON (fixtures/mappings/) or the "
                    "provisioning schema Entra's schema editor downloads.")
    actions = parser.add_subparsers(dest="mapping_command", required=True, metavar="ACTION")
    checker = actions.add_parser(
        "check", help="flag what the 1Password + Entra ID guide warns about",
        description="Flag a mapping's mistakes: userName not from a routable email, no active "
                    "or one that never deactivates, a target mapped twice, no matching "
                    "attribute, an expression that does not compile; with --url, targets the "
                    "bridge's /Schemas does not declare; with --directory, the users whose "
                    "userName would not be routable. Exit 1 on any error.")
    checker.add_argument("file", type=Path, help="the mapping (our JSON or Entra's export)")
    checker.add_argument("--url", help="SCIM base URL of the bridge whose /Schemas to check "
                                       "the targets against")
    checker.add_argument("--token", help=f"bearer token for --url (better: ${TOKEN_ENV})")
    checker.add_argument("--directory", type=Path,
                         help="JSON object with a `users` list of Entra users")
    checker.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    checker.set_defaults(handler=run_check)
    return actions


def run_check(args: argparse.Namespace) -> int:
    token = args.token or os.environ.get(TOKEN_ENV) or None
    redact = Redactor([token])
    try:
        mapping = read(args.file)
        findings = check(mapping)
        if args.directory is not None:
            findings += check_directory(mapping, _users(args.directory))
        if args.url:
            findings += check_schemas(mapping, _schemas(args.url, token, redact, args.timeout))
    except (MappingError, Unusable) as exc:
        print(f"scimcert: {redact(str(exc))}", file=sys.stderr)
        return 2
    print(redact(_report(args.file, mapping, findings)))
    return 1 if any(f.level == ERROR for f in findings) else 0


def _report(file: Path, mapping: Mapping, findings: list[Finding]) -> str:
    counts = ", ".join(f"{len(mapping.of(o))} {o.lower()} rows" for o in mapping.objects)
    lines = [f"{file}: mapping {mapping.name!r} ({counts or 'no rows'})"]
    lines += [str(f) for f in findings]
    errors = sum(f.level == ERROR for f in findings)
    warnings = len(findings) - errors
    if findings:
        lines.append(f"{errors} error{'s' * (errors != 1)}, "
                     f"{warnings} warning{'s' * (warnings != 1)}")
    else:
        lines.append("no findings")
    return "\n".join(lines)


def _users(file: Path) -> list[Any]:
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise Unusable(f"cannot read {file}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Unusable(f"{file} is not JSON: {exc}") from None
    users = document.get("users") if isinstance(document, dict) else None
    if not isinstance(users, list):
        raise Unusable(f"{file} is not a directory: a JSON object with a `users` list")
    return users


def _schemas(url: str, token: str | None, redact: Redactor, timeout: float) -> list[Any]:
    """The schema resources the bridge serves on /Schemas."""
    if not url.startswith(("http://", "https://")):
        raise Unusable(f"--url {url!r} is not an http(s) URL")
    with network(timeout=timeout) as http:
        client = Client(http, url, token=token, allow_writes=False, redactor=redact,
                        sink=Discard())
        try:
            response = client.get("Schemas")
        except TargetError as exc:
            raise Unusable(f"cannot reach {redact(url)}: {exc.cause}") from None
        except httpx.InvalidURL as exc:
            raise Unusable(f"--url {redact(url)!r} is not a usable URL: {exc}") from None
    if response.status_code != 200:
        raise Unusable(f"GET {redact(client.url('Schemas'))} answered {response.status_code} "
                       f"{response.reason_phrase}, not 200")
    try:
        body = response.json()
    except ValueError:
        raise Unusable(f"GET {redact(client.url('Schemas'))} answered no JSON") from None
    resources = body.get("Resources") if isinstance(body, dict) else body
    if not isinstance(resources, list):
        raise Unusable(f"GET {redact(client.url('Schemas'))} answered no list of schemas")
    return resources
