"""A sequence of recorded exchanges as a shell script that replays it against any target.

One exchange's reproducer is `Exchange.curl()`; a property failure needs the whole shrunk
sequence, and a sequence refers to ids the target assigned along the way. The script binds each
id a create answered with to a shell variable (`U1`, `G1`, …) and uses the variable wherever the
id appears later, so it runs against a fresh target: `SCIM_URL` is the base URL, the token stays
in `$SCIM_TOKEN`, and python3 reads the ids out of the answers.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Sequence

from scimcert.wire.exchange import NOISE_HEADERS, Exchange

URL_VARIABLE = "$SCIM_URL"
TOKEN_VARIABLE = "$SCIM_TOKEN"
READ_ID = "python3 -c 'import json,sys; print(json.load(sys.stdin)[\"id\"])'"
# The first letter of the variable naming an id, by the endpoint that assigned it.
LETTERS = {"users": "U", "groups": "G"}


def script(exchanges: Sequence[Exchange], base_url: str) -> list[str]:
    """The lines of a bash script replaying `exchanges` (recorded against `base_url`)."""
    base = base_url.rstrip("/")
    names: dict[str, str] = {}
    lines = ["# replay on any target: export SCIM_URL=<SCIM base URL> SCIM_TOKEN=<token>"]
    for exchange in exchanges:
        command = _command(exchange, base, names)
        assigned = _assigned(exchange, base)
        if assigned is not None and assigned[1] not in names:
            name = _name(assigned[0], names)
            names[assigned[1]] = name
            lines.append(f"{name}=$({command} | {READ_ID})")
        else:
            lines.append(command)
    return lines


def writes_then_last_reads(exchanges: Sequence[Exchange]) -> list[Exchange]:
    """Every request that may change the target, and the reads after the last of them: the
    requests a reader needs to see a finding, without the reads that found nothing."""
    last = max((i for i, e in enumerate(exchanges) if e.method != "GET"), default=-1)
    return [e for i, e in enumerate(exchanges) if e.method != "GET" or i > last]


def _name(endpoint: str, names: dict[str, str]) -> str:
    letter = LETTERS.get(endpoint.lower(), "R")
    taken = sum(1 for name in names.values() if name[0] == letter)
    return f"{letter}{taken + 1}"


def _assigned(exchange: Exchange, base: str) -> tuple[str, str] | None:
    """(endpoint, id) of the resource a successful POST to a resource endpoint created."""
    if exchange.method != "POST" or exchange.status is None or not 200 <= exchange.status < 300:
        return None
    path = _path(exchange.url, base).split("?", 1)[0].strip("/")
    if "/" in path or path.startswith("."):
        return None
    try:
        body = exchange.json()
    except (ValueError, RecursionError):
        return None
    rid = body.get("id") if isinstance(body, dict) else None
    return (path, rid) if isinstance(rid, str) and rid else None


def _path(url: str, base: str) -> str:
    return url[len(base):] if url.startswith(base) else url


def _command(exchange: Exchange, base: str, names: dict[str, str]) -> str:
    parts = ["curl", "-sS"]
    if _assigned(exchange, base) is None:
        parts.append("-i")
    parts += ["-X", exchange.method]
    words = [" ".join(shlex.quote(p) for p in parts)]
    for name, value in exchange.request_headers:
        lowered = name.lower()
        if lowered in NOISE_HEADERS:
            continue
        if lowered == "authorization" and exchange.credential == "target":
            words.append(f'-H "Authorization: Bearer {TOKEN_VARIABLE}"')
            continue
        words.append("-H " + shlex.quote(f"{name}: {value}"))
    if exchange.request_body:
        words.append("--data-raw " + _bound(exchange.request_body, names))
    url = exchange.url
    if url.startswith(base):
        words.append(f'"{URL_VARIABLE}"' + _bound(url[len(base):], names))
    else:
        words.append(_bound(url, names))
    return " ".join(words)


def _bound(text: str, names: dict[str, str]) -> str:
    """`text` shell-quoted, each id of `names` in it replaced by its variable."""
    pieces: list[str] = []
    rest = text
    while rest:
        found = _first(rest, names)
        if found is None:
            pieces.append(shlex.quote(rest))
            break
        at, rid = found
        if at:
            pieces.append(shlex.quote(rest[:at]))
        pieces.append(f'"${names[rid]}"')
        rest = rest[at + len(rid):]
    return "".join(pieces) or "''"


def _first(text: str, names: Iterable[str]) -> tuple[int, str] | None:
    hits = [(text.find(rid), rid) for rid in names if rid and rid in text]
    if not hits:
        return None
    # The earliest id; of two at the same place, the longer one (an id holding another).
    return min(hits, key=lambda hit: (hit[0], -len(hit[1])))

