"""PATCH on users: add, replace and remove in every path form, as RFCs and IdPs send them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scimcert import paths
from scimcert.harness.checks import (
    body_of,
    expect,
    expect_equal,
    expect_error,
    expect_status,
    precondition,
)
from scimcert.harness.messages import patch_op
from scimcert.harness.outcome import not_applicable

DATA = json.loads((paths.fixtures() / "suites" / "users.json").read_text(encoding="utf-8"))
ABSENT = object()
BOOLEAN = "rfc7643/2.3.2/boolean-literal"
ROUND_TRIP = "rfc7643/7/read-write-round-trip"


def params() -> list[Any]:
    return [pytest.param(case, id=case["id"], marks=pytest.mark.requirement(*case["requirements"]))
            for case in DATA["patch_cases"]]


def same_text(a: Any, b: Any) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a.casefold() == b.casefold()


def pick(value: Any, steps: list[Any]) -> Any:
    """Follow `steps` (keys, or `{sub: value}` selectors into lists) through `value`; null, []
    and {} read as absent (RFC 7643 §2.5). Selector strings match in any case: the
    sub-attributes they name (type) are caseExact false (RFC 7643 §4.1.2)."""
    for step in steps:
        if isinstance(step, dict):
            matches = [item for item in value or [] if isinstance(item, dict)
                       and all(item.get(k) == v or same_text(item.get(k), v)
                               for k, v in step.items())]
            value = matches[0] if matches else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
        if value is None:
            return ABSENT
    return ABSENT if value in ([], {}) else value


@pytest.mark.writes
@pytest.mark.feature("patch")
@pytest.mark.parametrize("case", params())
def test_patch_operation_changes_the_user(case, make, named, read, send_patch, fit_user,
                                          unfit_case, registry, user_type):
    unfit = unfit_case(case)
    if unfit:
        not_applicable(unfit)
    case = named(case)
    sent = fit_user(case["user"])
    user = make.user(**sent)
    # The values the case starts from must be there: one the target does not keep (a dropped
    # emails.type) is the round trip's finding, not the PATCH operation's.
    with precondition(ROUND_TRIP):
        gaps = unkept({k: v for k, v in sent.items() if k != "schemas"},
                      read(f"/Users/{user['id']}"))
        where = ", ".join(sorted({gap.split(":")[0] for gap in gaps}))
        expect(not gaps, f"the user the case starts from keeps {where or 'its values'}",
               expected=[], actual=gaps)
    send_patch(f"/Users/{user['id']}", case["operations"])
    after = read(f"/Users/{user['id']}")
    for rule in case["expect"]:
        actual = pick(after, rule["at"])
        where = "/".join(map(str, rule["at"]))
        if rule.get("absent"):
            expect(actual is ABSENT, f"{where} is absent after PATCH", expected="absent",
                   actual=actual)
            continue
        wanted = rule["equals"]
        expect(not (isinstance(wanted, bool) and isinstance(actual, str)),
               f"{where} is a JSON boolean", expected=wanted, actual=actual,
               requirement=BOOLEAN)
        # RFC 7643 §7: for a caseExact false attribute "the server MAY alter case".
        attr = registry.attribute(user_type, where_path(rule["at"])) if user_type else None
        folded = attr is not None and not attr.case_exact and same_text(actual, wanted)
        expect(folded or (actual == wanted and type(actual) is type(wanted)),
               f"{where} after PATCH", expected=wanted,
               actual=None if actual is ABSENT else actual)


def unkept(sent: Any, got: Any, where: str = "") -> list[str]:
    """Where `got` lacks a value of `sent`: objects by key, list elements in any order, strings
    in any case (the server MAY alter the case of caseExact false values, RFC 7643 §7)."""
    if isinstance(sent, dict):
        if not isinstance(got, dict):
            return [f"{where or '/'}: {got!r}"]
        return [gap for key, value in sent.items()
                for gap in unkept(value, got.get(key), f"{where}/{key}")]
    if isinstance(sent, list):
        candidates = got if isinstance(got, list) else []
        return [f"{where}: no element holds {item!r}" for item in sent
                if not any(not unkept(item, candidate) for candidate in candidates)]
    if (sent == got and type(sent) is type(got)) or same_text(sent, got):
        return []
    return [f"{where}: sent {sent!r}, got {got!r}"]


def where_path(steps: list[Any]) -> str:
    """The attribute path an expectation reads: its names, selectors left out."""
    names = [step for step in steps if isinstance(step, str)]
    if len(names) > 1 and names[0].lower().startswith("urn:"):
        names = [f"{names[0]}:{names[1]}", *names[2:]]
    return ".".join(names[:2])


@pytest.mark.writes
@pytest.mark.feature("patch")
@pytest.mark.requirement("rfc7644/3.5.2/patch-answer")
def test_patch_answers_the_resource_or_no_content(make, send_patch):
    user = make.user()
    resp = send_patch(f"/Users/{user['id']}",
                      [{"op": "replace", "path": "displayName", "value": "Answer Check"}])
    # RFC 7644 §3.5.2: 200 with the entire resource, or 204 with no body; both conform.
    if resp.status_code == 204:
        expect(not resp.content, "a 204 answer has no body", expected="", actual=resp.text[:200])
        return
    body = body_of(resp)
    expect_equal(body.get("id"), user["id"], "id in the PATCH answer")
    expect(same_text(body.get("displayName"), "Answer Check"),
           "displayName in the PATCH answer", expected="Answer Check",
           actual=body.get("displayName"))
    expect(same_text(body.get("userName"), user["userName"]), "userName in the PATCH answer",
           expected=user["userName"], actual=body.get("userName"))


@pytest.mark.writes
@pytest.mark.feature("patch")
@pytest.mark.requirement("rfc7644/3.5.2/attributes-answer-200")
def test_patch_asking_for_attributes_answers_200(scim, make):
    user = make.user()
    resp = scim.patch(f"/Users/{user['id']}", params={"attributes": "userName,displayName"},
                      json=patch_op({"op": "replace", "path": "displayName",
                                     "value": "Asked For"}))
    expect_status(resp, 200)
    body = body_of(resp)
    expect(same_text(body.get("displayName"), "Asked For"), "displayName in the PATCH answer",
           expected="Asked For", actual=body.get("displayName"))
    expect_equal(body.get("id"), user["id"], "id in the PATCH answer")


@pytest.mark.writes
@pytest.mark.feature("patch")
@pytest.mark.requirement("rfc7644/3.5.2.3/replace-filter-no-match")
@pytest.mark.parametrize("held", [pytest.param(True, id="other-values-held"),
                                  pytest.param(False, id="no-value-held")])
def test_replace_through_a_filter_matching_nothing(scim, make, named, read, registry,
                                                   user_type, held):
    for path in ("emails.type", "emails.value"):
        if user_type is None or registry.attribute(user_type, path) is None:
            not_applicable(f"the target's User schema does not declare {path}")
    home, new = named("{run}home@{domain}"), named("{run}new@{domain}")
    user = make.user(emails=[{"value": home, "type": "home"}] if held else [])
    before = read(f"/Users/{user['id']}").get("emails") or []
    with precondition(ROUND_TRIP):
        kept = same_text(pick(before, [{"type": "home"}, "value"]), home) if held else True
        expect(kept and len(before) == (1 if held else 0), "the emails set on create read back",
               expected=user.get("emails"), actual=before)
    resp = scim.patch(f"/Users/{user['id']}", json=patch_op(
        {"op": "replace", "path": 'emails[type eq "work"].value', "value": new}))
    after = read(f"/Users/{user['id']}").get("emails") or []
    if not held and resp.is_success:
        # With no emails at all the attribute "does not exist", and RFC 7644 §3.5.2.3 also says
        # such a replace "SHALL treat the operation as an add": the value must then be there.
        added = pick(after, [{"type": "work"}, "value"])
        expect(same_text(added, new), "the replace added the work e-mail", expected=new,
               actual=after)
        return
    expect_error(resp, 400, "noTarget")
    expect(canonical(after) == canonical(before),
           "the user's emails are unchanged after the refused replace", expected=before,
           actual=after)


def canonical(values: list[Any]) -> list[str]:
    """A multi-valued attribute's values in a comparable form: their order carries no meaning
    (RFC 7643 §2.4)."""
    return sorted(json.dumps(value, sort_keys=True) for value in values)
