"""Provisioning scenarios (fixtures/scenarios/) replayed as each IdP sends them.

One test per scenario and dialect: the scenario's starting users and groups are made with plain
RFC requests, its steps are rendered by the dialect and sent (scimcert/idp/driver.py), and the
end state is read back with plain GETs, so the verdict does not depend on the dialect. A step
the IdP could not go on from fails the test with the exchange that broke it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from scimcert.harness import cases
from scimcert.harness.checks import CheckFailure, expect, expect_status, fail
from scimcert.harness.lookup import attribute, same, values_at
from scimcert.idp import dialect as dialects
from scimcert.idp.dialect import Dialect, Quirk
from scimcert.idp.driver import ON_RESOURCE, Driver, StepFailed
from scimcert.idp.intent import Intent

SCENARIOS = [cases.load(file) for file in cases.files("scenarios")]


def applies(scenario: dict[str, Any], name: str) -> bool:
    scope = scenario.get("dialects")
    if scope is None:
        return True
    return name in scope["only"] if "only" in scope else name not in scope["except"]


def params() -> list[Any]:
    """Each scenario in each dialect it applies to, marked with the scenario's requirements and
    those of the dialect's quirks its steps send."""
    out = []
    for scenario in SCENARIOS:
        for name in dialects.names():
            if not applies(scenario, name):
                continue
            ids = graded_by(scenario, Dialect.load(name))
            out.append(pytest.param(scenario, name, id=f"{scenario['id']}-{name}",
                                    marks=[pytest.mark.requirement(*ids),
                                           pytest.mark.dialect(name),
                                           pytest.mark.scenario(scenario["id"])]))
    return out


def graded_by(scenario: dict[str, Any], dialect: Dialect) -> list[str]:
    """The requirements a replay is graded by, RFC conformance and IdP compatibility apart: an
    RFC client's replay by the scenario's RFC requirements, an IdP's by the scenario's
    requirements of that IdP and those of the quirks its steps send. An IdP replay that sends
    nothing of its own and meets none of its IdP's requirements is an RFC replay."""
    rfc = [r for r in scenario["requirements"] if r.startswith("rfc")]
    if dialect.idp is None:
        return rfc
    own = [r for r in scenario["requirements"] if r.startswith(f"{dialect.idp}/")]
    quirks = [q.requirement for q in in_play(scenario, dialect) if q.requirement]
    return list(dict.fromkeys([*own, *quirks])) or rfc


def in_play(scenario: dict[str, Any], dialect: Dialect) -> list[Quirk]:
    """The dialect's quirks that change a request of the scenario: those whose removal renders
    one of its steps otherwise (ids stand in as placeholders; nothing is sent)."""
    stand_in = Driver(dialect, None, scenario["people"])  # type: ignore[arg-type]
    stand_in.ids = _placeholders(scenario)
    intents = []
    for step in scenario["steps"]:
        args = stand_in.resolve(step["args"])
        if step["intent"] in ON_RESOURCE:
            args["current"] = {}
        intents.append(Intent(step["intent"], args))
    return [q for q in dialect.quirks if q.shape is not None
            and any(dialect.without(q).render(i) != dialect.render(i) for i in intents)]


def _placeholders(scenario: dict[str, Any]) -> dict[str, str]:
    found = {f"{{user:{p}}}": f"id-{p}" for p in scenario["people"]}
    found.update({f"{{group:{g}}}": f"id-{g}" for g in scenario["groups"]})
    return found


@pytest.mark.writes
@pytest.mark.parametrize(("scenario", "name"), params())
def test_scenario_leaves_the_state_the_idp_expects(scenario, name, scim, stage_scenario,
                                                   registry, user_type, group_type):
    dialect = Dialect.load(name)
    replay = [scenario, scim, stage_scenario, registry, user_type, group_type]
    try:
        play(dialect, *replay)
    except CheckFailure as exc:
        if exc.requirement is not None:
            raise
        # A wrong end state, not a refusal: played again without each quirk of the dialect in
        # turn, the first whose removal leaves the right state is the cause.
        for quirk in in_play(scenario, dialect):
            if passes(dialect.without(quirk), *replay):
                raise CheckFailure(replace(exc.failure, requirement=quirk.requirement, details=(
                    *exc.failure.details, *quirk_lines(name, (quirk,)),
                    "played again without it, the scenario ends as the IdP expects"))) from None
        wrong_value = isinstance(exc, WrongValue)
        raise CheckFailure(replace(exc.failure, requirement=stored(dialect) if wrong_value
                                   else graded_by(scenario, dialect)[0])) from None


