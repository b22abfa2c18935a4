"""Every declared attribute behaves as its characteristics say (RFC 7643 §7, RFC 7644 §3.3,
§3.5.2): readWrite round-trips, immutable stays, readOnly is ignored or refused, returned holds."""

from dataclasses import replace
from datetime import datetime

import pytest

from scimcert.harness.checks import (
    CheckFailure,
    body_of,
    expect,
    expect_error,
    expect_error_body,
    expect_status,
)
from scimcert.harness.messages import patch_op
from scimcert.harness.outcome import not_applicable
from scimcert.scim.schema import Attribute

pytestmark = pytest.mark.writes

PATCH = pytest.mark.feature("patch")


def lookup(container, name):
    """`container[name]`, the name matched without regard to case (RFC 7643 §2.1)."""
    if not isinstance(container, dict):
        return None
    return next((v for k, v in container.items() if k.lower() == name.lower()), None)


def value_at(resource, slot):
    container = lookup(resource, slot.urn) if slot.urn else resource
    value = lookup(container, slot.top)
    return lookup(value, slot.sub) if slot.sub else value


def placed(body, slot, value):
    """`body` with `value` at the slot's top-level attribute."""
    out = dict(body)
    container = out
    if slot.urn:
        schemas = out.get("schemas", [])
        out["schemas"] = schemas if slot.urn in schemas else [*schemas, slot.urn]
        container = out[slot.urn] = dict(out.get(slot.urn, {}))
    container[slot.top] = value
    return out


def _instant(text):
    return datetime.fromisoformat(str(text).replace("Z", "+00:00"))


def same(attr, sent, got) -> bool:
    """Whether `got` holds `sent`: each sent value and sub-attribute, compared by type."""
    if got is None:
        return False
    if attr.multi_valued:
        one = replace(attr, multi_valued=False)
        return isinstance(got, list) and all(any(same(one, s, g) for g in got) for s in sent)
    if attr.is_complex:
        return isinstance(got, dict) and all(
            same(attr.sub(k) or Attribute(k), v, lookup(got, k)) for k, v in sent.items())
    kind = attr.type
    try:
        if kind == "dateTime":
            return _instant(sent) == _instant(got)
        if kind == "decimal":
            return float(sent) == float(got)
    except (TypeError, ValueError):
        return False
    if kind == "string" and not attr.case_exact:
        # RFC 7643 §7: a case-insensitive value MAY come back in another case.
        return str(sent).lower() == str(got).lower()
    return sent == got


def top_slot(slot):
    return replace(slot, sub=None)


def sample(store, slot, attr, parent, *, every_sub=False):
    """(value written at the top-level attribute, value expected at the slot)."""
    if parent is None:
        if every_sub and attr.is_complex:
            names = {s.name for s in attr.sub_attributes}
            one = store.values.element(attr, only=names)
            value = [one] if attr.multi_valued else one
        else:
            value = store.values.value(attr)
        return value, value
    element = store.values.element(parent)
    element[attr.name] = store.values.simple(attr, parent)
    return element, element[attr.name]


def created(store, slot, value):
    resp = store.create(slot, placed(store.base_body(slot), top_slot(slot), value))
    expect_status(resp, 201)
    return body_of(resp)


def read(store, slot, resource, **params):
    resp = store.read(slot, resource["id"], **params)
    expect_status(resp, 200)
    return body_of(resp)


def patch(store, slot, resource, op, value=None):
    operation = {"op": op, "path": slot.path}
    if value is not None:
        operation["value"] = value
    return store.scim.patch(f"{store.endpoint(slot)}/{resource['id']}", json=patch_op(operation))


# Checks, one per behaviour; each raises CheckFailure ------------------------------------------


def check_round_trip(store, slot, attr, parent):
    written, expected = sample(store, slot, attr, parent)
    got = value_at(read(store, slot, created(store, slot, written)), slot)
    expect(same(attr, expected, got), f"{slot.path} reads back as written on create",
           expected=expected, actual=got)


