"""The scimcert pytest plugin: options, markers, fixtures, grading, cleanup and the report."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import scimcert
from scimcert import paths
from scimcert.harness import bodies, grading, report
from scimcert.harness import catalogue as catalogue_module
from scimcert.harness.catalogue import Catalogue, CatalogueError, Requirement
from scimcert.harness.checks import CheckFailure
from scimcert.harness.cleanup import Cleanup
from scimcert.harness.client import Client, TargetError
from scimcert.harness.exchange import TAPE, Redactor
from scimcert.harness.factory import Factory
from scimcert.harness.probe import UNUSABLE, Unusable, probe
from scimcert.harness.target import BOOLEAN, SETTINGS, SettingError, Target, mask_url, resolve
from scimcert.harness.transport import connect, in_process_token, load_factory
from scimcert.scim.schema import Registry, ResourceType, Schema

MARKERS = (
    "requirement(*ids): catalogue requirement ids the test proves (fixtures/requirements/)",
    "writes: the test creates or changes resources; skipped on a read-only target",
    "feature(name): needs a ServiceProviderConfig feature "
    "(patch, bulk, filter, changePassword, sort, etag); not applicable when not advertised",
)
SHOWN_EXCHANGES = 5
SHOWN_VIOLATIONS = 3


@dataclass
class State:
    """Everything the plugin keeps for one pytest process."""

    target: Target
    catalogue_folder: Path
    catalogue: Catalogue | None = None
    results: report.Results | None = None
    cleanup: Cleanup = field(default_factory=Cleanup)
    leftovers: list[str] = field(default_factory=list)
    spc: dict[str, Any] | None = None
    started: str = ""
    # The SCIM base URL as recorded exchanges show it, and the target's resource kinds by
    # endpoint once /ResourceTypes was read: what classifies each body received.
    base: str | None = None
    endpoints: dict[str, str] | None = None


STATE = pytest.StashKey[State]()
REQUIREMENTS = pytest.StashKey[tuple[Requirement, ...]]()
CHECKED = pytest.StashKey[int]()


def state(config: pytest.Config) -> State:
    return config.stash[STATE]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("scim", "SCIM conformance (scimcert)")
    for setting in SETTINGS:
        dest = f"scim_{setting.name}"
        text = f"{setting.help} [env {setting.env}, ini {setting.ini}]"
        if setting.name == "strict":
            # pytest owns --strict (its strict mode); it is honoured too, see _strict_option.
            group.addoption("--scim-strict", action="store_true", default=None, dest=dest,
                            help=text)
        elif setting.name in BOOLEAN:
            group.addoption(setting.flag, action="store_true", default=None, dest=dest, help=text)
        elif setting.name == "headers":
            group.addoption(setting.flag, action="append", default=None, dest=dest,
                            metavar="NAME:VALUE", help=text)
        else:
            group.addoption(setting.flag, default=None, dest=dest, help=text)
        parser.addini(setting.ini, setting.help,
                      type="linelist" if setting.name == "headers" else "string", default=None)
    group.addoption("--scim-requirement", action="append", default=[], dest="scim_requirement",
                    metavar="ID", help="run only the tests naming this requirement id or id "
                    "prefix (e.g. rfc7644/3.4.2.2), repeatable")
    group.addoption("--scim-collect-map", default=None, dest="scim_collect_map", metavar="FILE",
                    help="write the requirement → tests mapping found at collection as JSON")
    parser.addini("scim_catalogue", "folder of the requirement catalogue "
                  "(default fixtures/requirements)", type="string", default=None)


def _strict_option(config: pytest.Config) -> bool | None:
    if config.option.scim_strict:
        return True
    overrides = getattr(config.option, "override_ini", None) or []
    return True if "strict=true" in overrides else None


def pytest_configure(config: pytest.Config) -> None:
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    options = {s.name: getattr(config.option, f"scim_{s.name}") for s in SETTINGS}
    options["strict"] = _strict_option(config)
    ini = {s.name: config.getini(s.ini) for s in SETTINGS}
    shared = getattr(config, "workerinput", {})
    if "scim_seed" in shared and options["seed"] is None:
        options["seed"] = shared["scim_seed"]
    try:
        target = resolve(options, os.environ, ini, run_id=shared.get("scim_run_id"))
    except SettingError as exc:
        raise pytest.UsageError(f"scimcert: {exc}") from None
    if target.in_process:
        load_factory(target.app)  # a wrong --scim-app is one usage error, not an error per test
    if target.in_process and target.token is None:
        target = replace(target, token=in_process_token(),
                         sources={**target.sources, "token": "in-process: generated"})
    folder = config.getini("scim_catalogue")
    catalogue_folder = (config.rootpath / folder) if folder else catalogue_module.default_folder()
    config.stash[STATE] = State(target, catalogue_folder,
                                started=datetime.now(UTC).isoformat(timespec="seconds"))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Give every xdist worker the controller's seed and run id."""
    target = state(node.config).target
    node.workerinput["scim_seed"] = target.seed
    node.workerinput["scim_run_id"] = target.run_id


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    leftovers = getattr(node, "workeroutput", {}).get("scim_leftovers", [])
    state(node.config).leftovers.extend(leftovers)


