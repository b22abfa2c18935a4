"""PATCH (RFC 7644 §3.5.2) on users and groups: every live case of fixtures/patch/ run on the
target, and the answers a PATCH owes.

A case's resource is created from its `before` (suites/users/conftest.py: `stage`), sent its
PatchOp and read back. A change is judged on the attributes the case names: those it changes
must hold what `after` holds, the others what they held before. A refusal must change nothing,
and its status and scimType are judged apart, under the requirement the case names for them.
What RFC 7643/7644 let a provider do otherwise is accepted: values of multi-valued attributes in
any order, caseExact=false values in another case, sub-attributes the case does not name, a
reference's `$ref`, `display` and `type`.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from scimcert.harness import cases
from scimcert.harness.checks import (
    CheckFailure,
    body_of,
    expect,
    expect_equal,
    expect_error,
    expect_status,
    filed,
    precondition,
)
from scimcert.harness.messages import patch_op
from scimcert.harness.outcome import not_applicable
from scimcert.harness.staging import reference_attribute, same_text
from scimcert.scim.schema import Attribute

LIVE = [case for case in cases.corpus("patch") if case.get("live") is not False]
CHANGES = [case for case in LIVE if "after" in case]
REFUSALS = [case for case in LIVE if "error" in case]
ABSENT = object()
BOOLEAN = "rfc7643/2.3.2/boolean-literal"
ATOMIC = "rfc7644/3.5.2/refused-patch-changes-nothing"
CAPITALISED = "entra/patch/capitalised-op"
FILTER_REFUSAL = ("RFC 7644 §3.12 (Table 9) lets a PATCH path filter be refused with invalidFilter "
                  "when \"the specified attribute and filter comparison combination is not "
                  "supported\"")
ROUND_TRIP = "rfc7643/7/read-write-round-trip"


def changes_of(rtype: str) -> list[Any]:
    return cases.params(case for case in CHANGES if case["resourceType"] == rtype)


@pytest.mark.writes
@pytest.mark.feature("patch")
@pytest.mark.parametrize("case", changes_of("User"))
def test_patch_operation_changes_the_user(case, scim, stage, read, registry, rfc_registry):
    check_change(case, stage, scim, read, registry, rfc_registry)


@pytest.mark.writes
@pytest.mark.feature("patch")
@pytest.mark.parametrize("case", changes_of("Group"))
def test_patch_operation_changes_the_group(case, scim, stage, read, registry, rfc_registry):
    check_change(case, stage, scim, read, registry, rfc_registry)


@pytest.mark.writes
@pytest.mark.feature("patch")
@pytest.mark.parametrize("case", cases.params(REFUSALS, requirements=lambda case: [ATOMIC]))
def test_refused_patch_changes_nothing(case, scim, stage, read, registry, rfc_registry):
    staged = stage(case)
    resp = scim.patch(staged.location, json=staged.message)
    if resp.is_success:
        # Whether it had to be refused is test_refused_patch_answers_its_error's verdict.
        not_applicable(f"the target accepted the PATCH ({resp.status_code}): nothing to restore")
    rtype, reference = staged.rtype, rfc_registry.resource_type(case["resourceType"])
    start, end = flat(staged.start, rtype), flat(read(staged.location), rtype)
    for key in sorted({*start, *end}):
        path = (start.get(key) or end.get(key))[0]
        judge(end.get(key, (path, ABSENT))[1], start.get(key, (path, ABSENT))[1],
              registry.attribute(rtype, path), rfc_registry.attribute(reference, path),
              f"{path} after the refused PATCH")


def refusal_requirements(case: dict[str, Any]) -> list[str]:
    """What grades a refusal: the case's requirement (that it is refused), then its error's
    (the status and scimType it is refused with)."""
    return list(dict.fromkeys([*case["requirements"], case["error"]["requirement"]]))


@pytest.mark.writes
@pytest.mark.feature("patch")
@pytest.mark.parametrize("case", cases.params(REFUSALS, requirements=refusal_requirements))
def test_refused_patch_answers_its_error(case, scim, stage):
    staged = stage(case)
    resp = scim.patch(staged.location, json=staged.message)
    error = staged.case["error"]
    refusal, = case["requirements"]
    # RFC 7644 §3.5.2: "If a single operation encounters an error condition, ... a failure
    # status SHALL be returned."
    expect(not resp.is_success, "the PATCH is refused",
           expected=f"a failure status ({error['status']} {error['scimType']})",
           actual=resp.status_code, resp=resp, requirement=refusal)
    with filed(error["requirement"]):
        body = expect_error(resp, error["status"])
        if "scimTypes" in error:
            found = body.get("scimType")
            expect(found in error["scimTypes"], "the refusal's scimType names the fault",
                   expected=" or ".join(str(t) if t else "none" for t in error["scimTypes"]),
                   actual=found, resp=resp)


def check_change(case, stage, scim, read, registry, rfc_registry) -> None:
    """Judge the case on a resource of its own (`judge_change`). Entra sends its capitalised op
    names together with its other shapes ("Replace" with "False", "Remove" with a value list):
    when such a case fails, the same case with op names in lower case tells which requirement
    the failure is the bridge's answer to."""
    others = [r for r in case["requirements"] if r != CAPITALISED]
    try:
        judge_change(stage(case), scim, read, registry, rfc_registry)
    except CheckFailure as exc:
        mixed = CAPITALISED in case["requirements"] and len(others) == 1
        if exc.requirement is not None or not mixed:
            raise
        seen = replace(exc.failure, exchange=exc.failure.exchange or scim.last)
        with filed(others[0]):
            judge_change(stage(lowercased(case)), scim, read, registry, rfc_registry)
        raise CheckFailure(replace(seen, requirement=CAPITALISED)) from None


