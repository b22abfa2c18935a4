"""Each test's exchanges: a tape of its own, the session client's exchanges made while it ran,
the schema of every body they carry, and the server errors among them."""

from __future__ import annotations

import pytest

from scimcert.harness import bodies, results
from scimcert.harness.plugin.state import state
from scimcert.wire import Exchange, Redactor, Tape

TAPE = pytest.StashKey[Tape]()
# How far the session client's ring and the test's tape had got when the test started, and
# up to where their bodies were checked.
SESSION_FROM = pytest.StashKey[int]()
CHECKED = pytest.StashKey[tuple[int, int]]()
# RFC 7644 §3.12 and §3.11 name 501 Not Implemented as the answer to what a provider does not
# offer (e.g. /Me), so it is an answer, not a server error.
NOT_IMPLEMENTED = 501


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.stash[TAPE] = Tape()
    total = state(item.config).session.total
    item.stash[SESSION_FROM] = total
    item.stash[CHECKED] = (0, total)


def exchanges(item: pytest.Item) -> list[Exchange]:
    """Everything sent while `item` ran: its own tape, then the session client's share."""
    tape = item.stash.get(TAPE, None)
    own = tape.exchanges if tape is not None else []
    session = state(item.config).session.since(item.stash.get(SESSION_FROM, 0))
    return [*own, *session]


def last_exchange(item: pytest.Item) -> Exchange | None:
    found = exchanges(item)
    return found[-1] if found else None


def server_errors(item: pytest.Item) -> tuple[str, ...]:
    """The exchanges of `item` answered with a 5xx (bar 501), by title."""
    return tuple(e.title for e in exchanges(item)
                 if e.status is not None and e.status >= 500 and e.status != NOT_IMPLEMENTED)


def check_bodies(item: pytest.Item) -> None:
    """Validate the bodies received since the last phase; each violation becomes a user
    property, which travels with the test's reports (also from xdist workers)."""
    st = state(item.config)
    tape = item.stash.get(TAPE, None)
    if tape is None:
        return
    own_from, session_from = item.stash.get(CHECKED, (0, 0))
    fresh = [*tape.exchanges[own_from:], *st.session.since(session_from)]
    item.stash[CHECKED] = (len(tape.exchanges), st.session.total)
    if st.base is None:
        return
    redact = Redactor(st.target.secrets())
    for exchange in fresh:
        for finding in bodies.check_exchange(exchange, st.base, st.endpoints):
            item.user_properties.append((results.VIOLATION, redact(finding.text())))
