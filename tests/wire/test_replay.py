"""A shrunk request sequence as a script: ids the target assigned become shell variables, the
base URL becomes $SCIM_URL, the token stays in $SCIM_TOKEN, and every value is quoted."""

from __future__ import annotations

import json
import shlex

from scimcert.wire import Exchange
from scimcert.wire.replay import script, writes_then_last_reads

BASE = "https://bridge.example/scim/v2"
AUTH = ("Authorization", "Bearer ***")


def exchange(method: str, path: str, body: object = None, status: int = 200,
             answer: object = None) -> Exchange:
    return Exchange(method=method, url=BASE + path, request_headers=(AUTH,),
                    request_body=json.dumps(body) if body is not None else "", status=status,
                    response_body=json.dumps(answer) if answer is not None else "",
                    credential="target")


def test_created_ids_become_variables_used_later() -> None:
    lines = script([
        exchange("POST", "/Users", {"userName": "o'brien"}, 201, {"id": "u-1"}),
        exchange("POST", "/Groups", {"displayName": "g", "members": [{"value": "u-1"}]}, 201,
                 {"id": "g-1"}),
        exchange("PATCH", "/Groups/g-1", {"Operations": [{"op": "add", "value": "u-1"}]}),
    ], BASE)
    assert lines[1].startswith("U1=$(curl ")
    assert lines[2].startswith("G1=$(curl ")
    assert "'\"$U1\"'" in lines[2] and '"$SCIM_URL"/Groups/"$G1"' in lines[3]
    assert "u-1" not in "\n".join(lines[2:]) and "g-1" not in lines[3]
    # The single quote in the name survives shell quoting.
    words = shlex.split(lines[1].split("=", 1)[1].split(" | ")[0].removeprefix("$("))
    assert words[words.index("--data-raw") + 1] == '{"userName": "o\'brien"}'


def test_token_stays_in_the_environment() -> None:
    text = "\n".join(script([exchange("GET", "/Users?filter=userName%20eq%20%22x%22")], BASE))
    assert '"Authorization: Bearer $SCIM_TOKEN"' in text
    assert "***" not in text
    assert '"$SCIM_URL"\'/Users?filter=' in text


def test_reads_before_the_last_write_are_left_out() -> None:
    found = writes_then_last_reads([exchange("GET", "/Users/a"), exchange("PUT", "/Users/a"),
                                    exchange("GET", "/Users/a"), exchange("GET", "/Users/b")])
    assert [(e.method, e.url.rsplit("/", 1)[1]) for e in found] == [
        ("PUT", "a"), ("GET", "a"), ("GET", "b")]
