"""`scimcert mapping check`: findings on stdout, exit 1 on an error, 2 with one line on stderr
when the mapping, the directory or the bridge cannot be read; the token never shows."""

from __future__ import annotations

import json

import pytest

from scimcert import cli, paths
from scimcert.bridge.app import create_app
from scimcert.idp.mapping import command
from scimcert.wire.transport import in_process
from tests.secret import absent

MAPPINGS = paths.fixtures() / "mappings"
DEFAULT = str(MAPPINGS / "entra-default.json")
RECOMMENDED = str(MAPPINGS / "entra-1password-recommended.json")
TOKEN = "tok-mapping-check-7f3a"
URL = "http://bridge.example/scim/v2"
DIRECTORY = {"users": [
    {"id": "a", "displayName": "Ann Lee", "mail": "ann@contoso.com",
     "userPrincipalName": "ann@contoso.com"},
    {"id": "g", "displayName": "Gus Guest", "mail": "gus@fabrikam.com",
     "userPrincipalName": "gus_fabrikam.com#EXT#@contoso.onmicrosoft.com"}]}


@pytest.fixture
def bridge(monkeypatch):
    """`--url` reaches the reference bridge in-process: no port."""
    app = create_app(tokens=[TOKEN])
    monkeypatch.setattr(command, "network", lambda timeout: in_process(app))


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["mapping", "check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_default_mapping_exits_one_naming_the_user_name_row(capsys):
    code, out, err = _run(capsys, DEFAULT)
    assert (code, err) == (1, "")
    assert "error   User userName: sourced from userPrincipalName" in out
    assert out.rstrip().endswith("1 error, 0 warnings")


def test_recommended_mapping_exits_zero(capsys):
    code, out, _ = _run(capsys, RECOMMENDED)
    assert (code, out.splitlines()[-1]) == (0, "no findings")


def test_entra_export_is_checked_too(capsys, tmp_path):
    from scimcert.idp.mapping import Mapping
    export = tmp_path / "schema.json"
    export.write_text(json.dumps(Mapping.load(DEFAULT).to_entra()), encoding="utf-8")
    code, out, _ = _run(capsys, str(export))
    assert code == 1 and "User userName: sourced from userPrincipalName" in out


def test_directory_names_the_guest(capsys, tmp_path):
    directory = tmp_path / "tenant.json"
    directory.write_text(json.dumps(DIRECTORY), encoding="utf-8")
    code, out, _ = _run(capsys, DEFAULT, "--directory", str(directory))
    assert code == 1
    assert "Gus Guest (gus_fabrikam.com#EXT#@contoso.onmicrosoft.com) would get userName" in out
    assert _run(capsys, RECOMMENDED, "--directory", str(directory))[0] == 0


def test_url_checks_targets_against_the_bridge_schemas(capsys, tmp_path, bridge):
    assert _run(capsys, RECOMMENDED, "--url", URL, "--token", TOKEN)[0] == 0
    mapping = json.loads((MAPPINGS / "entra-1password-recommended.json").read_text())
    mapping["users"].append({"target": "nickname2", "attribute": "mailNickname"})
    file = tmp_path / "m.json"
    file.write_text(json.dumps(mapping), encoding="utf-8")
    code, out, err = _run(capsys, str(file), "--url", URL, "--token", TOKEN)
    assert code == 1
    assert "error   User nickname2: the bridge's /Schemas does not declare nickname2" in out
    absent(TOKEN, stdout=out, stderr=err)


def test_token_comes_from_the_environment(capsys, monkeypatch, bridge):
    monkeypatch.setenv("SCIM_TOKEN", TOKEN)
    code, out, err = _run(capsys, RECOMMENDED, "--url", URL)
    assert code == 0
    absent(TOKEN, stdout=out, stderr=err)


def test_refused_token_is_one_line_exit_two_without_the_token(capsys, bridge):
    wrong = "wrong-token-91c2"
    code, out, err = _run(capsys, RECOMMENDED, "--url", URL, "--token", wrong)
    assert (code, out) == (2, "")
    assert err.startswith("scimcert: GET http://bridge.example/scim/v2/Schemas answered 401")
    assert len(err.splitlines()) == 1 and wrong not in err


def test_unreachable_url_is_one_line_exit_two(capsys):
    code, out, err = _run(capsys, RECOMMENDED, "--url", "http://127.0.0.1:9/scim/v2",
                          "--token", TOKEN, "--timeout", "5")
    assert (code, out) == (2, "")
    assert err.startswith("scimcert: cannot reach http://127.0.0.1:9/scim/v2")
    assert len(err.splitlines()) == 1
    absent(TOKEN, stderr=err)


@pytest.mark.parametrize(("content", "message"), [
    pytest.param(None, "cannot read", id="missing"),
    pytest.param("{oops", "is not JSON", id="not-json"),
    pytest.param('{"name": "x"}', "is not a mapping", id="not-a-mapping"),
])
def test_unreadable_mapping_is_one_line_exit_two(capsys, tmp_path, content, message):
    file = tmp_path / "m.json"
    if content is not None:
        file.write_text(content, encoding="utf-8")
    code, out, err = _run(capsys, str(file))
    assert (code, out, len(err.splitlines())) == (2, "", 1)
    assert message in err


@pytest.mark.parametrize(("content", "message"), [
    pytest.param("[1, 2]", "not a directory", id="not-an-object"),
    pytest.param("{", "is not JSON", id="not-json"),
])
def test_unreadable_directory_is_one_line_exit_two(capsys, tmp_path, content, message):
    file = tmp_path / "d.json"
    file.write_text(content, encoding="utf-8")
    code, _, err = _run(capsys, RECOMMENDED, "--directory", str(file))
    assert (code, len(err.splitlines()), message in err) == (2, 1, True)



def test_expression_that_does_not_compile_shows_its_caret(capsys, tmp_path):
    mapping = json.loads((MAPPINGS / "entra-1password-recommended.json").read_text())
    mapping["users"][1]["expression"] = 'Swich([IsSoftDeleted], , "False", "True")'
    file = tmp_path / "m.json"
    file.write_text(json.dumps(mapping), encoding="utf-8")
    code, out, _ = _run(capsys, str(file))
    assert code == 1
    assert ("error   User active: unknown function Swich (did you mean Switch?) (at character 0)"
            '\n          Swich([IsSoftDeleted], , "False", "True")\n          ^') in out