def lowercased(case: dict[str, Any]) -> dict[str, Any]:
    """`case` with every op name in lower case (RFC 7644 §3.5.2 spells them so)."""
    ops = [{**op, "op": op["op"].lower()} if isinstance(op, dict) and isinstance(op.get("op"), str)
           else op for op in case["patch"]["Operations"]]
    return {**case, "patch": {**case["patch"], "Operations": ops}}


def judge_change(staged, scim, read, registry, rfc_registry) -> None:
    """Send the staged case's PATCH and judge the resource read back: each attribute the case
    changes holds what `after` holds, each other one it names what it held before."""
    resp = scim.patch(staged.location, json=staged.message)
    if unsupported_filter(staged.case, resp):
        not_applicable(f"the target refuses the value filter of the case with 400 invalidFilter; "
                       f"{FILTER_REFUSAL}")
    # RFC 7644 §3.5.2: 200 with the resource, or 204; patch-answer grades the body.
    expect_status(resp, 200, 204)
    rtype, reference = staged.rtype, rfc_registry.resource_type(staged.case["resourceType"])
    before, after = flat(staged.case["before"], rtype), flat(staged.case["after"], rtype)
    start, end = flat(staged.start, rtype), flat(read(staged.location), rtype)
    for key in sorted({*before, *after}):
        path = (before.get(key) or after.get(key))[0]
        attr = registry.attribute(rtype, path)
        if attr is None:
            continue
        was, wanted = before.get(key, (path, ABSENT))[1], after.get(key, (path, ABSENT))[1]
        named = names(was) | names(wanted)
        if was == wanted:
            wanted, named, what = start.get(key, (path, ABSENT))[1], None, \
                f"{path}, which the PATCH leaves alone,"
        else:
            what = f"{path} after the PATCH"
        actual = end.get(key, (path, ABSENT))[1]
        expect(not (isinstance(wanted, bool) and isinstance(actual, str)),
               f"{path} is a JSON boolean", expected=wanted, actual=actual,
               requirement=BOOLEAN)
        judge(actual, wanted, attr, rfc_registry.attribute(reference, path), what, named)


