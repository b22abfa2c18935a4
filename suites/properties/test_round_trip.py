"""Generated resources of every type the target declares (Unicode names, several e-mails and
phone numbers with one primary, extension attributes, long and short values): a create reads
back what it sent (RFC 7643 §7), and every 2xx answer to a write carrying a body is the resource
as the following GET reads it (RFC 7644 §3.3, §3.5.1, §3.5.2).

Compared as RFC 7643 lets a provider differ (harness/properties/likeness.py): values of a
multi-valued attribute in any order, caseExact=false strings in any case, attributes the client
did not send added by the provider, members by their ids; meta.lastModified and meta.version
aside, since they are the provider's to move.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st

from scimcert.harness.checks import body_of, expect, filed
from scimcert.harness.messages import patch_op
from scimcert.harness.properties import likeness, model
from scimcert.harness.properties.model import kept_immutable
from scimcert.scim.errors import ScimError

ROUND_TRIP = "rfc7643/7/read-write-round-trip"
POST_ANSWER = "rfc7644/3.3/body-representation"
PUT_ANSWER = "rfc7644/3.5.1/put-answer"
PATCH_ANSWER = "rfc7644/3.5.2/patch-answer"
# meta members a write moves (RFC 7643 §3.1): the rest of meta must match the read.
MOVING = ("lastModified", "version")
POOL = 2

pytestmark = [pytest.mark.writes, pytest.mark.properties]


@pytest.mark.requirement(ROUND_TRIP)
def test_created_resource_reads_back_what_was_sent(runner, lab, forge, registry, creatable):
    pool = lab.users(POOL)

    def holds(case: tuple[Any, dict[str, Any]]) -> None:
        rtype, template = case
        sent, created = lab.create(rtype, template, pool)
        read = lab.read(rtype, created["id"])
        found = likeness.differences(sent, read, registry, rtype)
        expect(not found, f"the {rtype.name} reads back every value its create sent",
               expected="no difference", actual=[str(d) for d in found])

    runner.check(holds, case=forge.typed(creatable, members=POOL))


@pytest.mark.requirement(POST_ANSWER, PUT_ANSWER, PATCH_ANSWER)
def test_write_answer_is_the_resource_as_read(runner, lab, forge, registry, creatable, spc):
    pool = lab.users(POOL)
    patching = bool((spc.get("patch") or {}).get("supported", True))

    def holds(case: tuple[Any, dict[str, Any]], data: st.DataObject) -> None:
        rtype, template = case
        _, created = lab.create(rtype, template, pool)
        location = f"{rtype.endpoint}/{created['id']}"
        same_as_read(lab, rtype, created, created["id"], "POST", POST_ANSWER)
        current = lab.read(rtype, created["id"])
        replacement = forge.stamp(data.draw(forge.body(rtype, members=POOL), "PUT body"),
                                  lab.tag(), pool)
        resp = lab.scim.put(location, json=kept_immutable(replacement, current, registry, rtype))
        if resp.is_success:
            same_as_read(lab, rtype, body_of(resp), created["id"], "PUT", PUT_ANSWER)
        if not patching:
            return
        base = lab.stored(rtype, lab.read(rtype, created["id"]))
        drawn = data.draw(forge.operations(rtype, members=POOL), "operations")
        operations = forge.stamp(forge.resolve(drawn, base, rtype), lab.tag(), pool)
        if not operations:
            return
        try:
            model.patched(base, patch_op(*operations), registry, rtype)
        except ScimError:
            return
        resp = lab.scim.patch(location, json=patch_op(*operations))
        if resp.status_code == 200:
            same_as_read(lab, rtype, body_of(resp), created["id"], "PATCH", PATCH_ANSWER)

    runner.check(holds, scale=0.75, case=forge.typed(creatable, members=POOL), data=st.data())


def same_as_read(lab, rtype, answer: Any, rid: str, method: str, requirement: str) -> None:
    """The answer to a write is the resource a GET right after reads: same id, same values,
    same meta but what a write moves."""
    read = lab.read(rtype, rid)
    with filed(requirement):
        expect(isinstance(answer, dict) and answer.get("id") == rid,
               f"the {method} answer is the resource it wrote", expected=rid,
               actual=answer.get("id") if isinstance(answer, dict) else answer)
        found = [str(d) for d in likeness.differences(read, answer, lab.registry, rtype,
                                                      [answer])]
        meta = {k: v for k, v in (read.get("meta") or {}).items() if k not in MOVING}
        answered = {k: v for k, v in (answer.get("meta") or {}).items() if k in meta}
        found += [f"meta.{k}: read {v!r}, answered {answered.get(k)!r}"
                  for k, v in meta.items() if answered.get(k) != v]
        expect(not found, f"the {method} answer holds what a GET then reads",
               expected="no difference", actual=found)

