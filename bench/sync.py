"""The initial provisioning cycle of a generated tenant into `scimcert serve`, against the bare-HTTP
floor measured in the same run.

Run `python bench/sync.py [--users 100000] [--small 10000]`. For each size a fresh `scimcert
serve` starts on a loopback port and a child process runs the simulator (scimcert/idp/cycle.py,
Entra dialect, the recommended 1Password mapping, one group per 50 users) over a socket; the
child reports the cycle's wall time, its own CPU time, the requests it sent by method and its
RSS. The floor: as many requests of each method, sent the same way (one keep-alive httpx
client) to a bare Starlette app under uvicorn. Figures only: nothing is asserted.

The simulator's own cost is its CPU time beyond the floor client's for the same requests (the
HTTP client is the floor's too), as a share of the cycle's wall time. Targets (issue text): at
most 25 %; RSS of the simulator process within 2x between 10k and 100k users.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-sync-token"
USERS = 100_000
SMALL = 10_000
MAPPING = ROOT / "fixtures" / "mappings" / "entra-1password-recommended.json"


def floor_app() -> None:
    """Child process: a bare Starlette app answering every path with a fixed small body."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from scimcert.bridge.serve import listen

    async def any_path(request: Request) -> Response:
        if request.method == "POST":
            return JSONResponse({"id": "floor"}, status_code=201)
        if request.method == "PATCH":
            return Response(status_code=204)
        return JSONResponse({"totalResults": 0, "Resources": []})

    app = Starlette(routes=[Route("/{path:path}", any_path, methods=["GET", "POST", "PATCH"])])
    sock = listen("127.0.0.1", 0)
    print(sock.getsockname()[1], flush=True)
    config = uvicorn.Config(app, access_log=False, log_level="warning", lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])


def simulate(url: str, users: int) -> None:
    """Child process: the initial cycle of a generated tenant; prints its figures as JSON."""
    import httpx

    from scimcert.idp import log as logs
    from scimcert.idp.cycle import Provisioner
    from scimcert.idp.generate import tenant
    from scimcert.idp.mapping import Mapping
    from scimcert.wire import Client, Redactor, Ring

    methods: Counter[str] = Counter()

    def count(request: httpx.Request) -> None:
        methods[request.method] += 1

    directory = tenant(users, groups=max(1, users // 50))
    summary = logs.Summary()
    with httpx.Client(timeout=60, event_hooks={"request": [count]}) as http:
        client = Client(http, url, token=TOKEN, allow_writes=True, redactor=Redactor([TOKEN]),
                        sink=Ring(20))
        run = Provisioner(client, directory, Mapping.load(MAPPING), summary)
        cpu, wall = time.process_time(), time.perf_counter()
        run.run(1)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(json.dumps({
        "users": users, "seconds": wall, "cpu": cpu, "methods": dict(methods),
        "statuses": dict(summary.statuses),
        "rss": psutil.Process().memory_info().rss,
        "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))


def floor(port: int, methods: dict[str, int]) -> tuple[float, float]:
    """Seconds, and CPU seconds of this process, to send `methods` requests of each method to
    the floor app."""
    import httpx

    headers = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/scim+json"}
    body = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "floor@bench.example", "active": True}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=60) as c:
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(methods.get("GET", 0)):
            c.get("/scim/v2/Users", params={"filter": 'userName eq "floor@bench.example"'})
        for _ in range(methods.get("POST", 0)):
            c.post("/scim/v2/Users", json=body)
        for _ in range(methods.get("PATCH", 0)):
            c.patch("/scim/v2/Groups/floor", json={"Operations": []})
        return time.perf_counter() - started, time.process_time() - cpu


def started(command: list[str], marker: str | None = None) -> tuple[subprocess.Popen, str]:
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    if marker is not None:
        line = line.split(marker, 1)[1].strip()
    return child, line


def stop(child: subprocess.Popen) -> None:
    child.terminate()
    child.wait(timeout=30)


def cycle(users: int) -> dict:
    """A fresh bridge and one simulated initial cycle of `users` users into it."""
    bridge, url = started([sys.executable, "-m", "scimcert.cli", "serve", "--port", "0",
                           "--token", TOKEN], "SCIM base URL:")
    try:
        done = subprocess.run([sys.executable, __file__, "--simulate", url, "--users",
                               str(users)], capture_output=True, text=True, cwd=ROOT, check=True)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        figures["bridge_rss"] = psutil.Process(bridge.pid).memory_info().rss
        return figures
    finally:
        stop(bridge)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=USERS, help="the large tenant")
    parser.add_argument("--small", type=int, default=SMALL, help="the small tenant (RSS)")
    parser.add_argument("--simulate", help=argparse.SUPPRESS)
    parser.add_argument("--floor", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.floor:
        floor_app()
        return 0
    if args.simulate:
        simulate(args.simulate, args.users)
        return 0
    rows = []
    for users in (args.small, args.users):
        figures = cycle(users)
        app, port = started([sys.executable, __file__, "--floor"])
        try:
            figures["floor"], figures["floor_cpu"] = floor(int(port), figures["methods"])
        finally:
            stop(app)
        rows.append(figures)
        requests = sum(figures["methods"].values())
        print(f"{users:,} users: {requests:,} requests {figures['methods']} in "
              f"{figures['seconds']:.1f} s; outcomes {figures['statuses']}", flush=True)
    # The simulator's own cost: its CPU time beyond what the same requests cost the floor's
    # client, as a share of the cycle's time.
    print(f"{'users':>8}{'requests':>10}{'cycle s':>9}{'users/s':>9}{'floor s':>9}"
          f"{'x floor':>9}{'own CPU %':>11}{'sim RSS MB':>12}{'peak MB':>9}{'bridge MB':>11}")
    for f in rows:
        requests = sum(f["methods"].values())
        print(f"{f['users']:>8,}{requests:>10,}{f['seconds']:>9.1f}"
              f"{f['users'] / f['seconds']:>9.0f}{f['floor']:>9.1f}"
              f"{f['seconds'] / f['floor']:>9.2f}"
              f"{100 * (f['cpu'] - f['floor_cpu']) / f['seconds']:>10.0f}%"
              f"{f['rss'] / 2**20:>12.0f}{f['peak'] / 2**20:>9.0f}{f['bridge_rss'] / 2**20:>11.0f}")
    small, large = rows
    print(f"simulator RSS {large['users']:,} vs {small['users']:,} users: "
          f"{large['rss'] / small['rss']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