def unsupported_filter(case: dict[str, Any], resp) -> bool:
    """Whether the target refused an RFC case's value filter as unsupported. An IdP case is
    graded whatever the target supports: Entra and Okta send their filters anyway."""
    rfc_only = all(r.startswith("rfc") for r in case["requirements"])
    filtered = any("[" in str(op.get("path", "")) for op in case["patch"].get("Operations", [])
                   if isinstance(op, dict))
    if not (rfc_only and filtered and resp.status_code == 400):
        return False
    try:
        return resp.json().get("scimType") == "invalidFilter"
    except ValueError:
        return False


def flat(resource: dict[str, Any], rtype) -> dict[str, tuple[str, Any]]:
    """The resource's attributes by lower-case path (names match in any case, RFC 7643 §2.1),
    each with its path as written: extension attributes as `urn:name`; `schemas`, `id` and
    `meta` left out (other suites grade them)."""
    out: dict[str, tuple[str, Any]] = {}
    for key, value in resource.items():
        urn = rtype.extension_urn(key)
        if urn is not None and isinstance(value, dict):
            out.update({f"{urn}:{name}".lower(): (f"{urn}:{name}", item)
                        for name, item in value.items()})
        elif key.lower() not in ("schemas", "id", "meta"):
            out[key.lower()] = (key, value)
    return out


def names(value: Any) -> set[str]:
    """The sub-attribute names a value (or its elements) holds, in lower case."""
    return {str(k).lower() for item in (value if isinstance(value, list) else [value])
            if isinstance(item, dict) for k in item}


def judge(actual: Any, wanted: Any, attr: Attribute | None, assumed: Attribute | None,
          what: str, named: set[str] | None = None, requirement: str | None = None) -> None:
    """`actual` holds what `wanted` holds, as RFC 7643 lets a provider keep it: see `form`."""
    expect(form(actual, attr, assumed, named) == form(wanted, attr, assumed, named), what,
           expected="absent" if wanted is ABSENT else wanted,
           actual="absent" if actual is ABSENT else actual, requirement=requirement)


def form(value: Any, attr: Attribute | None, assumed: Attribute | None,
         named: set[str] | None) -> Any:
    """`value` in a form two equal values share:

    - null, [] and {} are unassigned (RFC 7643 §2.5), as is a complex value holding none of the
      sub-attributes compared;
    - a multi-valued attribute's values in no order (RFC 7643 §2.4);
    - a string of a caseExact=false attribute in any case (RFC 7643 §7: the server MAY alter it);
    - of a complex value, only the sub-attributes `named` (all when None): the case names what
      it judges, and a provider may keep more;
    - of a reference (RFC 7643 §2.3.7: `value` and `$ref` to a resource), only `value`: its
      `$ref`, `display` and `type` are the provider's to fill in.
    """
    if value is ABSENT or value is None or value == [] or value == {}:
        return ABSENT
    if attr is None:
        return json.dumps(value, sort_keys=True)
    if attr.multi_valued and isinstance(value, list):
        found = [form(item, _single(attr), assumed, named) for item in value]
        kept = sorted(json.dumps(f, sort_keys=True) for f in found if f is not ABSENT)
        return kept or ABSENT
    if attr.is_complex and isinstance(value, dict):
        subs = {"value"} if reference_attribute(assumed) else named
        out = {}
        for key, item in value.items():
            if subs is None or key.lower() in subs:
                sub = attr.sub(key)
                shaped = form(item, sub, assumed.sub(key) if assumed else None, None)
                if shaped is not ABSENT:
                    out[key.lower()] = shaped
        return out or ABSENT
    if isinstance(value, str) and not attr.case_exact:
        return ["str", value.casefold()]
    return [type(value).__name__, value]


def _single(attr: Attribute) -> Attribute:
    """The attribute of one value of multi-valued `attr`."""
    return replace(attr, multi_valued=False)


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