def pytest_report_header(config: pytest.Config) -> list[str]:
    return state(config).target.header_lines()


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    config = session.config
    if not _is_worker(config):
        results = state(config).results = report.Results()
        config.pluginmanager.register(Collector(results), "scimcert-collector")


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session: pytest.Session) -> None:
    """Probe a URL target before anything runs: an unusable one stops the session in one line.

    Here rather than in pytest_sessionstart, where pytest would print the exit message twice.
    """
    config = session.config
    st = state(config)
    if st.target.in_process or _is_worker(config) or config.option.collectonly:
        return
    with connect(st.target) as client:
        try:
            st.spc = probe(client)
        except Unusable as exc:
            pytest.exit(str(exc), returncode=UNUSABLE)


def _catalogue(config: pytest.Config) -> Catalogue:
    st = state(config)
    if st.catalogue is None:
        try:
            st.catalogue = catalogue_module.load(st.catalogue_folder)
        except CatalogueError as exc:
            raise pytest.UsageError(str(exc)) from None
    return st.catalogue


def _in_suites(item: pytest.Item, config: pytest.Config) -> bool:
    path = Path(item.path)
    if path.is_relative_to(paths.suites()):
        return True
    return path.is_relative_to(config.rootpath / "suites")


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config,
                                  items: list[pytest.Item]) -> None:
    """Check every suite test names known requirements; record the mapping; mark skips."""
    marked = [i for i in items if i.get_closest_marker("requirement") or _in_suites(i, config)]
    if not marked:
        return
    cat = _catalogue(config)
    st = state(config)
    problems: list[str] = []
    mapping: dict[str, list[str]] = {r.id: [] for r in cat}
    for item in marked:
        ids = [a for m in item.iter_markers("requirement") for a in m.args]
        if not ids:
            problems.append(f"{item.nodeid}: no @pytest.mark.requirement(...) marker")
            continue
        unknown = [i for i in ids if not isinstance(i, str) or i not in cat]
        problems += [f"{item.nodeid}: unknown requirement id {i!r}" for i in unknown]
        known = [cat.get(i) for i in ids if i not in unknown]
        item.stash[REQUIREMENTS] = tuple(r for r in known if r is not None)
        for requirement in item.stash[REQUIREMENTS]:
            mapping[requirement.id].append(item.nodeid)
            item.user_properties.append(("requirement", requirement.id))
    _select_requirements(config, items)
    for item in items:
        if item.get_closest_marker("writes") and not st.target.allow_writes:
            item.add_marker(pytest.mark.skip(reason=grading.READ_ONLY))
    if config.option.scim_collect_map:
        Path(config.option.scim_collect_map).write_text(
            json.dumps({"requirements": mapping, "problems": problems}, indent=2),
            encoding="utf-8")
    if problems:
        raise pytest.UsageError(
            f"scimcert: {len(problems)} suite test(s) do not name catalogue requirements "
            f"({st.catalogue_folder}):\n  " + "\n  ".join(problems))


