"""`scimcert mapping eval`: what one directory user becomes under a mapping — the source values
the mapping reads (with the computed `IsSoftDeleted`), then each target attribute it sends on
create and on a later update — without a target."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from scimcert.idp.directory import Directory, DirectoryError
from scimcert.idp.mapping import Context, Mapping, MappingError

BAD_OPTIONS = 2
FAILED = 1


def add_parser(subparsers: Any) -> None:
    """Register `eval` under the `mapping` command's subparsers."""
    parser = subparsers.add_parser(
        "eval", help="show what one directory user becomes under a mapping",
        description="Evaluate a mapping for one user of a directory file: the values sent "
                    "when the user is created, and those a later update compares.")
    parser.add_argument("file", type=Path, help="the mapping: our JSON or Entra's export")
    parser.add_argument("--user", required=True,
                        help="the user: id, userPrincipalName, mail or display name")
    parser.add_argument("--directory", type=Path, required=True, help="directory file")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        mapping = Mapping.load(args.file)
        directory = Directory.load(args.directory)
    except (MappingError, DirectoryError) as exc:
        print(f"scimcert mapping eval: {exc}", file=sys.stderr)
        return BAD_OPTIONS
    uid = directory.find_user(args.user)
    if uid is None:
        print(f"scimcert mapping eval: no user {args.user!r} in {args.directory}",
              file=sys.stderr)
        return BAD_OPTIONS
    try:
        found = evaluate(mapping, directory, uid)
    except MappingError as exc:
        print(f"scimcert mapping eval: {exc}", file=sys.stderr)
        return FAILED
    if args.format == "json":
        print(json.dumps(found, indent=2, ensure_ascii=False))
    else:
        print("\n".join(lines(found)))
    return 0


def evaluate(mapping: Mapping, directory: Directory, uid: str,
             context: Context | None = None) -> dict[str, Any]:
    """The user's scope, the source values the mapping's rows read, and the target values on
    create and on update."""
    context = context or Context()
    source = directory.source(uid)
    read = {r.source for r in mapping.of("User") if r.kind == "attribute"}
    return {
        "user": uid,
        "inScope": directory.in_scope(uid),
        "IsSoftDeleted": source["IsSoftDeleted"],
        "source": {k: source[k] for k in source if k in read or k == "IsSoftDeleted"},
        "create": mapping.evaluate(source, creating=True, context=context),
        "update": mapping.evaluate(source, creating=False, context=context),
    }


def lines(found: dict[str, Any]) -> list[str]:
    out = [f"user {found['user']}: {'in scope' if found['inScope'] else 'out of scope'}, "
           f"IsSoftDeleted {found['IsSoftDeleted']}", "source:"]
    out += [f"  {k} = {json.dumps(v, ensure_ascii=False)}" for k, v in found["source"].items()]
    out.append("on create:")
    out += [f"  {k} = {json.dumps(v, ensure_ascii=False)}" for k, v in found["create"].items()]
    only = {k: v for k, v in found["create"].items() if k not in found["update"]}
    if only:
        out.append("not sent on update (applied only during creation): " + ", ".join(only))
    return out
