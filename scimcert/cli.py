"""The `scimcert` console script: run | serve | requirements | mapping."""

from __future__ import annotations

import argparse
import os
import sys

from scimcert import __version__


def build_parser() -> argparse.ArgumentParser:
    from scimcert.bridge import serve
    from scimcert.harness import runner
    from scimcert.idp.mapping import command as mapping

    parser = argparse.ArgumentParser(
        prog="scimcert",
        description="Conformance suite for SCIM 2.0 provisioning bridges, with a reference bridge.",
    )
    parser.add_argument("--version", action="version", version=f"scimcert {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    runner.add_parsers(sub)
    serve.add_parser(sub)
    mapping.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("scimcert: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`scimcert requirements | head`): stop quietly, as cat does.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
