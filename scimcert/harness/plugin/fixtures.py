"""The fixtures every suite builds on: the target, its clients, the data factory, cleanup, and
what the target declares (ServiceProviderConfig, schemas and resource types)."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from scimcert.harness import bodies
from scimcert.harness.cleanup import Cleanup
from scimcert.harness.connect import connect
from scimcert.harness.discovery import Discovery, Unusable, endpoint_path, probe
from scimcert.harness.factory import Factory, Memory
from scimcert.harness.outcome import not_applicable
from scimcert.harness.plugin.recording import TAPE
from scimcert.harness.plugin.selection import REQUIREMENTS
from scimcert.harness.plugin.state import state
from scimcert.harness.target import Target
from scimcert.scim.schema import Registry, ResourceType, Schema
from scimcert.wire import Client, Ring, TargetError

# Exchanges a switched-off bridge's client keeps.
SWITCHED_EXCHANGES = 20


@pytest.fixture(scope="session")
def target(pytestconfig: pytest.Config) -> Target:
    """The resolved target settings of this run."""
    return state(pytestconfig).target


@pytest.fixture(scope="session")
def scim_session(pytestconfig: pytest.Config) -> Iterator[Client]:
    """The client of session-wide fixtures (data sets, discovery); at session end it deletes
    what the run created. It keeps only its recent exchanges."""
    st = state(pytestconfig)
    with connect(st.target, st.session, on_app=lambda app: setattr(st, "app", app)) as client:
        st.base = client.redactor(client.base_url)
        try:
            yield client
        finally:
            st.leftovers.extend(str(left) for left in st.cleanup.run(client))


@pytest.fixture
def scim(request: pytest.FixtureRequest, scim_session: Client) -> Client:
    """The recording client of this test: every exchange goes to the test's own tape."""
    return scim_session.recording(request.node.stash[TAPE])


@pytest.fixture(scope="session")
def cleanup(pytestconfig: pytest.Config, scim_session: Client) -> Cleanup:
    """The registry of resources to delete at session end: `.register("/Users", id)`."""
    return state(pytestconfig).cleanup


@pytest.fixture(scope="session")
def discovery(pytestconfig: pytest.Config, scim_session: Client) -> Discovery:
    """The target's ServiceProviderConfig, or why it has none."""
    st = state(pytestconfig)
    if st.discovery is None:
        try:
            st.discovery = probe(scim_session)
        except Unusable as exc:
            pytest.exit(str(exc), returncode=3)
    return st.discovery


@pytest.fixture(scope="session")
def spc(discovery: Discovery) -> dict[str, Any]:
    """The target's ServiceProviderConfig body ({} when it serves none)."""
    return dict(discovery.spc or {})


@pytest.fixture(scope="session")
def supports(discovery: Discovery) -> Callable[[str], bool]:
    """`supports("etag")`: whether the target offers a feature."""
    return discovery.supports


@pytest.fixture(scope="session")
def factory_memory() -> Memory:
    """What creates taught the run (which standard bodies the target refuses)."""
    return Memory()


@pytest.fixture
def make(request: pytest.FixtureRequest, scim: Client, cleanup: Cleanup, target: Target,
         registry: Registry, factory_memory: Memory) -> Factory:
    """Test data factory; its generator is seeded from the run seed and the test id."""
    rng = random.Random(f"{target.seed}:{request.node.nodeid}")
    return Factory(scim, cleanup, run_id=target.run_id, email_domain=target.email_domain,
                   rng=rng, registry=registry, memory=factory_memory)


@pytest.fixture(scope="session")
def registry(pytestconfig: pytest.Config, scim_session: Client) -> Registry:
    """The target's schemas and resource types as /Schemas and /ResourceTypes declare them;
    what the target does not serve is taken from RFC 7643 §8.7 (graded by the discovery suite).
    Endpoints are kept as paths under the base URL, however the target wrote them."""
    defaults = Registry.load()
    found = Registry(common=defaults.common)
    schemas = _listing(scim_session, "/Schemas")
    types = _listing(scim_session, "/ResourceTypes")
    for item in schemas if schemas is not None else []:
        _add(found.add_schema, Schema.from_json, item)
    if schemas is None:
        for schema in defaults.served_schemas():
            found.add_schema(schema)
    for item in types if types is not None else []:
        _add(found.add_resource_type, ResourceType.from_json, item)
    if types is None:
        for rtype in defaults.resource_types.values():
            found.add_resource_type(rtype)
    for key, rtype in list(found.resource_types.items()):
        local = endpoint_path(rtype.endpoint, scim_session.base_url)
        found.resource_types[key] = dataclasses.replace(rtype, endpoint=local)
    state(pytestconfig).endpoints = bodies.kinds_of(
        (r.endpoint, r.schema) for r in found.resource_types.values())
    return found


def _listing(client: Client, path: str) -> list[dict[str, Any]] | None:
    """The documents a discovery endpoint lists, or None when it answers no usable list."""
    try:
        resp = client.get(path)
    except TargetError:
        return None
    if resp.status_code != 200:
        return None
    try:
        body = resp.json()
    except ValueError:
        return None
    # RFC 7644 §4 answers a ListResponse; some providers answer a bare JSON array.
    items = body.get("Resources") if isinstance(body, dict) else body
    if not isinstance(items, list) or not items:
        return None
    return [item for item in items if isinstance(item, dict)]


def _add(add: Callable[[Any], None], build: Callable[[dict[str, Any]], Any],
         item: dict[str, Any]) -> None:
    # A malformed discovery document is graded by the discovery and representation suites;
    # here it is only left out.
    try:
        add(build(item))
    except (KeyError, TypeError, AttributeError):
        return


class Switch:
    """The 1Password account's "Provisioning users & groups" switch: `switch(False)` turns it
    off. `client` reaches the target recording into a sink of its own: the refusals of a
    switched-off bridge are what the test provokes, not server errors of the target."""

    def __init__(self, account: Any, client: Client) -> None:
        self.account = account
        self.client = client

    def __call__(self, on: bool) -> None:
        self.account.provisioning = on


@pytest.fixture
def switch_provisioning(pytestconfig: pytest.Config, scim_session: Client) -> Iterator[Switch]:
    """The provisioning switch of the in-process reference bridge (and of any bridge built on
    its account), on again after the test. Not applicable on a URL or another app: no SCIM
    request reaches the switch (support.1password.com/scim-troubleshooting: it is in
    1Password's admin UI)."""
    app = state(pytestconfig).app
    account = getattr(getattr(app, "state", None), "account", None)
    if account is None or not isinstance(getattr(account, "provisioning", None), bool):
        not_applicable("the provisioning switch is in the 1Password admin UI: only the "
                       "in-process reference bridge lets the suite reach it")
    switch = Switch(account, scim_session.recording(Ring(SWITCHED_EXCHANGES)))
    try:
        yield switch
    finally:
        account.provisioning = True


@pytest.fixture(autouse=True)
def _scim_feature(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("feature")
    if marker is None:
        return
    found: Discovery = request.getfixturevalue("discovery")
    for name in marker.args:
        if not found.supports(name):
            not_applicable(found.why_not(name))


@pytest.fixture(autouse=True)
def _scim_profile_claim(request: pytest.FixtureRequest) -> None:
    """A test of a profile requirement reads discovery first: its verdict depends on whether
    the target claims the profile (harness/claim.py)."""
    if any(r.is_profile for r in request.node.stash.get(REQUIREMENTS, ())):
        request.getfixturevalue("discovery")