def check_replace(store, slot, attr, parent):
    resource = created(store, slot, sample(store, slot, attr, parent)[0])
    value = store.values.value(attr)
    expect_status(patch(store, slot, resource, "replace", value), 200, 204)
    got = value_at(read(store, slot, resource), slot)
    expect(same(attr, value, got), f"{slot.path} reads back as PATCH replace set it",
           expected=value, actual=got)


def default_of(store, slot):
    """The value the target gives the slot when a create leaves it out (None: unassigned)."""
    body = placed(store.base_body(slot), top_slot(slot), None)
    container = body.get(slot.urn, {}) if slot.urn else body
    container.pop(slot.top, None)
    resp = store.create(slot, body)
    expect_status(resp, 201)
    return value_at(read(store, slot, body_of(resp)), slot)


def check_remove(store, slot, attr, parent):
    written, default = sample(store, slot, attr, parent)[0], None
    if attr.type == "boolean":
        # A server MAY hold a defaulted value once the attribute is unassigned (RFC 7644
        # §3.4.2.2 "defaulted attribute"); writing the other value tells removal from default.
        default = default_of(store, slot)
        written = not default if isinstance(default, bool) else True
        written = [written] if attr.multi_valued else written
    resource = created(store, slot, written)
    expect_status(patch(store, slot, resource, "remove"), 200, 204)
    got = value_at(read(store, slot, resource), slot)
    # RFC 7643 §2.5: unassigned, null and an empty array are the same state.
    gone = got is None or got == [] or got == {}
    expect(gone or (default is not None and same(attr, default, got)),
           f"{slot.path} is unassigned (or back to its default) after PATCH remove",
           expected=default, actual=got)


def check_immutable_on_create(store, slot, attr, parent):
    written, expected = sample(store, slot, attr, parent)
    got = value_at(read(store, slot, created(store, slot, written)), slot)
    expect(same(attr, expected, got), f"immutable {slot.path} reads back as set on create",
           expected=expected, actual=got)


def immutable_change(store, slot, attr, parent):
    """(the answer to a PATCH replacing the slot's value, the resource, its value before)."""
    resource = created(store, slot, sample(store, slot, attr, parent)[0])
    before = value_at(read(store, slot, resource), slot)
    resp = patch(store, slot, resource, "replace", store.values.simple(attr, parent)
                 if not attr.is_complex else store.values.value(attr))
    return resp, resource, before


def read_only_create(store, slot, attr, parent):
    written, sent = sample(store, slot, attr, parent, every_sub=True)
    resp = store.create(slot, placed(store.base_body(slot), top_slot(slot), written))
    expect_status(resp, 201)
    got = value_at(read(store, slot, body_of(resp)), slot)
    expect(not same(attr, sent, got), f"readOnly {slot.path} sent on create is not stored",
           expected=f"anything but {sent}", actual=got)


def read_only_change(store, slot, attr, parent):
    """(the answer to a PATCH setting the slot, the resource, the slot's value before)."""
    resource = store_base(store, slot)
    before = value_at(read(store, slot, resource), slot)
    op = "add" if attr.multi_valued else "replace"
    value = sample(store, slot, attr, None, every_sub=True)[0] if parent is None \
        else store.values.simple(attr, parent)
    return patch(store, slot, resource, op, value), resource, before


def expect_refused(store, slot, change):
    """The PATCH `change` made is refused with a 4xx Error and the slot keeps its value.

    RFC 7644 §3.5.2: an operation not compatible with the mutability "SHALL return the
    appropriate HTTP response status code and a JSON detail error response", and a failed
    PATCH restores the resource ("a failure status SHALL be returned"): any status that is
    not a success, with an Error. The exact 400 is only SHOULD (§3.12), graded by
    rfc7644/3.12/mutability-scim-type; the Error's format is graded by rfc7644/3.12/error-body.
    """
    resp, resource, before = change
    expect(resp.status_code >= 400, f"PATCH of {slot.path} is refused",
           expected="a failure status", actual=resp.status_code, resp=resp)
    after = value_at(read(store, slot, resource), slot)
    expect(after == before, f"{slot.path} is unchanged after the refused PATCH",
           expected=before, actual=after)
    expect_error_body(resp, requirement="rfc7644/3.12/error-body")