class WrongValue(CheckFailure):
    """An attribute of the end state does not hold the value the replay wrote."""


def stored(dialect: Dialect) -> str:
    """Where a value not read back as written is filed: an RFC client's replay under the
    round trip, a MAY (RFC 7644 §3.3: "the server is free to alter and/or ignore POSTed
    content"), an IdP's under its requirement that values read back as sent, where it has
    one (Entra's general guidelines), else under the round trip too."""
    return STORED.get(dialect.idp or "", ROUND_TRIP)


def passes(dialect: Dialect, *replay: Any) -> bool:
    try:
        play(dialect, *replay)
    except CheckFailure:
        return False
    return True


def play(dialect, scenario, scim, stage_scenario, registry, user_type, group_type) -> None:
    """Stage the scenario, send its steps in `dialect`, and check the end state. An RFC client
    sends only what the target declares; an IdP sends what it sends."""
    run = stage_scenario(scenario)
    fit = None if dialect.idp else run.fit
    driver = Driver(dialect, scim, run.people, ids=dict(run.ids), on_created=run.created,
                    fit=fit)
    for index, step in enumerate(run.steps):
        try:
            driver.step(index, step)
        except StepFailed as exc:
            raise failed_step(dialect, exc) from None
        if "after" in step:
            try:
                check_state(scim, registry, user_type, group_type, driver, step["after"])
            except CheckFailure as exc:
                raise type(exc)(replace(exc.failure, what=f"after step {index + 1} "
                                        f"({step['intent']}): {exc.failure.what}")) from None
    check_state(scim, registry, user_type, group_type, driver, run.then)


def check_state(scim, registry, user_type, group_type, driver, state) -> None:
    """The users and groups of `state` (a step's `after` or the end state) as plain GETs read
    them."""
    state = driver.resolve(state)
    for person, wanted in state["users"].items():
        check_user(scim, registry, user_type, driver.ids, person, wanted)
    for group, wanted in state["groups"].items():
        check_group(scim, registry, group_type, driver.ids, group, wanted)


def quirk_lines(name: str, quirks: tuple[Quirk, ...]) -> list[str]:
    return [line for quirk in quirks for line in quirk.explained(name)]


# The RFC requirement of each kind of step an RFC client sends: where its refusal is filed when
# no quirk explains it (an IdP's refused step is filed under its IdP's requirements instead).
STEP_REQUIREMENTS = {
    "test_connection": "rfc7644/3.4.2/no-match-200", "find_user": "rfc7644/3.4.2/no-match-200",
    "find_group": "rfc7644/3.4.2/no-match-200", "create_user": "rfc7644/3.3/created-201",
    "create_group": "rfc7644/3.3/created-201", "delete_user": "rfc7644/3.6/delete-204",
    "delete_group": "rfc7644/3.6/delete-204",
}
PATCHED = "rfc7644/3.5.2/patch-answer"
ROUND_TRIP = "rfc7643/7/read-write-round-trip"
STORED = {"entra": "entra/users/stored-as-sent"}
BOOLEAN = "rfc7643/2.3.2/boolean-literal"
REFUSED = "rfc7644/3.12/unauthorized-401"


