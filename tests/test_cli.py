"""The console script answers bad options and closed pipes with words, never a traceback."""

import subprocess
import sys

import pytest

CLI = [sys.executable, "-m", "scimcert.cli"]


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_serve_rejects_a_port_out_of_range_without_a_traceback(port):
    done = subprocess.run([*CLI, "serve", "--token", "t", "--port", port],
                          capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 2
    assert "invalid port value" in done.stderr
    assert "Traceback" not in done.stderr


def test_requirements_into_a_closed_pipe_ends_quietly():
    reader = subprocess.Popen(["head", "-n", "1"], stdin=subprocess.PIPE,
                              stdout=subprocess.DEVNULL)
    done = subprocess.run([*CLI, "requirements"], stdout=reader.stdin, stderr=subprocess.PIPE,
                          text=True, timeout=60, check=False)
    reader.stdin.close()
    reader.wait(timeout=10)
    assert "Traceback" not in done.stderr
    assert done.returncode in (0, 141)
