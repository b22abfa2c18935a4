"""`scimcert sync`: Entra ID's provisioning cycles from a directory file and an attribute mapping,
into a bridge by URL or, without one, into the reference bridge in-process.

The provisioning log is printed as it happens (and written as JSON lines with --log), then a
summary per outcome; the exit status is 1 when anything failed or the job was quarantined, 2 for
a bad option or a target that does not answer. The token comes from --token or SCIM_TOKEN and
is never printed.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from scimcert.harness.target import DEFAULT_TIMEOUT, SettingError, mask_url, parse_url
from scimcert.idp import log as logs
from scimcert.idp.cycle import ON_DEMAND_MEMBERS, Provisioner
from scimcert.idp.dialect import Dialect, names
from scimcert.idp.directory import Directory, DirectoryError
from scimcert.idp.mapping import Mapping, MappingError
from scimcert.wire import Client, Redactor, Ring
from scimcert.wire.transport import IN_PROCESS_ORIGIN, in_process, network

TOKEN_ENV = "SCIM_TOKEN"
BAD_OPTIONS = 2
FAILED = 1
# Exchanges kept for a failure's evidence: the newest few, never the whole run.
KEPT_EXCHANGES = 20


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sync", help="run Entra ID provisioning cycles from a directory file into a bridge",
        description="Simulate Entra ID's provisioning service: the initial cycle, then "
                    "incremental cycles after each batch of the directory's changes, or one "
                    "user on demand. Without --url it syncs into the reference bridge "
                    "in-process (seeded as the directory file says).")
    parser.add_argument("--url", help="SCIM base URL of the bridge (default: in-process)")
    parser.add_argument("--token", help=f"bearer token (better: the {TOKEN_ENV} variable)")
    parser.add_argument("--directory", type=Path, required=True,
                        help="directory file (schemas/data/directory.schema.json)")
    parser.add_argument("--mapping", type=Path, required=True,
                        help="attribute mapping: our JSON or Entra's exported schema")
    parser.add_argument("--dialect", default="entra",
                        help=f"how requests are spelled: {', '.join(names())} (default entra)")
    parser.add_argument("--cycles", type=_positive, default=None,
                        help="cycles to run (default: 1 + one per batch of changes)")
    on_demand = parser.add_mutually_exclusive_group()
    on_demand.add_argument("--on-demand", metavar="USER",
                           help="provision one user on demand (id, UPN, mail or display name)")
    on_demand.add_argument("--on-demand-group", metavar="GROUP",
                           help="provision one group on demand (id or display name) with up "
                                "to five of its members (--member; default: its first five)")
    parser.add_argument("--member", action="append", default=[], metavar="USER",
                        help="with --on-demand-group: a member to provision (repeatable, "
                             "at most five)")
    parser.add_argument("--log", type=Path, help="also write the log here as JSON lines")
    parser.add_argument("--seed", type=Path,
                        help="in-process bridge: start from this seed instead of the "
                             "directory's own")
    parser.add_argument("--progress", action="store_true",
                        help="show progress on stderr (default: only on a terminal)")
    parser.add_argument("--quiet", action="store_true",
                        help="print the summary only, not each entry")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help=f"seconds per request (default {DEFAULT_TIMEOUT:g})")
    parser.set_defaults(handler=run)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


def fail(message: str, code: int = BAD_OPTIONS) -> int:
    print(f"scimcert sync: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    token = args.token or os.environ.get(TOKEN_ENV) or None
    try:
        url = parse_url(args.url) if args.url else None
        dialect = Dialect.load(args.dialect)
        directory = Directory.load(args.directory)
        mapping = Mapping.load(args.mapping)
    except (SettingError, DirectoryError, MappingError) as exc:
        return fail(str(exc))
    except KeyError as exc:
        return fail(str(exc.args[0]))
    if url is not None and token is None:
        return fail(f"no bearer token: pass --token or set {TOKEN_ENV}")
    if args.member and not args.on_demand_group:
        return fail("--member chooses members of --on-demand-group")
    if len(args.member) > ON_DEMAND_MEMBERS:
        return fail(f"provision on demand takes at most {ON_DEMAND_MEMBERS} members of a group")
    with ExitStack() as stack:
        try:
            client = connect(stack, url, token, args, directory)
        except (DirectoryError, ValueError) as exc:
            return fail(str(exc))
        return sync(client, directory, mapping, dialect, args, stack)


def connect(stack: ExitStack, url: str | None, token: str | None, args: argparse.Namespace,
            directory: Directory) -> Client:
    """A client for the bridge at `url`, or for a reference bridge in-process."""
    if url is not None:
        http = stack.enter_context(network(timeout=args.timeout))
        return Client(http, url, token=token, allow_writes=True,
                      redactor=Redactor([token] if token else []), sink=Ring(KEPT_EXCHANGES))
    from scimcert.bridge.account import Account
    from scimcert.bridge.app import create_app
    from scimcert.bridge.seed import SeedError, load

    seed = args.seed or directory.seed
    token = token or secrets.token_urlsafe(24)
    try:
        account = load(seed) if seed else Account()
    except SeedError as exc:
        raise ValueError(str(exc)) from None
    http = stack.enter_context(in_process(create_app(tokens=[token], account=account)))
    return Client(http, IN_PROCESS_ORIGIN + "/scim/v2", token=token, allow_writes=True,
                  redactor=Redactor([token]), sink=Ring(KEPT_EXCHANGES))


def sync(client: Client, directory: Directory, mapping: Mapping, dialect: Dialect,
         args: argparse.Namespace, stack: ExitStack) -> int:
    summary = logs.Summary()
    outputs: list[logs.Log] = [summary]
    if not args.quiet:
        outputs.append(logs.Printed(sys.stdout))
    if args.log is not None:
        try:
            stream = stack.enter_context(args.log.open("w", encoding="utf-8"))
        except OSError as exc:
            return fail(f"cannot write {args.log}: {exc.strerror or exc}")
        outputs.append(logs.JsonLines(stream))
    shown = args.progress or sys.stderr.isatty()
    provisioner = Provisioner(client, directory, mapping, logs.Tee(*outputs), dialect=dialect,
                              progress=Progress(sys.stderr) if shown else None)
    where = "the in-process reference bridge" if client.base_url.startswith(
        IN_PROCESS_ORIGIN) else mask_url(client.base_url)
    # Whether the target answers at all; what it answers is the first cycle's to log.
    probe = provisioner.test_connection(retried=False)
    if probe.code in (provisioner.rules.code("transport"), provisioner.rules.code("timeout")):
        return fail(f"{where} does not answer: {probe.detail}")
    if args.on_demand:
        provisioner.on_demand(args.on_demand)
    elif args.on_demand_group:
        provisioner.on_demand_group(args.on_demand_group, args.member)
    else:
        cycles = args.cycles or 1 + len(directory.changes)
        provisioner.run(cycles)
    if shown:
        print(file=sys.stderr)
    for line in summary.lines():
        print(line)
    if provisioner.quarantine:
        print(f"quarantine: the job is quarantined ({provisioner.quarantine})")
    return FAILED if summary.failed or provisioner.quarantine else 0


class Progress:
    """Users done so far, rewritten in place on one stderr line at most every half second."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.started = time.perf_counter()
        self.shown = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if now - self.shown < 0.5 and done != total:
            return
        self.shown = now
        rate = done / max(now - self.started, 1e-9)
        self.stream.write(f"\rusers {done}/{total}  {rate:,.0f}/s")
        self.stream.flush()
