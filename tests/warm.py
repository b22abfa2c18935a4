"""Pytest runs started warm: a server process that has imported pytest, hypothesis, the HTTP and
schema libraries and scimcert's core once, and forks a child for each run.

tests/broken/test_broken.py starts a suite run per defective bridge, about 240 of them. A cold
`python -m pytest` spends about a second importing before it collects anything, more than many of
those runs take; forked from a warm process each starts with that done. The child is a fresh copy
for every run (nothing of one run reaches the next), gets the run's own environment, working
folder and output file, and calls `pytest.main` as `python -m pytest` would. The harness plugin
is not imported ahead: pytest must import it itself to rewrite its asserts.

Run as a script, this module is the server: one JSON job per line on stdin, one JSON answer per
line on stdout. POSIX only (os.fork); elsewhere `Warm.run` starts a cold subprocess instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# What every suite run imports anyway: third-party and scimcert's own below the harness plugin
# (which pytest imports itself, to rewrite its asserts). The property searches do not depend on
# what is loaded (scimcert/harness/properties/constants.py), so the IdP layer may come too.
AHEAD = ("pytest", "hypothesis", "httpx", "jsonschema", "starlette.applications",
         "scimcert.bridge.app", "scimcert.scim.patch", "scimcert.scim.filter",
         "scimcert.harness.catalogue", "scimcert.harness.report", "scimcert.idp.cycle",
         "scimcert.idp.driver")


class Warm:
    """A warm server, started on first use; `run` behaves as `subprocess.run` of
    `python -m pytest ARGS` with the output captured (stdout and stderr together)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.server: subprocess.Popen[str] | None = None

    def run(self, args: list[str], *, env: dict[str, str], timeout: float
            ) -> subprocess.CompletedProcess[str]:
        if not hasattr(os, "fork"):
            done = subprocess.run([sys.executable, "-m", "pytest", *args], cwd=ROOT, env=env,
                                  capture_output=True, text=True, timeout=timeout, check=False)
            return subprocess.CompletedProcess(args, done.returncode, done.stdout + done.stderr)
        server = self._server()
        with tempfile.NamedTemporaryFile("r", suffix=".out", encoding="utf-8",
                                         errors="replace") as output:
            job = {"args": args, "env": env, "cwd": str(ROOT), "output": output.name}
            assert server.stdin is not None and server.stdout is not None
            server.stdin.write(json.dumps(job) + "\n")
            server.stdin.flush()
            ready, _, _ = select.select([server.stdout], [], [], timeout)
            if not ready:
                self.close(kill=True)
                raise subprocess.TimeoutExpired(args, timeout)
            line = server.stdout.readline()
            if not line:
                self.close(kill=True)
                raise RuntimeError("the warm pytest server ended: " + output.read()[-2000:])
            return subprocess.CompletedProcess(args, json.loads(line)["returncode"],
                                               output.read())

    def _server(self) -> subprocess.Popen[str]:
        if self.server is None or self.server.poll() is not None:
            self.server = subprocess.Popen([sys.executable, __file__], cwd=ROOT, env=self.env,
                                           stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                           text=True, start_new_session=True)
        return self.server

    def close(self, *, kill: bool = False) -> None:
        """End the server: once its stdin closes, or at once with any run it is serving."""
        server, self.server = self.server, None
        if server is None:
            return
        if server.stdin is not None:
            server.stdin.close()
        try:
            server.wait(timeout=0 if kill else 10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        if server.stdout is not None:
            server.stdout.close()


def serve() -> None:
    import importlib

    for name in AHEAD:
        importlib.import_module(name)
    import pytest

    for line in sys.stdin:
        job: dict[str, Any] = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(job, pytest.main)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"returncode": os.waitstatus_to_exitcode(status)}), flush=True)


def _child(job: dict[str, Any], main: Any) -> None:
    code = 3
    try:
        os.chdir(job["cwd"])
        os.environ.clear()
        os.environ.update(job["env"])
        out = os.open(job["output"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(out, 1)
        os.dup2(out, 2)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        code = int(main(job["args"]))
    except BaseException:  # the run's own output says what broke
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


if __name__ == "__main__":
    sys.path[0] = str(ROOT)  # as `python -m pytest` from the root sees it
    serve()