def _select_requirements(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep only the tests naming a requirement `--scim-requirement` selects (h2spec-style)."""
    chosen = config.option.scim_requirement
    if not chosen:
        return

    def wanted(item: pytest.Item) -> bool:
        ids = [r.id for r in item.stash.get(REQUIREMENTS, ())]
        return any(i == c or i.startswith(c.rstrip("/") + "/") for i in ids for c in chosen)

    keep = [item for item in items if wanted(item)]
    dropped = [item for item in items if not wanted(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


# Fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def target(pytestconfig: pytest.Config) -> Target:
    """The resolved target settings of this run."""
    return state(pytestconfig).target


@pytest.fixture(scope="session")
def scim(pytestconfig: pytest.Config) -> Iterator[Client]:
    """The recording client; at session end it deletes what the run created."""
    st = state(pytestconfig)
    with connect(st.target) as client:
        st.base = client.redactor(client.base_url)
        try:
            yield client
        finally:
            st.leftovers.extend(str(left) for left in st.cleanup.run(client))


@pytest.fixture(scope="session")
def cleanup(pytestconfig: pytest.Config, scim: Client) -> Cleanup:
    """The registry of resources to delete at session end: `.register("/Users", id)`."""
    return state(pytestconfig).cleanup


@pytest.fixture(scope="session")
def spc(pytestconfig: pytest.Config, scim: Client) -> dict[str, Any]:
    """The target's ServiceProviderConfig body."""
    st = state(pytestconfig)
    if st.spc is None:
        try:
            st.spc = probe(scim)
        except Unusable as exc:
            pytest.fail(str(exc), pytrace=False)
    return st.spc


@pytest.fixture(scope="session")
def supports(spc: dict[str, Any]) -> Callable[[str], bool]:
    """`supports("etag")`: whether ServiceProviderConfig advertises a feature."""
    return lambda name: grading.feature_supported(spc, name)


@pytest.fixture
def make(request: pytest.FixtureRequest, scim: Client, cleanup: Cleanup,
         target: Target) -> Factory:
    """Test data factory; its generator is seeded from the run seed and the test id."""
    rng = random.Random(f"{target.seed}:{request.node.nodeid}")
    return Factory(scim, cleanup, run_id=target.run_id, email_domain=target.email_domain, rng=rng)


@pytest.fixture(scope="session")
def registry(pytestconfig: pytest.Config, scim: Client) -> Registry:
    """The target's schemas and resource types, as discovered from /Schemas and /ResourceTypes."""
    found = Registry(common=Registry.load().common)
    for item in _list_all(scim, "/Schemas"):
        found.add_schema(Schema.from_json(item))
    for item in _list_all(scim, "/ResourceTypes"):
        found.add_resource_type(ResourceType.from_json(item))
    if found.resource_types:
        state(pytestconfig).endpoints = bodies.kinds_of(
            (r.endpoint, r.schema) for r in found.resource_types.values())
    return found


def _list_all(client: Client, path: str) -> list[dict[str, Any]]:
    resp = client.get(path)
    if resp.status_code != 200:
        pytest.fail(f"discovery: GET {path} answered {resp.status_code}", pytrace=False)
    body = resp.json()
    # RFC 7644 §4 answers a ListResponse; some providers answer a bare JSON array.
    return body.get("Resources", []) if isinstance(body, dict) else list(body)


@pytest.fixture(autouse=True)
def _scim_feature(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("feature")
    if marker is None:
        return
    spc_body = request.getfixturevalue("spc")
    for name in marker.args:
        if not grading.feature_supported(spc_body, name):
            pytest.skip(grading.not_applicable_reason(name))


# Running -------------------------------------------------------------------------------------


def pytest_runtest_setup(item: pytest.Item) -> None:
    TAPE.reset(r.label() for r in item.stash.get(REQUIREMENTS, ()))
    item.stash[CHECKED] = 0


def _check_bodies(item: pytest.Item) -> None:
    """Validate the bodies received since the last phase; each violation becomes a user
    property, which travels with the test's reports (also from xdist workers)."""
    st = state(item.config)
    fresh = TAPE.exchanges[item.stash.get(CHECKED, 0):]
    item.stash[CHECKED] = len(TAPE.exchanges)
    if st.base is None:
        return
    redact = Redactor(st.target.secrets())
    for exchange in fresh:
        for finding in bodies.check_exchange(exchange, st.base, st.endpoints):
            item.user_properties.append((report.VIOLATION, redact(finding.text())))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    try:
        return (yield)
    finally:
        if item.config.pluginmanager.has_plugin("allure_listener"):
            _attach_to_allure()


def _attach_to_allure() -> None:
    import allure

    for exchange in TAPE.exchanges:
        allure.attach(f"{exchange.render()}\n\n{exchange.curl()}", name=exchange.title,
                      attachment_type=allure.attachment_type.TEXT)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                              ) -> Iterator[pytest.TestReport]:
    _check_bodies(item)
    rep: pytest.TestReport = yield
    excinfo = call.excinfo
    if excinfo is None or not rep.failed:
        return rep
    if excinfo.errisinstance(TargetError):
        rep.longrepr = f"target error: {excinfo.value}"
        return rep
    if not excinfo.errisinstance(CheckFailure) and TAPE.exchanges:
        shown = TAPE.exchanges[-SHOWN_EXCHANGES:]
        rep.sections.append(("scim exchanges", "\n\n".join(e.render() for e in shown)))
    level = grading.deviation_level(item.stash.get(REQUIREMENTS, ()))
    if rep.when == "call" and level and not state(item.config).target.strict:
        rep.outcome = "skipped"
        what = getattr(excinfo.value, "what", None) or str(excinfo.value)
        rep.wasxfail = grading.deviation_reason(level, what)
    return rep


class Collector:
    """Folds every test report into the results; registered on the process that reports
    (the xdist controller, or the only process)."""

    def __init__(self, results: report.Results) -> None:
        self.results = results

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.results.add(report)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    st = state(config)
    if _is_worker(config):
        config.workeroutput["scim_leftovers"] = st.leftovers
        return
    if st.target.report and st.results is not None and st.results.tests:
        outcomes = st.results.outcomes(_catalogue(config))
        doc = report.document(outcomes, _meta(st), violations=st.results.violations)
        report.write(Path(st.target.report), doc, secrets=st.target.secrets())


def _meta(st: State) -> dict[str, Any]:
    target = st.target
    return {
        "target": "in-process reference bridge" if target.url is None else mask_url(target.url),
        "version": scimcert.__version__,
        "seed": target.seed,
        "run_id": target.run_id,
        "strict": target.strict,
        "allow_writes": target.allow_writes,
        "started": st.started,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    st = state(config)
    if st.results is not None and st.results.tests:
        terminalreporter.section("scim conformance by area")
        for line in report.area_lines(st.results.outcomes(_catalogue(config))):
            terminalreporter.line(line)
        if st.target.report:
            terminalreporter.line(f"report: {Path(st.target.report) / 'conformance.html'}")
    if st.results is not None and st.results.violations:
        _summarise_violations(terminalreporter, st.results.violations)
    if st.leftovers:
        terminalreporter.section("scim resources left behind", red=True)
        for line in st.leftovers:
            terminalreporter.line(line, red=True)


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
