"""After the tests: the results of every test (gathered where pytest reports), the terminal
summary led by root causes, the conformance report, and what the run left behind."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import scimcert
from scimcert.harness import bodies, headline, report
from scimcert.harness.plugin.state import catalogue, is_worker, standing, state
from scimcert.harness.profile import CANARY
from scimcert.harness.results import Results, blocked_by
from scimcert.harness.target import mask_url
from scimcert.wire import Redactor

SHOWN_VIOLATIONS = 3


class Collector:
    """Folds every test report into the results; registered on the process that reports
    (the xdist controller, or the only process)."""

    def __init__(self, results: Results) -> None:
        self.results = results

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.results.add(report)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    config = session.config
    if not is_worker(config):
        results = state(config).results = Results(state(config).target.strict)
        config.pluginmanager.register(Collector(results), "scimcert-collector")
        _record_seed(config)


def _record_seed(config: pytest.Config) -> None:
    """The seed in the JUnit file too, so every report says how to replay the run."""
    from _pytest.junitxml import xml_key

    xml = config.stash.get(xml_key, None)
    if xml is not None:
        xml.add_global_property("scim_seed", str(state(config).target.seed))
        xml.add_global_property("scim_run_id", state(config).target.run_id)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    output = getattr(node, "workeroutput", {})
    state(node.config).leftovers.extend(output.get("scim_leftovers", []))
    state(node.config).claimed |= bool(output.get("scim_claimed"))


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    st = state(config)
    if is_worker(config):
        config.workeroutput["scim_leftovers"] = st.leftovers
        config.workeroutput["scim_claimed"] = standing(config).claimed
        return
    _allure_environment(config, _meta(st, config))
    if st.target.report and st.results is not None and st.results.tests:
        report.write(Path(st.target.report), _document(config), secrets=st.target.secrets())


def _document(config: pytest.Config) -> dict[str, Any]:
    """The report document of the run so far."""
    st = state(config)
    results = st.results
    cat = catalogue(config)
    return report.document(results.outcomes(cat), _meta(st, config), causes=results.root_causes(),
                           counts=results.counts(), violations=results.violations,
                           sources=cat.sources, listing=results.listing(),
                           matrix=results.matrix())


def _allure_environment(config: pytest.Config, meta: dict[str, Any]) -> None:
    """The run's target, seed and mode on allure's Environment panel (environment.properties)."""
    folder = getattr(config.option, "allure_report_dir", None)
    if not folder:
        return
    keys = ("target", "profile", "seed", "run_id", "strict", "allow_writes", "version")
    lines = [f"scim.{key}={str(meta[key]).replace(chr(10), ' ')}" for key in keys]
    Path(folder).mkdir(parents=True, exist_ok=True)
    Path(folder, "environment.properties").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _meta(st: Any, config: pytest.Config) -> dict[str, Any]:
    target = st.target
    profile = standing(config)
    return {
        "target": mask_url(target.url) if target.url is not None else
        f"in-process app {target.app}" if target.app else "in-process reference bridge",
        "version": scimcert.__version__,
        "seed": target.seed,
        "run_id": target.run_id,
        "strict": target.strict,
        "strict_bridge": target.strict_bridge,
        "interop": "claimed" if profile.claimed else "asked for" if profile.asked
        else "not claimed",
        "profile": target.profile,
        "allow_writes": target.allow_writes,
        "started": st.started,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    st = state(config)
    results = st.results
    if st.target.profile == "smoke" and results is not None:
        _smoke_verdict(terminalreporter, config)
    elif results is not None and results.tests:
        causes = results.root_causes()
        if causes:
            terminalreporter.section("scim root causes", red=True)
            for line in report.cause_lines(causes):
                terminalreporter.line(line)
        terminalreporter.section("scim conformance by area")
        outcomes = results.outcomes(catalogue(config))
        for line in report.area_lines(outcomes):
            terminalreporter.line(line)
        if any(o.requirement.is_profile and o.tests for o in outcomes):
            terminalreporter.line(f"interop profile (IETF draft): {standing(config).header()}")
        matrix = report.matrix_lines(results.matrix())
        if matrix:
            terminalreporter.section("scim IdP compatibility (scenario x dialect)")
            for line in matrix:
                terminalreporter.line(line)
        counts = results.counts()
        terminalreporter.line("tests: " + ", ".join(f"{n} {grade}"
                                                    for grade, n in sorted(counts.items())))
        typed = blocked_by(results.tests.values())
        for requirement, n in sorted(typed.items()):
            terminalreporter.line(f"blocked by {requirement}: {n} test(s)")
        terminalreporter.line(f"seed {st.target.seed} (replay with --scim-seed "
                              f"{st.target.seed})")
        if st.target.report:
            terminalreporter.line(f"report: {Path(st.target.report) / 'conformance.html'}")
    if results is not None and results.violations:
        _summarise_violations(terminalreporter, results.violations)
    if st.leftovers:
        terminalreporter.section("scim resources left behind", red=True)
        for line in st.leftovers:
            terminalreporter.line(line, red=True)


def _smoke_verdict(terminalreporter: Any, config: pytest.Config) -> None:
    """The smoke profile's few lines: pass or fail, the first problems with a reproducer, what
    the canary user went through, where the report is."""
    st = state(config)
    doc = _document(config)
    folder = st.target.report
    shown = headline.lines(doc, report=str(Path(folder) / "conformance.html") if folder
                           else None)
    cell = doc["matrix"]["scenarios"].get(CANARY[0], {}).get(CANARY[1])
    if cell is None:
        canary = ("canary user: not sent (read-only; --allow-writes creates, deactivates, "
                  "reactivates and deletes one user as Entra does)")
    elif cell["outcome"] == "met":
        canary = "canary user: created, deactivated, reactivated and deleted as Entra does"
    else:
        canary = (f"canary user: {cell['outcome']} under {cell.get('requirement') or '—'} "
                  "(created, deactivated, reactivated and deleted as Entra does)")
    terminalreporter.section("scim smoke verdict", red=not headline.passed(doc),
                             green=headline.passed(doc))
    redact = Redactor(st.target.secrets())
    tests = ", ".join(f"{n} {grade}" for grade, n in sorted(doc["tests"].items()))
    for line in [*shown[:1], f"tests: {tests or 'none run'}", canary, *shown[1:]]:
        terminalreporter.line(redact(line))


def _summarise_violations(terminalreporter: Any, violations: list[tuple[str, str]]) -> None:
    """How many bodies broke their schema, and the first few of each kind; the tests that met
    them keep their own outcome (the representation suite grades representations)."""
    terminalreporter.section("scim bodies that are not valid SCIM", yellow=True)
    tests = len({nodeid for nodeid, _ in violations})
    terminalreporter.line(f"{len(violations)} schema violation(s) in bodies received by {tests} "
                          "test(s); listed in the report, not graded here")
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for nodeid, text in violations:
        by_kind.setdefault(bodies.Finding.parse(text).kind or "other", []).append((nodeid, text))
    for kind, found in by_kind.items():
        terminalreporter.line(f"{kind}: {len(found)}")
        for nodeid, text in found[:SHOWN_VIOLATIONS]:
            terminalreporter.line(f"  {text}  [{nodeid}]")
