"""`scimcert sync` and `scimcert mapping eval` from the command line: the log, the summary, the
exit status, one line for a bad option, and never the token."""

import json
import socket

from scimcert import cli, paths

EXAMPLE = str(paths.fixtures() / "directory" / "example-tenant.json")
RECOMMENDED = str(paths.fixtures() / "mappings" / "entra-1password-recommended.json")
DEFAULT = str(paths.fixtures() / "mappings" / "entra-default.json")


def sync(*argv):
    return cli.main(["sync", "--directory", EXAMPLE, "--mapping", RECOMMENDED, *argv])


def test_sync_into_the_in_process_bridge_prints_the_log_and_a_summary(capsys, tmp_path):
    log = tmp_path / "log.jsonl"
    assert sync("--log", str(log)) == 0
    out = capsys.readouterr().out
    assert "cycle 2  User   Disable  Success  omar.haddad@larkspur.example" in out
    assert "summary: 26 success, 4 skipped, 0 failure" in out
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(entries) == 30
    assert entries[0]["action"] == "Create" and entries[0]["status"] == "Success"


def test_sync_on_demand_provisions_one_user(capsys):
    assert sync("--on-demand", "aiko.tanaka@larkspur.example", "--quiet") == 0
    assert "summary: 1 success, 0 skipped, 0 failure" in capsys.readouterr().out


def test_sync_on_demand_provisions_one_group_with_the_chosen_members(capsys):
    assert sync("--on-demand-group", "Engineering", "--member", "Omar Haddad") == 0
    out = capsys.readouterr().out
    assert "Group  Create   Success  Engineering" in out
    assert "+1 member(s)" in out and "summary: 3 success, 0 skipped, 0 failure" in out


def test_members_go_with_an_on_demand_group_and_five_at_most(capsys):
    assert sync("--member", "Omar Haddad") == 2
    assert "--member chooses members of --on-demand-group" in capsys.readouterr().err
    assert sync("--on-demand-group", "Engineering", *["--member", "x"] * 6) == 2
    assert "at most 5 members" in capsys.readouterr().err


def test_sync_exits_1_when_something_failed(capsys, tmp_path, monkeypatch):
    from scimcert.harness import sync as command
    from scimcert.idp.cycle import Provisioner

    # The bridge answers 503 while switched off: the back-off waits are not the test's.
    monkeypatch.setattr(command, "Provisioner",
                        lambda *a, **k: Provisioner(*a, sleep=lambda s: None, **k))
    seed = tmp_path / "off.json"
    seed.write_text(json.dumps({"provisioning": False}))
    assert sync("--seed", str(seed), "--cycles", "1") == 1
    assert "Provisioning users & groups is turned off" in capsys.readouterr().out


def test_a_bad_option_is_one_line_and_exit_2(capsys, tmp_path):
    assert cli.main(["sync", "--directory", str(tmp_path / "none.json"),
                     "--mapping", RECOMMENDED]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot read directory file" in err
    assert sync("--dialect", "nope") == 2
    assert "unknown dialect" in capsys.readouterr().err


def test_an_unreachable_url_is_one_line_and_exit_2_without_the_token(capsys, monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("SCIM_TOKEN", "sekrit-sync-token")
    assert sync("--url", f"http://127.0.0.1:{port}/scim/v2", "--timeout", "2") == 2
    captured = capsys.readouterr()
    assert "does not answer" in captured.err and captured.err.count("\n") == 1
    assert "sekrit-sync-token" not in captured.out + captured.err


def test_a_url_without_a_token_is_refused(capsys, monkeypatch):
    monkeypatch.delenv("SCIM_TOKEN", raising=False)
    assert sync("--url", "http://127.0.0.1:9/scim/v2") == 2
    assert "no bearer token" in capsys.readouterr().err


def test_mapping_eval_shows_what_a_user_becomes(capsys):
    assert cli.main(["mapping", "eval", DEFAULT, "--user", "Priya Natarajan",
                     "--directory", EXAMPLE, "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["create"]["userName"] == "pnatarajan@larkspur.onmicrosoft.com"
    assert found["create"]["active"] == "True"
    assert found["IsSoftDeleted"] is False


def test_mapping_eval_of_an_unknown_user_is_one_line(capsys):
    assert cli.main(["mapping", "eval", DEFAULT, "--user", "nobody",
                     "--directory", EXAMPLE]) == 2
    assert "no user 'nobody'" in capsys.readouterr().err
