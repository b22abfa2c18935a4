"""`scimcert serve` on a loopback port for the end-to-end tests: `serve(*args)` starts one."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import threading
import time

import httpx
import pytest

STARTUP = 20.0


def command(*args: str) -> list[str]:
    """The console script's entry point, or the serve module while the CLI is incomplete."""
    if importlib.util.find_spec("scimcert.harness.runner") is not None:
        return [sys.executable, "-m", "scimcert.cli", "serve", *args]
    return [sys.executable, "-m", "scimcert.bridge.serve", *args]


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SCIM_TOKEN"}
    env.update(extra)
    return env


class Server:
    """A `scimcert serve` subprocess; its output is collected until it stops."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            command("--host", "127.0.0.1", "--port", "0", *args), env=env or environment(),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self.url = self._base_url()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        self._wait_for_ping()

    def _base_url(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        self.lines.append(line)
        if "http://" not in line:
            self.process.kill()
            raise AssertionError(f"serve did not print its base URL: {line!r}")
        return line[line.index("http://"):].strip()

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def _wait_for_ping(self) -> None:
        root = self.url.rsplit("/scim/", 1)[0]
        deadline = time.monotonic() + STARTUP
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{root}/ping", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        self.stop()
        raise AssertionError("the bridge did not answer /ping")

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=5)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return "".join(self.lines)




@pytest.fixture(scope="module")
def serve():
    """Starts `scimcert serve` with the given arguments; every server started is stopped."""
    started: list[Server] = []

    def start(*args: str, env: dict[str, str] | None = None) -> Server:
        started.append(Server(*args, env=env))
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def clean_environment():
    """`environment(**extra)`: this process's environment without SCIM_TOKEN, plus `extra`."""
    return environment


@pytest.fixture(scope="session")
def run_serve():
    """Runs `scimcert serve ARGS` to its end (for the ones that must refuse to start)."""

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(command(*args), env=environment(), capture_output=True, text=True,
                              timeout=STARTUP)

    return run