def failed_step(dialect: Dialect, exc: StepFailed) -> Exception:
    name = dialect.name
    """The step's failure; when the target refused the dialect's quirks (the same step without
    them went through), filed under the requirement the first serves, naming each and the bridge
    tolerance that accepts it."""
    requirement = next((q.requirement for q in exc.quirks if q.requirement), None)
    # A lookup that misses the user it must find is the scenario's own finding (its
    # requirements say how it matches: in any case, by externalId …).
    if requirement is None and dialect.idp is None and exc.step.get("expect") != "found":
        requirement = (REFUSED if exc.expected == 401
                       else STEP_REQUIREMENTS.get(exc.step["intent"], PATCHED))
    details = ["refused " + line if not line.startswith(" ") else line
               for line in quirk_lines(name, exc.quirks)]
    if exc.quirks:
        details.append("the same step without " + ("it" if len(exc.quirks) == 1 else "them")
                       + " went through")
    return fail(f"{name}: {exc}", expected=exc.expected,
                actual=exc.response.status_code if exc.response is not None else None,
                exchange=_exchange(exc.response), details=details, requirement=requirement)


def _exchange(resp: Any) -> Any:
    return None if resp is None else resp.extensions.get("scimcert.exchange")


def check_user(scim, registry, rtype, ids, person, state) -> None:
    rid = ids.get(f"{{user:{person}}}")
    expect(rid is not None, f"the user of {person} is known to the IdP", expected="an id",
           actual=None)
    resp = scim.get(f"{rtype.endpoint}/{rid}")
    if not state["exists"]:
        expect_status(resp, 404)
        return
    expect_status(resp, 200)
    body = resp.json()
    expect(not isinstance(body.get("active"), str), f"{person}'s active flag is a JSON boolean",
           expected=state["active"], actual=body.get("active"), resp=resp, requirement=BOOLEAN)
    expect(body.get("active") is state["active"], f"{person}'s active flag",
           expected=state["active"], actual=body.get("active"), resp=resp)
    check_attributes(registry, rtype, body, state, person, resp)
    if state.get("lookup") == "userName":
        found_once(scim, rtype, "userName", state["attributes"]["userName"], rid, person)
    for old in state.get("not_found_by", []):
        hits = listed(scim, rtype, "userName", old)
        expect(hits == [], f"userName eq {old!r} no longer finds anyone", expected=[],
               actual=hits)


def check_group(scim, registry, rtype, ids, group, state) -> None:
    rid = ids.get(f"{{group:{group}}}")
    expect(rid is not None, f"group {group} is known to the IdP", expected="an id", actual=None)
    resp = scim.get(f"{rtype.endpoint}/{rid}")
    if not state["exists"]:
        expect_status(resp, 404)
        return
    expect_status(resp, 200)
    body = resp.json()
    check_attributes(registry, rtype, body, state, group, resp)
    wanted = sorted(ids[f"{{user:{p}}}"] for p in state["members"])
    got = sorted(str(m.get("value")) for m in body.get("members") or [] if isinstance(m, dict))
    expect(got == wanted, f"{group}'s members", expected=wanted, actual=got, resp=resp)
    if state.get("lookup") == "displayName":
        found_once(scim, rtype, "displayName", state["attributes"]["displayName"], rid, group)


def check_attributes(registry, rtype, body, state, name, resp) -> None:
    try:
        for path, wanted in state.get("attributes", {}).items():
            got = values_at(body, path, registry, rtype)
            attr = attribute(registry, rtype, path)
            expect(len(got) == 1 and same(attr, got[0], wanted), f"{name}'s {path}",
                   expected=wanted, actual=got[0] if len(got) == 1 else got, resp=resp)
        for path in state.get("absent", []):
            got = values_at(body, path, registry, rtype)
            expect(got == [], f"{name}'s {path} is unassigned", expected=[], actual=got,
                   resp=resp)
    except CheckFailure as exc:
        raise WrongValue(exc.failure) from None


def listed(scim, rtype, attr: str, value: str) -> list[str]:
    text = value.replace("\\", "\\\\").replace('"', '\\"')
    resp = scim.get(rtype.endpoint, params={"filter": f'{attr} eq "{text}"'})
    expect_status(resp, 200)
    return [str(r.get("id")) for r in resp.json().get("Resources") or []]


def found_once(scim, rtype, attr: str, value: str, rid: str, name: str) -> None:
    hits = listed(scim, rtype, attr, value)
    expect(hits == [rid], f"{attr} eq {value!r} lists {name} once", expected=[rid], actual=hits)
