"""Run profiles: smoke runs what reads (and the canary when it may write), certification grades
strictly over every dialect with the thorough property profile and a report, full is the
default; `scimcert run --profile` passes each to pytest."""

from __future__ import annotations

import argparse

import pytest

from scimcert.harness import profile as profiles
from scimcert.harness import runner
from scimcert.harness.target import SettingError, resolve


class Item:
    """What a profile reads of a pytest item: its markers."""

    def __init__(self, *marks: pytest.MarkDecorator) -> None:
        self.marks = {m.mark.name: m.mark for m in marks}

    def get_closest_marker(self, name: str):
        return self.marks.get(name)


READS = Item(pytest.mark.requirement("rfc7644/4/x"))
WRITES = Item(pytest.mark.writes)
CANARY = Item(pytest.mark.writes, pytest.mark.scenario("canary"), pytest.mark.dialect("entra"))
CANARY_OKTA = Item(pytest.mark.writes, pytest.mark.scenario("canary"),
                   pytest.mark.dialect("rfc"))


@pytest.mark.parametrize(("item", "writes", "kept"), [
    (READS, False, True), (READS, True, True), (WRITES, True, False), (WRITES, False, False),
    (CANARY, True, True), (CANARY, False, False), (CANARY_OKTA, True, False)])
def test_smoke_keeps_what_reads_and_the_entra_canary_when_it_may_write(item, writes, kept):
    assert profiles.load("smoke").keeps(item, writes) is kept


@pytest.mark.parametrize("name", ["full", "certification"])
def test_full_and_certification_keep_every_test(name):
    assert all(profiles.load(name).keeps(item, False) for item in (READS, WRITES, CANARY))


def test_certification_grades_strictly_over_every_dialect():
    target = resolve({"profile": "certification"}, {}, {})
    assert (target.profile, target.strict, target.dialects) == ("certification", True, ())
    assert target.sources["strict"] == "profile certification"
    with pytest.raises(SettingError, match="replays every dialect"):
        resolve({"profile": "certification", "dialects": ("entra",)}, {}, {})


def test_the_profile_comes_from_the_environment_and_an_unknown_one_is_named():
    assert resolve({}, {"SCIM_PROFILE": "Smoke"}, {}).profile == "smoke"
    assert resolve({}, {}, {}).profile == "full"
    with pytest.raises(SettingError, match="unknown profile 'quick'; profiles: smoke, full, "
                                           "certification"):
        resolve({}, {"SCIM_PROFILE": "quick"}, {})


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scimcert")
    runner.add_parsers(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_smoke_runs_quietly_so_its_output_is_the_verdict():
    args = parse("run", "--profile", "smoke")
    command = runner.pytest_command(args)
    assert command[6:6 + len(runner.QUIET)] == runner.QUIET
    assert runner.run_environment(args, {}) == {"SCIM_PROFILE": "smoke"}
    assert not set(runner.QUIET) & set(runner.pytest_command(parse("run")))


def test_certification_writes_the_report_and_asks_for_the_thorough_property_profile():
    args = parse("run", "--profile", "certification")
    command = runner.pytest_command(args)
    assert "--scim-report=reports" in command
    assert "--alluredir=" + str(runner.CERTIFICATION_REPORTS / "allure-results") in command
    env = runner.run_environment(args, {})
    assert env == {"SCIM_PROFILE": "certification", "SCIM_HYPOTHESIS_PROFILE": "thorough"}
    assert runner.run_environment(args, {"SCIM_HYPOTHESIS_PROFILE": "dev"})[
        "SCIM_HYPOTHESIS_PROFILE"] == "dev"


def test_certification_with_a_dialect_is_refused_in_one_line(capsys):
    assert runner.run(parse("run", "--profile", "certification", "--dialect", "okta")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "replays every dialect" in err