def store_base(store, slot):
    resp = store.create(slot, store.base_body(slot))
    expect_status(resp, 201)
    return body_of(resp)


def check_never(store, slot, attr, parent):
    written, _ = sample(store, slot, attr, parent)
    resp = store.create(slot, placed(store.base_body(slot), slot, written))
    expect_status(resp, 201)
    resource = body_of(resp)
    answers = {"POST": resource, "GET": read(store, slot, resource),
               "GET attributes": read(store, slot, resource, attributes=slot.path)}
    shown = {k: value_at(body, slot) for k, body in answers.items()
             if value_at(body, slot) is not None}
    expect(not shown, f"returned=never {slot.path} is in no answer", expected={}, actual=shown)


def check_request(store, slot, attr, parent):
    written, expected = sample(store, slot, attr, parent)
    resource = created(store, slot, written)
    default = value_at(read(store, slot, resource), slot)
    expect(default is None, f"returned=request {slot.path} is absent by default",
           expected=None, actual=default)
    asked = value_at(read(store, slot, resource, attributes=slot.path), slot)
    expect(same(attr, expected, asked), f"{slot.path} is returned when asked for",
           expected=expected, actual=asked)


def check_canonical(store, slot, attr, parent):
    for value in attr.canonical_values:
        if parent is None:
            written = [value] if attr.multi_valued else value
        else:
            element = store.values.element(parent)
            element[attr.name] = value
            written = [element] if parent.multi_valued else element
        top = value_at(read(store, slot, created(store, slot, written)), top_slot(slot))
        items = top if isinstance(top, list) else [top]
        found = [lookup(i, attr.name) for i in items] if parent is not None else items
        expect(any(same(replace(attr, multi_valued=False), value, g) for g in found),
               f"canonical value {value!r} of {slot.path} reads back", expected=value,
               actual=found)


def walk(behaviour, target_only, store, check):
    """Run `check` on every target-only slot of `behaviour`; one failure lists them all."""
    slots = target_only(behaviour)
    if not slots:
        not_applicable(f"the target declares no other {behaviour} attribute")
    failures: dict[str | None, list[str]] = {}
    for slot, attr, parent in slots:
        try:
            check(store, slot, attr, parent)
        except CheckFailure as exc:
            failures.setdefault(exc.requirement, []).append(f"{slot.id}: {exc.what}")
    # A check naming another requirement (the Error format) is filed under it, after the
    # behaviour's own failures.
    for requirement, found in sorted(failures.items(), key=lambda item: item[0] is not None):
        expect(not found, f"{behaviour} holds for every target-only attribute",
               expected=[], actual=found, requirement=requirement)


# Tests over the reference definitions ----------------------------------------------------------


@pytest.mark.requirement("rfc7643/7/read-write-round-trip")
def test_read_write_attribute_round_trips_on_create(round_trip_slot, declared_as, store):
    check_round_trip(store, round_trip_slot, *declared_as(round_trip_slot, "round_trip"))


@PATCH
@pytest.mark.requirement("rfc7644/3.5.2.3/replace-simple")
def test_patch_replace_sets_read_write_attribute(replace_slot, declared_as, store):
    check_replace(store, replace_slot, *declared_as(replace_slot, "replace"))


@PATCH
@pytest.mark.requirement("rfc7644/3.5.2.2/remove-simple")
def test_patch_remove_clears_read_write_attribute(remove_slot, declared_as, store):
    check_remove(store, remove_slot, *declared_as(remove_slot, "remove"))


@pytest.mark.requirement("rfc7644/3.3/read-only-create-ignored")
def test_read_only_attribute_is_ignored_on_create(read_only_slot, declared_as, store):
    read_only_create(store, read_only_slot, *declared_as(read_only_slot, "read_only"))


