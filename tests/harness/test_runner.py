"""`scimcert run` and `scimcert requirements`: options checked first, token never printed."""

from __future__ import annotations

import argparse
import json
import socket

import pytest

from scimcert.harness import runner
from tests.secret import absent

TOKEN = "runner-token-5566"


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scimcert")
    runner.add_parsers(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_run_builds_a_pytest_command_without_the_token(tmp_path) -> None:
    args = parse("run", "--url", "https://b.example/scim", "--token", TOKEN, "--strict",
                 "--report-dir", str(tmp_path), "-k", "create", "-n", "2", "--", "-x")
    command = runner.pytest_command(args)
    assert command[1:6] == ["-m", "pytest", str(runner.paths.suites()), "-p", runner.PLUGIN]
    assert command[6:8] == ["-k", "create"] and command[-1] == "-x"
    assert f"--scim-report={tmp_path}" in command
    assert f"--junitxml={tmp_path / 'junit.xml'}" in command
    absent(TOKEN, command=" ".join(command))
    env = runner.run_environment(args, {})
    assert env == {"SCIM_URL": "https://b.example/scim", "SCIM_TOKEN": TOKEN,
                   "SCIM_STRICT": "true"}


def test_run_rejects_a_bad_url_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert runner.run(parse("run", "--url", "bridge.example", "--token", TOKEN)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not an http(s) URL" in err
    absent(TOKEN, stderr=err)


def test_run_reports_an_unreachable_url_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code = runner.run(parse("run", "--url", f"http://127.0.0.1:{port}/scim", "--token", TOKEN))
    captured = capsys.readouterr()
    assert code == 3
    assert captured.err.count("\n") == 1 and "cannot connect" in captured.err
    absent(TOKEN, stderr=captured.err, stdout=captured.out)


def test_requirements_lists_each_requirement_with_its_tests(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    catalogue = runner.catalogue_module.load()
    first = next(iter(catalogue))
    monkeypatch.setattr(runner, "collect_mapping",
                        lambda: ({first.id: ["suites/x/test_a.py::test_b"]}, []))
    assert runner.requirements(parse("requirements", "--area", first.area,
                                     "--format", "json")) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0] == {"id": first.id, "area": first.area, "level": first.level,
                       "section": first.section, "summary": first.summary,
                       "source": first.source, "tests": ["suites/x/test_a.py::test_b"]}
    assert all(row["area"] == first.area for row in rows)


def test_requirements_rejects_an_unknown_area(capsys: pytest.CaptureFixture[str]) -> None:
    assert runner.requirements(parse("requirements", "--area", "nowhere")) == 2
    assert "no requirements in area 'nowhere'" in capsys.readouterr().err


def test_run_strict_bridge_reaches_pytest_apart_from_strict() -> None:
    env = runner.run_environment(parse("run", "--strict-bridge"), {})
    assert env == {"SCIM_STRICT_BRIDGE": "true"}


def test_run_refuses_a_strict_bridge_with_a_url(capsys: pytest.CaptureFixture[str]) -> None:
    code = runner.run(parse("run", "--url", "https://b.example/scim", "--strict-bridge"))
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "scimcert serve --strict" in err


def test_run_passes_the_dialects_on() -> None:
    env = runner.run_environment(parse("run", "--dialect", "okta", "--dialect", "entra"), {})
    assert env["SCIM_DIALECT"] == "okta,entra"


def test_run_interop_grades_the_profile_without_changing_the_target() -> None:
    env = runner.run_environment(parse("run", "--interop"), {})
    assert env == {"SCIM_INTEROP": "true"}


def test_run_passes_the_hypothesis_profile_on() -> None:
    env = runner.run_environment(parse("run", "--hypothesis-profile", "thorough"), {})
    assert env == {"SCIM_HYPOTHESIS_PROFILE": "thorough"}
