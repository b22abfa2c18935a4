"""`scimcert serve`: the reference bridge under uvicorn on a local port."""

from __future__ import annotations

import argparse
import gc
import os
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

from scimcert.bridge.account import Account
from scimcert.bridge.app import create_app
from scimcert.bridge.seed import SeedError, load
from scimcert.scim.profile import Profile
from scimcert.scim.tolerance import Tolerances

TOKEN_ENV = "SCIM_TOKEN"


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "serve",
        help="run the reference SCIM bridge (1Password SCIM bridge semantics)",
        description="Run the reference SCIM bridge. The SCIM base URL is "
                    "http://HOST:PORT/scim/v2 unless --base-path says otherwise.",
    )
    configure(parser)
    parser.set_defaults(handler=run)
    return parser


def port(text: str) -> int:
    """A TCP port number, 0 to 65535 (argparse turns the ValueError into one usage line)."""
    value = int(text)
    if not 0 <= value <= 65535:
        raise ValueError(text)
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=port, default=8080, help="port to listen on (0: any)")
    parser.add_argument("--token", action="append", default=[], metavar="TOKEN",
                        help=f"accepted bearer token; repeat for more; default ${TOKEN_ENV}")
    parser.add_argument("--base-path", default="/scim/v2", help="path of the SCIM base URL")
    parser.add_argument("--seed", type=Path, help="JSON seed file (schemas/data/seed.schema.json)")
    parser.add_argument("--no-auth", action="store_true", help="accept requests without a token")
    parser.add_argument("--strict", action="store_true",
                        help="switch off every IdP tolerance: answer only as RFC 7643/7644 allow, "
                             "refusing Entra's and Okta's non-RFC shapes (by default the bridge "
                             "accepts them, as the 1Password SCIM bridge does)")
    parser.add_argument("--interop", action="store_true",
                        help="claim and keep the IETF draft SCIM interoperability profile "
                             "(draft-zollner-scim-interop-profile-01): interopProfileConformant "
                             "in ServiceProviderConfig, PATCH operations without a path and "
                             "undeclared attributes refused with 400 invalidSyntax, a whole "
                             "complex attribute replaced by replace (not what Entra ID sends)")


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; 2 for a usage problem, 1 when the port cannot be bound."""
    tokens = list(args.token) or ([os.environ[TOKEN_ENV]] if os.environ.get(TOKEN_ENV) else [])
    if not tokens and not args.no_auth:
        return fail(f"no bearer token: pass --token, set {TOKEN_ENV}, or use --no-auth", 2)
    try:
        account = load(args.seed) if args.seed else Account()
    except SeedError as exc:
        return fail(str(exc), 2)
    tolerances = Tolerances.none() if args.strict else Tolerances.all()
    app = create_app(tokens=tokens, no_auth=args.no_auth, base_path=args.base_path,
                     account=account, tolerances=tolerances,
                     profile=Profile.interop() if args.interop else None)
    # Seeded data lives as long as the process: keep the cyclic GC from re-scanning it.
    gc.freeze()
    try:
        sock = listen(args.host, args.port)
    except OSError as exc:
        return fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", 1)
    import uvicorn

    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    base_path = "/" + args.base_path.strip("/") if args.base_path.strip("/") else ""
    print(f"scimcert bridge listening; SCIM base URL: http://{shown}:{port}{base_path}", flush=True)
    if args.strict:
        print("strict: every IdP tolerance off, RFC 7643/7644 answers only", flush=True)
    if args.interop:
        print("interop: claims and keeps draft-zollner-scim-interop-profile-01", flush=True)
    # access_log off: request lines are not needed, and no request detail reaches the output.
    config = uvicorn.Config(app, access_log=False, log_level="warning", lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])
    return 0


def listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit TCP_NODELAY on Linux; without it a response written in
        # two parts waits ~40 ms for the client's delayed ACK (Nagle's algorithm).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def fail(message: str, code: int) -> int:
    print(f"scimcert serve: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scimcert serve")
    configure(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
