"""Provisioning cycles of the example tenant into the reference bridge in-process, and the log
Entra would show for what a target answers."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from scimcert import paths
from scimcert.bridge.app import create_app
from scimcert.bridge.seed import load
from scimcert.idp import log as logs
from scimcert.idp.cycle import Provisioner, QuirkRefused
from scimcert.idp.dialect import Dialect
from scimcert.idp.directory import Directory
from scimcert.idp.mapping import Mapping
from scimcert.wire import Client, Redactor, Ring
from scimcert.wire.transport import IN_PROCESS_ORIGIN, in_process
from tests.bridge.rfc import rfc_bridge
from tests.secret import absent

EXAMPLE = paths.fixtures() / "directory" / "example-tenant.json"
RECOMMENDED = paths.fixtures() / "mappings" / "entra-1password-recommended.json"
DEFAULT = paths.fixtures() / "mappings" / "entra-default.json"
TOKEN = "cycle-test-token"
ID = "0c1d9a52-7f43-4f0e-9d4b-1a2b3c4d5e"


def uid(n: int) -> str:
    return f"{ID}{n:02d}"


@contextmanager
def bridge(directory: Directory, *, provisioning: bool = True) -> Iterator[tuple[Client, Any]]:
    account = load(directory.seed)
    account.provisioning = provisioning
    app = create_app(tokens=[TOKEN], account=account)
    with in_process(app) as http:
        yield Client(http, IN_PROCESS_ORIGIN + "/scim/v2", token=TOKEN, allow_writes=True,
                     redactor=Redactor([TOKEN]), sink=Ring(10)), account


def provisioner(client: Client, directory: Directory, mapping=RECOMMENDED, **options: Any
                ) -> tuple[Provisioner, logs.Kept]:
    kept = logs.Kept()
    sleeps: list[float] = []
    return Provisioner(client, directory, Mapping.load(mapping), kept, sleep=sleeps.append,
                       **options), kept


def listed(client: Client, endpoint: str) -> list[dict[str, Any]]:
    return client.get(endpoint, params={"count": "1000"}).json()["Resources"]


def test_the_initial_cycle_leaves_exactly_the_mapped_users_and_groups():
    directory = Directory.load(EXAMPLE)
    with bridge(directory) as (client, account):
        sam = next(iter(account.people))
        run, kept = provisioner(client, directory)
        run.run(1)
        users = {u["userName"]: u for u in listed(client, "/Users")}
        groups = {g["displayName"]: g for g in listed(client, "/Groups")}
    mails = {directory.users[uid(n)]["mail"] for n in (1, 2, 3, 5, 6, 8, 9, 10, 11)}
    assert set(users) == mails
    assert all(u["active"] is True for u in users.values())
    assert users["sam.okafor@larkspur.example"]["id"] == sam
    assert users["priya.natarajan@larkspur.example"]["externalId"] == "pnatarajan"
    assert sorted(groups) == ["Engineering", "Finance", "Sales & Support"]
    engineering = sorted(m["display"] for m in groups["Engineering"]["members"])
    assert engineering == ["Inês Duarte", "Omar Haddad"]
    assert kept.of(status=logs.FAILURE) == []
    linked = kept.of(source=uid(6))[0]
    assert (linked.action, linked.changed) == (logs.UPDATE,
                                               ("userName", "preferredLanguage", "externalId"))
    # Finance, linked by name, gets the externalId the group mapping sends (objectId).
    finance = next(g for g in directory.groups.values() if g.displayName == "Finance")
    assert groups["Finance"]["externalId"] == finance.id
    linked = kept.of(source=finance.id, action=logs.UPDATE)[0]
    assert linked.changed == ("externalId",) and "linked" in linked.reason


def test_the_second_cycle_sends_only_the_changes():
    directory = Directory.load(EXAMPLE)
    with bridge(directory) as (client, _):
        run, kept = provisioner(client, directory)
        run.run(2)
        users = {u["userName"]: u for u in listed(client, "/Users")}
    second = [(e.object, e.action, e.name, e.changed) for e in kept.of(cycle=2)
              if e.status == logs.SUCCESS]
    assert sorted(second) == sorted([
        ("User", "Disable", "omar.haddad@larkspur.example", ("active",)),
        ("User", "Disable", "ines.duarte@larkspur.example", ("active",)),
        ("User", "Disable", "jonas.berg@partner.example", ("active",)),
        ("User", "Disable", "fatima.zahra@larkspur.example", ("active",)),
        ("User", "Update", "aiko.tanaka@larkspur.example", ("preferredLanguage",)),
        ("User", "Update", "diego.ramirez@larkspur.example", ("displayName",)),
        ("User", "Create", "zoe.martin@larkspur.example",
         ("userName", "active", "displayName", "preferredLanguage", "externalId")),
        ("Group", "Update", "Customer Success", ("displayName",)),
        ("Group", "Update", "Engineering", ("members",)),
        ("Group", "Update", "Engineering", ("members",)),
        ("Group", "Update", "Finance", ("members",)),
    ])
    assert users["omar.haddad@larkspur.example"]["active"] is False
    assert users["diego.ramirez@larkspur.example"]["displayName"] == "Diego Ramírez Soto"


def test_a_cycle_without_changes_sends_nothing_but_its_connection_test():
    directory = Directory.load(EXAMPLE)
    with bridge(directory) as (client, _):
        run, kept = provisioner(client, directory)
        run.cycle()
        sent = client.sink.total
        run.cycle(set())
        assert client.sink.total - sent == 1
    assert kept.of(cycle=2) == []


def test_reactivation_after_a_disable():
    directory = Directory.load(EXAMPLE)
    with bridge(directory) as (client, _):
        run, kept = provisioner(client, directory)
        run.cycle()
        run.cycle(directory.apply([{"op": "disable", "user": uid(9)}]))
        run.cycle(directory.apply([{"op": "enable", "user": uid(9)}]))
        aiko = client.get("/Users", params={"filter": 'userName eq "aiko.tanaka@larkspur.example"'})
    assert aiko.json()["Resources"][0]["active"] is True
    assert [(e.cycle, e.action) for e in kept.of(source=uid(9))] == [
        (1, "Create"), (2, "Disable"), (3, "Update")]


def test_a_user_unassigned_and_disabled_is_no_longer_managed():
    directory = Directory.load(EXAMPLE)
    with bridge(directory) as (client, _):
        run, kept = provisioner(client, directory)
        run.cycle()
        run.cycle(directory.apply([{"op": "unassign", "principal": uid(9)}]))
        run.cycle(directory.apply([{"op": "hardDelete", "user": uid(9)}]))
    assert [e.action for e in kept.of(source=uid(9))] == ["Create", "Disable"]


def test_a_hard_delete_is_a_delete_in_entra_and_a_deactivation_in_okta():
    for name, action in (("entra", "Delete"), ("okta", "Disable")):
        directory = Directory.load(EXAMPLE)
        with bridge(directory) as (client, _):
            run, kept = provisioner(client, directory, dialect=Dialect.load(name))
            run.cycle()
            run.cycle(directory.apply([{"op": "hardDelete", "user": uid(10)}]))
        assert [e.action for e in kept.of(source=uid(10), cycle=2)] == [action]


def test_managers_are_set_in_a_second_pass_to_the_targets_ids():
    directory = Directory.load(EXAMPLE)
    with bridge(directory) as (client, _):
        run, kept = provisioner(client, directory, DEFAULT)
        run.cycle()
        users = {u["userName"]: u for u in listed(client, "/Users")}
    enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    omar = users["omar.haddad@larkspur.example"]
    assert omar[enterprise]["manager"]["value"] == users["maya.chen@larkspur.example"]["id"]
    assert kept.of(status=logs.FAILURE) == []


@pytest.mark.parametrize("name", ["entra-flagged", "okta", "okta-aiw", "rfc", "interop"])
def test_every_dialect_runs_the_example_tenants_cycles(name):
    directory = Directory.load(EXAMPLE)
    with bridge(directory) as (client, _):
        run, kept = provisioner(client, directory, DEFAULT, dialect=Dialect.load(name))
        run.run(2)
        diego = client.get("/Users", params={
            "filter": 'userName eq "diego.ramirez@larkspur.example"'}).json()["Resources"][0]
    assert kept.of(status=logs.FAILURE) == []
    assert diego["displayName"] == "Diego Ramírez Soto"


def test_provision_on_demand_creates_one_user():
    directory = Directory.load(EXAMPLE)
    with bridge(directory) as (client, _):
        run, _ = provisioner(client, directory)
        entries = run.on_demand("Aiko Tanaka")
        names = [u["userName"] for u in listed(client, "/Users")]
    assert [(e.action, e.status) for e in entries] == [("Create", "Success")]
    assert sorted(names) == ["Sam.Okafor@larkspur.example", "aiko.tanaka@larkspur.example"]


def test_provision_on_demand_of_a_group_creates_it_with_the_chosen_members():
    directory = Directory.load(EXAMPLE)
    engineering = next(g for g in directory.groups.values() if g.displayName == "Engineering")
    with bridge(directory) as (client, _):
        run, _ = provisioner(client, directory)
        first = run.on_demand_group("engineering", ["Omar Haddad"])
        second = run.on_demand_group(engineering.id, ["ines.duarte@larkspur.example"])
        group, = client.get("/Groups", params={
            "filter": 'displayName eq "Engineering"'}).json()["Resources"]
        names = [u["userName"] for u in listed(client, "/Users")]
    assert [(e.object, e.action) for e in first] == [
        ("User", "Create"), ("Group", "Create"), ("Group", "Update")]
    assert [(e.object, e.action) for e in second] == [("User", "Create"), ("Group", "Update")]
    assert sorted(m["display"] for m in group["members"]) == ["Inês Duarte", "Omar Haddad"]
    assert len(names) == 3


@pytest.mark.parametrize(("group", "members", "reason"), [
    ("Nope", [], "no group 'Nope' in the directory"),
    ("Engineering", ["u"] * 6,
     "provision on demand takes at most 5 members of a group (6 chosen)"),
    ("Engineering", ["Noah Williams"], "'Noah Williams' is not a user member of the group"),
])
def test_an_on_demand_group_run_refuses_what_entra_would_not_offer(group, members, reason):
    directory = Directory.load(EXAMPLE)
    sent: list[str] = []
    run, _ = provisioner(scripted(lambda r: sent.append(r.method) or listing()), directory)
    failure, = run.on_demand_group(group, members)
    assert (failure.status, failure.reason) == ("Failure", reason) and sent == []


def test_an_on_demand_group_out_of_scope_is_skipped():
    directory = Directory.load(EXAMPLE)
    platform = next(g for g in directory.groups.values() if g.displayName == "Platform Team")
    run, _ = provisioner(scripted(lambda r: listing()), directory)
    skipped, = run.on_demand_group(platform.id)
    assert (skipped.status, skipped.reason) == ("Skipped", "out of scope: not assigned to the app")


def test_provisioning_switched_off_fails_the_connection_test_with_the_bridges_words():
    directory = Directory.load(EXAMPLE)
    with bridge(directory, provisioning=False) as (client, account):
        run, kept = provisioner(client, directory)
        cycle, = run.run(1)
        account.provisioning = True
        names = [u["userName"] for u in listed(client, "/Users")]
    failure, = kept.entries
    assert (failure.status, failure.code, failure.http) == ("Failure", "InternalServerError", 503)
    assert "Provisioning users & groups is turned off" in failure.detail
    assert names == ["Sam.Okafor@larkspur.example"]
    assert cycle.stopped == failure and run.quarantine is None


def test_a_refused_token_is_invalid_credentials_and_quarantines_the_job():
    directory = Directory.load(EXAMPLE)
    with bridge(directory) as (client, _):
        run, kept = provisioner(client.with_token("not-the-token"), directory)
        run.run(3)
    failure, = kept.entries
    assert failure.code == "SystemForCrossDomainIdentityManagementInvalidCredentials"
    assert run.quarantine == "EncounteredQuarantineException"
    assert "not-the-token" not in json.dumps([e.to_json() for e in kept.entries])


# -- scripted targets


def scripted(handler: Callable[[httpx.Request], httpx.Response]) -> Client:
    http = httpx.Client(transport=httpx.MockTransport(handler))
    return Client(http, "http://bridge.example/scim/v2", token=TOKEN, allow_writes=True,
                  redactor=Redactor([TOKEN]), sink=Ring(10))


def listing(*resources: dict[str, Any]) -> httpx.Response:
    return httpx.Response(200, json={"schemas": ["urn:ietf:params:scim:api:messages:2.0:"
                                                 "ListResponse"], "totalResults": len(resources),
                                     "Resources": list(resources)})


def one_user() -> Directory:
    return Directory.from_json({"users": [{"id": "u1", "userPrincipalName": "u1@x.example",
                                           "mail": "u1@x.example", "displayName": "U One",
                                           "mailNickname": "u1", "accountEnabled": True}]})


def target(create: httpx.Response, hits: tuple[dict[str, Any], ...] = ()
           ) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and "u1" not in request.url.params.get("filter", ""):
            return listing()
        if request.method == "GET":
            return listing(*hits)
        return create
    return handle


@pytest.mark.parametrize(("status", "code"), [
    (409, "EntryConflict"), (400, "SystemForCrossDomainIdentityManagementBadRequest"),
    (403, "InsufficientRights")])
def test_a_refused_create_is_logged_with_entras_code_and_the_targets_detail(status, code):
    refusal = httpx.Response(status, json={"schemas": ["urn:ietf:params:scim:api:messages:2.0:"
                                                       "Error"], "status": str(status),
                                           "detail": "userName is taken"})
    run, kept = provisioner(scripted(target(refusal)), one_user())
    run.run(1)
    failure, = kept.of(status=logs.FAILURE)
    assert (failure.action, failure.code, failure.http, failure.detail) == (
        "Create", code, status, "userName is taken")
    assert run.pending == {"u1"}


def test_two_target_users_matching_are_duplicate_target_entries():
    hits = ({"id": "a", "userName": "u1@x.example"}, {"id": "b", "userName": "u1@x.example"})
    run, kept = provisioner(scripted(target(httpx.Response(201), hits)), one_user())
    run.run(1)
    assert [e.code for e in kept.of(status=logs.FAILURE)] == ["DuplicateTargetEntries"]


def test_two_directory_users_with_one_matching_value_are_duplicate_source_entries():
    directory = Directory.load(EXAMPLE)
    # Aiko's mail given to a joiner in another case: neither is matched, both are retried.
    aiko = directory.users[uid(9)]
    with bridge(directory) as (client, _):
        run, kept = provisioner(client, directory)
        run.cycle()
        touched = directory.apply([{"op": "addUser", "user": {
            "id": "joiner", "userPrincipalName": "aiko2@larkspur.example",
            "mail": aiko["mail"].upper(), "mailNickname": "aiko2", "displayName": "Aiko T.",
            "accountEnabled": True}}, {"op": "assign", "principal": "joiner"}])
        run.cycle(touched)
        found = client.get("/Users", params={"filter": f'userName eq "{aiko["mail"]}"'})
    failure, = kept.of(cycle=2, status=logs.FAILURE)
    assert (failure.source, failure.code) == ("joiner", "DuplicateSourceEntries")
    assert "mail" not in failure.reason and "userName" in failure.reason
    assert found.json()["totalResults"] == 1
    assert "joiner" in run.pending


def test_the_first_cycle_creates_neither_of_two_users_sharing_a_matching_value():
    directory = one_user()
    directory.users["u2"] = {**directory.users["u1"], "id": "u2", "mailNickname": "u2"}
    sent: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request.method)
        return listing()

    run, kept = provisioner(scripted(handle), directory)
    run.run(1)
    assert [(e.source, e.code) for e in kept.of(status=logs.FAILURE)] == [
        ("u1", "DuplicateSourceEntries"), ("u2", "DuplicateSourceEntries")]
    assert "POST" not in sent


@pytest.mark.parametrize("diagnose", [False, True])
def test_a_quirk_the_target_refuses_is_named_only_when_diagnosing(diagnose):
    # A plain RFC bridge refuses Entra's group schema URI (no unknown_schema_urns tolerance).
    directory = Directory.load(EXAMPLE)
    made: list[tuple[str, str]] = []
    with in_process(rfc_bridge(tokens=[TOKEN])) as http:
        client = Client(http, IN_PROCESS_ORIGIN + "/scim/v2", token=TOKEN, allow_writes=True,
                        redactor=Redactor([TOKEN]), sink=Ring(10))
        run, kept = provisioner(client, directory, diagnose=diagnose,
                                on_created=lambda e, i: made.append((e, i)))
        if not diagnose:
            run.cycle()
            refused = kept.of(object="Group", action=logs.CREATE, status=logs.FAILURE)
            assert refused and all(e.http == 400 for e in refused)
            return
        with pytest.raises(QuirkRefused) as caught:
            run.cycle()
        groups = listed(client, "/Groups")
    assert [q.name for q in caught.value.quirks] == ["adscim-group-schema"]
    assert caught.value.entry.http == 400
    # The group the same create made without the quirk is told for cleanup.
    assert [g["id"] for g in groups] == [i for e, i in made if e == "/Groups"]


def test_a_429_is_retried_after_retry_after_and_then_succeeds():
    answers = iter([httpx.Response(429, headers={"Retry-After": "3"}),
                    httpx.Response(201, json={"id": "new"})])
    sleeps: list[float] = []

    def handle(request: httpx.Request) -> httpx.Response:
        return listing() if request.method == "GET" else next(answers)

    run = Provisioner(scripted(handle), one_user(), Mapping.load(RECOMMENDED), logs.Kept(),
                      sleep=sleeps.append)
    run.run(1)
    assert (sleeps, run.links["u1"].target) == ([3.0], "new")


def test_a_lookup_answered_404_quarantines_the_job_as_a_scim_compliance_issue():
    run, kept = provisioner(scripted(lambda r: httpx.Response(404)), one_user())
    run.run(2)
    assert [e.code for e in kept.entries] == [
        "SystemForCrossDomainIdentityManagementServiceIncompatible"]
    assert run.quarantine == "EncounteredQuarantineException"


def test_a_user_without_a_matching_value_is_import_skipped():
    directory = Directory.from_json({"users": [{"id": "u1", "userPrincipalName": "u1@x.example",
                                                "accountEnabled": True}]})
    run, kept = provisioner(scripted(target(httpx.Response(201))), directory)
    run.run(1)
    assert [(e.status, e.code) for e in kept.entries] == [("Skipped", "ImportSkipped")]


def test_state_per_user_is_a_target_id_and_a_few_bytes():
    directory = Directory.load(EXAMPLE)
    with bridge(directory) as (client, _):
        run, _ = provisioner(client, directory)
        run.cycle()
    assert max(len(link.sent) for link in run.links.values()) == 8 * 5


def test_a_token_the_target_echoes_in_an_error_is_masked_in_the_log():
    refusal = httpx.Response(400, json={"detail": f"bad request with Bearer {TOKEN}"})
    run, kept = provisioner(scripted(target(refusal)), one_user())
    run.run(1)
    absent(TOKEN, log=json.dumps([e.to_json() for e in kept.entries]))
    assert "***" in kept.of(status=logs.FAILURE)[0].detail
