"""Reference bridge latency with 100,000 users, against a bare Starlette endpoint on the same app.

Run `python bench/bridge.py`. A child process loads the users straight into the store and serves
the app under one uvicorn process on a loopback port; this process sends each operation
sequentially over one keep-alive httpx.Client (URLs pre-encoded, as IdPs send them) and
prints median / p95 latency, request rate, the ratio to the floor, and the server's RSS.
Figures only: nothing is asserted.

Targets (issue text): `userName eq` <= 1.5x floor GET latency; POST >= 60 % of the floor's rate;
a 100-user page <= 10x floor latency; <= 500 MB RSS for 100k users.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import httpx
import psutil

TOKEN = "bench-token"
USERS = 100_000
REQUESTS = 2_000
SECONDS = 5.0
USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"


def user_id(i: int) -> str:
    return f"00000000-0000-4000-8000-{i:012d}"


def serve(users: int) -> None:
    """Child process: load `users` users, add the floor route, serve, print the port."""
    import uvicorn
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from scimcert.bridge.account import Account
    from scimcert.bridge.app import create_app
    from scimcert.bridge.serve import listen

    account = Account()
    load(account, users)
    # The loaded users live for the whole run: keep the cyclic GC from re-scanning them.
    gc.freeze()
    app = create_app(tokens=[TOKEN], account=account)

    async def floor(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True, "id": "floor"})

    app.router.routes.insert(0, Route("/floor", floor, methods=["GET"]))
    sock = listen("127.0.0.1", 0)
    print(sock.getsockname()[1], flush=True)
    config = uvicorn.Config(app, access_log=False, log_level="warning", lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])


def load(account, users: int) -> None:
    """Put `users` users in the store directly, as a seed would, without HTTP or canonicalize."""
    table = account.store.table("User")
    with account.store.lock:
        for i in range(users):
            resource = {
                "schemas": [USER_URN],
                "userName": f"user{i}@bench.example",
                "name": {"givenName": f"Given{i}", "familyName": f"Family{i}"},
                "displayName": f"User {i}",
                "emails": [{"value": f"user{i}@bench.example", "type": "work", "primary": True}],
                "externalId": f"ext-{i}",
                "active": True,
            }
            stored = account.stamp("User", resource, rid=user_id(i))
            table.put(stored)
            account.invite(stored["id"], True)


def measure(call: Callable[[int], httpx.Response], limit: int = REQUESTS) -> list[float]:
    timings: list[float] = []
    deadline = time.perf_counter() + SECONDS
    for n in range(limit):
        start = time.perf_counter()
        response = call(n)
        timings.append(time.perf_counter() - start)
        if response.status_code >= 300:
            raise SystemExit(f"unexpected {response.status_code}: {response.text[:200]}")
        if time.perf_counter() > deadline:
            break
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.users)
        return 0
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, __file__, "--serve", "--users", str(args.users)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        port = int(child.stdout.readline())
        print(f"loaded {args.users:,} users and started in {time.perf_counter() - started:.1f} s")
        run(port, args.users, psutil.Process(child.pid))
    finally:
        child.terminate()
        child.wait(timeout=10)
    return 0


def run(port: int, users: int, server: psutil.Process) -> None:
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/scim+json"}
    middle = users // 2
    picks = itertools.cycle(range(middle - 1000, middle + 1000))
    counter = itertools.count()
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        client.get("/floor")
        ops: list[tuple[str, Callable[[int], httpx.Response], int]] = [
            ("floor GET", lambda n: client.get("/floor"), REQUESTS),
            ("POST /Users", lambda n: client.post("/scim/v2/Users", json={
                "schemas": [USER_URN], "userName": f"new{next(counter)}@bench.example",
                "name": {"givenName": "New", "familyName": "User"},
                "emails": [{"value": "new@bench.example", "type": "work", "primary": True}],
                "active": True}), REQUESTS),
            ("GET /Users/{id}", lambda n: client.get(f"/scim/v2/Users/{user_id(next(picks))}"),
             REQUESTS),
            ("GET filter=userName eq", lambda n: client.get(
                "/scim/v2/Users?filter=userName+eq+%22USER" + str(next(picks)) +
                "%40bench.example%22"), REQUESTS),
            ("GET page of 100 (middle)", lambda n: client.get(
                f"/scim/v2/Users?startIndex={middle}&count=100"), 500),
            ("PATCH /Users/{id}", lambda n: client.patch(
                f"/scim/v2/Users/{user_id(next(picks))}", json={
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": [{"op": "Replace", "path": "title", "value": f"T{n}"}]}),
             REQUESTS),
        ]
        rows = []
        for name, call, limit in ops:
            timings = measure(call, limit)
            rows.append((name, timings))
    floor_median = statistics.median(rows[0][1])
    floor_rate = len(rows[0][1]) / sum(rows[0][1])
    print(f"{'operation':<26}{'n':>6}{'median ms':>11}{'p95 ms':>9}{'req/s':>9}"
          f"{'x floor lat':>13}{'% floor rate':>14}")
    for name, timings in rows:
        median = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[-1]
        rate = len(timings) / sum(timings)
        print(f"{name:<26}{len(timings):>6}{median * 1000:>11.2f}{p95 * 1000:>9.2f}{rate:>9.0f}"
              f"{median / floor_median:>13.2f}{100 * rate / floor_rate:>13.0f}%")
    print(f"server RSS: {server.memory_info().rss / 2**20:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