@PATCH
@pytest.mark.requirement("rfc7644/3.5.2/read-only-patch-refused")
def test_patch_on_read_only_attribute_is_refused(read_only_slot, declared_as, store):
    expect_refused(store, read_only_slot, read_only_change(
        store, read_only_slot, *declared_as(read_only_slot, "read_only")))


@PATCH
@pytest.mark.requirement("rfc7644/3.12/mutability-scim-type")
def test_patch_on_read_only_attribute_names_mutability(read_only_slot, declared_as, store):
    resp, _, _ = read_only_change(store, read_only_slot,
                                  *declared_as(read_only_slot, "read_only"))
    expect_error(resp, 400, "mutability", absent_type_ok=True)


@pytest.mark.requirement("rfc7643/7/returned-never")
def test_never_returned_attribute_is_in_no_answer(never_slot, declared_as, store):
    check_never(store, never_slot, *declared_as(never_slot, "never"))


@pytest.mark.requirement("rfc7643/7/canonical-values")
def test_canonical_values_are_accepted(canonical_slot, declared_as, store):
    check_canonical(store, canonical_slot, *declared_as(canonical_slot, "canonical"))


# Walkers over what only the target declares ----------------------------------------------------


@pytest.mark.requirement("rfc7643/7/read-write-round-trip")
def test_target_only_read_write_attributes_round_trip(target_only, store):
    walk("round_trip", target_only, store, check_round_trip)


@PATCH
@pytest.mark.requirement("rfc7644/3.5.2.3/replace-simple")
def test_target_only_read_write_attributes_take_patch_replace(target_only, store):
    walk("replace", target_only, store, check_replace)


@PATCH
@pytest.mark.requirement("rfc7644/3.5.2.2/remove-simple")
def test_target_only_read_write_attributes_take_patch_remove(target_only, store):
    walk("remove", target_only, store, check_remove)


@pytest.mark.requirement("rfc7643/7/immutable-on-create")
def test_immutable_attributes_are_set_on_create(target_only, store):
    walk("immutable", target_only, store, check_immutable_on_create)


@PATCH
@pytest.mark.requirement("rfc7644/3.5.2/immutable-patch-refused")
def test_patch_changing_immutable_attributes_is_refused(target_only, store):
    walk("immutable", target_only, store,
         lambda store, slot, *rest: expect_refused(store, slot,
                                                   immutable_change(store, slot, *rest)))


@PATCH
@pytest.mark.requirement("rfc7644/3.12/mutability-scim-type")
def test_patch_changing_immutable_attributes_names_mutability(target_only, store):
    walk("immutable", target_only, store,
         lambda *args: expect_error(immutable_change(*args)[0], 400, "mutability",
                                   absent_type_ok=True))


@pytest.mark.requirement("rfc7644/3.3/read-only-create-ignored")
def test_target_only_read_only_attributes_are_ignored_on_create(target_only, store):
    walk("read_only", target_only, store, read_only_create)


@PATCH
@pytest.mark.requirement("rfc7644/3.5.2/read-only-patch-refused")
def test_patch_on_target_only_read_only_attributes_is_refused(target_only, store):
    walk("read_only", target_only, store,
         lambda store, slot, *rest: expect_refused(store, slot,
                                                   read_only_change(store, slot, *rest)))


@pytest.mark.requirement("rfc7643/7/returned-never")
def test_target_only_never_returned_attributes_are_in_no_answer(target_only, store):
    walk("never", target_only, store, check_never)


@pytest.mark.requirement("rfc7643/7/returned-request")
def test_request_returned_attributes_appear_only_when_asked(target_only, store):
    walk("request", target_only, store, check_request)


@pytest.mark.requirement("rfc7643/7/canonical-values")
def test_target_only_canonical_values_are_accepted(target_only, store):
    walk("canonical", target_only, store, check_canonical)
