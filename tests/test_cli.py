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


@pytest.mark.parametrize(("argv", "strict"), [(["--strict"], True), ([], False)])
def test_serve_strict_reaches_create_app(argv, strict, monkeypatch):
    from scimcert import cli
    from scimcert.bridge import serve
    from scimcert.scim.tolerance import Tolerances

    built = {}

    def refuse(host, port):
        raise OSError(98, "in use")

    monkeypatch.setattr(serve, "create_app", lambda **options: built.update(options))
    monkeypatch.setattr(serve, "listen", refuse)
    assert cli.main(["serve", "--token", "t", *argv]) == 1
    assert built["tolerances"] == (Tolerances.none() if strict else Tolerances.all())


def test_serve_and_run_help_tell_the_two_stricts_apart():
    serve_help = subprocess.run([*CLI, "serve", "--help"], capture_output=True, text=True,
                                timeout=30, check=True).stdout
    run_help = subprocess.run([*CLI, "run", "--help"], capture_output=True, text=True,
                              timeout=30, check=True).stdout
    assert "IdP tolerance" in serve_help
    assert "--strict-bridge" in run_help and "grading" in run_help
