"""Allure results that read like the catalogue: each suite test under its requirements.

epic = RFC conformance or IdP compatibility (the report's two sections), feature = the
catalogue area, story = each requirement the test proves; severity from the level; a link to the
RFC section or the IdP's page; the requirement's sentence in the description; the test's
exchanges and a curl reproducer attached (recorded redacted; the token stays in $SCIM_TOKEN).

The history id is the test's node id, so allure's trends and retries follow a test across runs:
allure-pytest hashes the repr of each parameter value, which for data objects (sets, objects
without a repr of their own) differs from one process to the next.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scimcert.harness.catalogue import Requirement
from scimcert.harness.headline import SECTIONS
from scimcert.harness.plugin import recording
from scimcert.harness.plugin.selection import REQUIREMENTS
from scimcert.harness.plugin.state import state
from scimcert.wire import Redactor

LISTENER = "allure_listener"
# Allure's severities (allure_commons.types.Severity) by requirement level: a MUST or an IdP's
# requirement not met fails the run, a SHOULD or MAY is a deviation.
SEVERITY = {"MUST": "critical", "SHOULD": "normal", "MAY": "minor"}
IDP_SEVERITY = "critical"
ORDER = ("critical", "normal", "minor")
ATTACHED = pytest.StashKey[bool]()


def epic(requirement: Requirement) -> str:
    return dict(SECTIONS)["rfc" if requirement.is_rfc else "idp"]


def severity(requirements: tuple[Requirement, ...]) -> str:
    found = [SEVERITY.get(r.level, IDP_SEVERITY) for r in requirements]
    return min(found, key=ORDER.index)


def description(requirements: tuple[Requirement, ...], doc: str | None) -> str:
    """Markdown: each requirement with its level, its sentence and where it comes from, then
    the test's own docstring."""
    parts = []
    for req in requirements:
        text = f"**{req.id}** ({req.level}): {req.summary}"
        if req.quote:
            text += f"\n\n> {req.section}: \u201c{req.quote}\u201d"
        if req.source:
            text += f"\n\n[{req.section}]({req.source})"
        parts.append(text)
    if doc:
        parts.append(" ".join(doc.split()))
    return "\n\n".join(parts)


def history_id(nodeid: str) -> str:
    from allure_commons.utils import md5

    return md5(nodeid)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """After allure-pytest filled in its own labels (this wrapper is outside its own)."""
    yield
    listener = item.config.pluginmanager.get_plugin(LISTENER)
    if listener is None:
        return
    requirements = item.stash.get(REQUIREMENTS, ())
    if requirements:
        label(item, requirements)
    if not item.stash.get(ATTACHED, False):
        attach(item)
    result = listener.allure_logger.get_test(None)
    if result is not None:
        result.historyId = history_id(item.nodeid)


def label(item: pytest.Item, requirements: tuple[Requirement, ...]) -> None:
    import allure

    for name in dict.fromkeys(epic(r) for r in requirements):
        allure.dynamic.epic(name)
    for area in dict.fromkeys(r.area for r in requirements):
        allure.dynamic.feature(area)
    for req in requirements:
        allure.dynamic.story(f"{req.id}: {req.summary}")
        if req.source:
            allure.dynamic.link(req.source, name=f"{req.id} ({req.section})")
    allure.dynamic.severity(severity(requirements))
    doc = getattr(getattr(item, "obj", None), "__doc__", None)
    allure.dynamic.description(description(requirements, doc))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    try:
        return (yield)
    finally:
        if item.config.pluginmanager.has_plugin(LISTENER):
            attach(item)
            item.stash[ATTACHED] = True


def attach(item: pytest.Item) -> None:
    """The test's exchanges so far, each with its curl reproducer, as text attachments."""
    import allure

    redact = Redactor(state(item.config).target.secrets())
    for exchange in recording.exchanges(item):
        allure.attach(redact(f"{exchange.render()}\n\nreproduce:\n{exchange.curl()}"),
                      name=redact(exchange.title), attachment_type=allure.attachment_type.TEXT)
