"""Runs a property or a state machine against the target and reports a failure as the shrunk
request sequence, runnable as it is, with the seed and options that replay the search.

Hypothesis shrinks a failing example and replays the smallest one last; the runner notes where
each example's exchanges start on the test's tape, so the failure it re-raises carries exactly
the requests of that last replay. A search depends on its seed alone (`constants`). A 5xx
answer fails the example (RFC 7644 §3.12 answers a client's fault with a 4xx), so a server
error is shrunk like any other finding.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import hypothesis
from hypothesis import given, seed
from hypothesis.errors import FlakyFailure, Unsatisfiable
from hypothesis.stateful import RuleBasedStateMachine, get_state_machine_test

from scimcert.harness.checks import CheckFailure, Failure, PreconditionFailed, fail
from scimcert.harness.outcome import not_applicable
from scimcert.harness.properties import constants
from scimcert.harness.properties.profiles import Profile
from scimcert.harness.results import SERVER_ERROR
from scimcert.wire import Client, Exchange, Tape
from scimcert.wire.replay import script, writes_then_last_reads

# RFC 7644 §3.12 names 501 for an operation the provider does not offer: an answer, not a fault.
NOT_IMPLEMENTED = 501


class Runner:
    """Runs the properties of one test over `scim` (the test's client), recording to a tape of
    its own: only the last example's exchanges go on to `shown` (the test's tape, whose bodies
    the plugin checks and allure attaches), not the hundreds every example sends. `key` names
    the test in the seed, `replay` is the command line that reruns it."""

    def __init__(self, scim: Client, profile: Profile, run_seed: int, key: str,
                 replay: str) -> None:
        self.tape = Tape()
        self.shown = scim.sink
        self.scim = scim.recording(self.tape)
        self.profile = profile
        self.run_seed = run_seed
        self.seed = profile.seed(run_seed, key)
        self.replay = replay
        self.start = len(self.tape.exchanges)

    # Running -----------------------------------------------------------------------------------

    def check(self, test: Callable[..., None], *, scale: float = 1.0,
              explicit: Sequence[dict[str, Any]] = (), **strategies: Any) -> None:
        """Run `test` on examples drawn from `strategies` (keyword arguments), after the
        `explicit` ones (keyword arguments each), which every profile tries."""

        @functools.wraps(test)
        def example(**drawn: Any) -> None:
            self.begin()
            test(**drawn)
            self.no_server_error()

        wrapped = given(**strategies)(example)
        for arguments in reversed(explicit):
            wrapped = hypothesis.example(**arguments)(wrapped)
        self._run(seed(self.seed)(self.profile.settings(scale)(wrapped)))

    def machine(self, factory: Callable[[], RuleBasedStateMachine]) -> None:
        """Run the state machine `factory` builds (its __init__ must call `begin`)."""
        test = get_state_machine_test(factory, settings=self.profile.settings(stateful=True))
        self._run(seed(self.seed)(test))

    def begin(self) -> None:
        """Mark the start of an example: its exchanges are those recorded from here on."""
        self.start = len(self.tape.exchanges)

    def trace(self) -> list[Exchange]:
        """The exchanges of the current (or last) example."""
        return self.tape.exchanges[self.start:]

    def no_server_error(self) -> None:
        """Fail the example on any 5xx answer it received (bar 501)."""
        for exchange in self.trace():
            if exchange.status is not None and exchange.status >= 500 \
                    and exchange.status != NOT_IMPLEMENTED:
                raise fail("the target answered a request with a server error",
                           expected="a 2xx answer or a 4xx SCIM error",
                           actual=exchange.title, exchange=exchange, requirement=SERVER_ERROR)

    def _run(self, test: Callable[[], None]) -> None:
        try:
            with constants.seed_only():
                self._search(test)
        finally:
            for exchange in writes_then_last_reads(self.trace()):
                self.shown.record(exchange)

    def _search(self, test: Callable[[], None]) -> None:
        try:
            test()
        except CheckFailure as exc:
            raise CheckFailure(self._shrunk(exc.failure)) from None
        except PreconditionFailed as exc:
            raise PreconditionFailed(self._shrunk(exc.failure)) from None
        except FlakyFailure as exc:
            found = next((e for e in exc.exceptions if isinstance(e, CheckFailure)), None)
            if found is None:
                raise
            note = ("the failure did not repeat when the shrunk example was replayed: the "
                    "target answered the same requests otherwise")
            failure = self._shrunk(found.failure)
            raise CheckFailure(replace(failure, details=(*failure.details, note))) from None
        except Unsatisfiable:
            not_applicable("the target refused every generated input this property needs "
                           "(each refusal is one the RFCs allow, so none is a finding)")

    # Reporting ---------------------------------------------------------------------------------

    def _shrunk(self, failure: Failure) -> Failure:
        """`failure` with the last example's requests as a script and how to replay it."""
        trace = self.trace()
        shown = writes_then_last_reads(trace)
        base = self.scim.redactor(self.scim.base_url)
        lines = [f"shrunk to {len(shown)} request(s) of {len(trace)} "
                 f"(hypothesis seed {self.seed}, profile {self.profile.name}: "
                 f"{self._seeded()}); replay the search: {self.replay}", "reproduce:"]
        lines += [f"  {line}" for line in script(shown, base)]
        exchange = failure.exchange or (trace[-1] if trace else None)
        return replace(failure, exchange=exchange, details=(*failure.details, *lines))

    def _seeded(self) -> str:
        if self.profile.derandomized:
            return "the same on every run"
        return f"from --scim-seed {self.run_seed}"
