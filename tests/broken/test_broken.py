"""Testing the tester: each broken bridge of tests/broken/bridges/ makes the suites fail on the
requirements its @defect names, and the reference bridge meets every one of them.

DESIGN.md: "A check that cannot fail is a defect. Every suite must be shown to fail on a bridge
that has the matching defect." Each defect is one `pytest suites` subprocess pointed at its bridge
with `--scim-app` and narrowed with `--scim-requirement`; the verdicts come from the run's
conformance report. The runs start in the background, two at a time, as soon as the first test
asks. The reference run goes first: its report names the test files of each requirement, so each
defect's run collects only those files, which keeps the whole module near a minute on two cores.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from scimcert import paths
from scimcert.harness import catalogue
from tests.broken.bridges.registry import MARK, Defect, area_modules, declared, defects
from tests.broken.report import checks_failed, read_report
from tests.inner import environment
from tests.warm import Warm

BRIDGES = Path(__file__).resolve().parent / "bridges"
DEFECTS = defects()
WORKERS = 2
TIMEOUT = 300
TAIL = 40
FAILED = "failed"
MET = "met"


@dataclass(frozen=True)
class Plan:
    """One suite run: the `--scim-app` spec (None = reference bridge), requirements, strictness."""

    app: str | None
    requirements: tuple[str, ...]
    strict: bool

    def command(self, report: Path, targets: tuple[str, ...] | None = None) -> list[str]:
        """The pytest arguments; `targets` narrows collection to those suite files. The
        unraisable-exception plugin's closing garbage collections (a fifth of a short run)
        play no part in a verdict."""
        cmd = [*(targets or (str(paths.suites()),)), "-p", "no:cacheprovider",
               "-p", "no:unraisableexception", "-q", "--scim-report", str(report)]
        if self.app is not None:
            cmd += ["--scim-app", self.app]
        for requirement in self.requirements:
            cmd += ["--scim-requirement", requirement]
        if self.strict:
            cmd.append("--scim-strict")
        return cmd


@dataclass(frozen=True)
class Run:
    """What a suite run reported: each requirement's outcome and the end of its output."""

    outcomes: dict[str, str]
    returncode: int
    tail: str
    files: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The suite test functions that failed at a check of their own.
    own_checks: frozenset[str] = frozenset()

    def outcome(self, requirement: str) -> str:
        return self.outcomes.get(requirement, "absent from the report")

    def files_of(self, requirements: tuple[str, ...]) -> tuple[str, ...] | None:
        """The suite files holding the tests of `requirements`; None if one has none here."""
        found = [self.files.get(r) for r in requirements]
        if not all(found):
            return None
        return tuple(sorted({f for files in found if files for f in files}))

    def differences(self, requirements: tuple[str, ...], wanted: str) -> dict[str, str]:
        """{requirement: actual outcome} for every requirement whose outcome is not `wanted`."""
        return {r: self.outcome(r) for r in requirements if self.outcome(r) != wanted}

    def explain(self, wanted: str, wrong: dict[str, str]) -> str:
        lines = [f"expected {wanted}, got:"] + [f"  {r}: {o}" for r, o in wrong.items()]
        return "\n".join([*lines, f"pytest exit code {self.returncode}; last lines:", self.tail])


def run_env() -> dict[str, str]:
    """The subprocess environment: none of the outer run's settings (bytecode cached aside:
    tests/conftest.py)."""
    env = environment()
    # The harness plugin comes from conftest.py; the installed third-party plugins (xdist,
    # hypothesis, allure) play no part in a verdict and cost a tenth of each run to load.
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return env


def run_suites(plan: Plan, targets: tuple[str, ...] | None = None,
               warm: Warm | None = None) -> Run:
    """Run the suites as `plan` says, in a subprocess (forked from `warm`, when given), and
    read its conformance report."""
    env = run_env()
    with tempfile.TemporaryDirectory(prefix="scimcert-broken-") as tmp:
        report = Path(tmp)
        args = plan.command(report, targets)
        if warm is not None:
            done = warm.run(args, env=env, timeout=TIMEOUT)
            output = done.stdout.splitlines()
        else:
            cold = subprocess.run([sys.executable, "-m", "pytest", *args], cwd=paths.root(),
                                  env=env, capture_output=True, text=True, timeout=TIMEOUT,
                                  check=False)
            done, output = cold, (cold.stdout + cold.stderr).splitlines()
        found = read_report(report) or {}
        own_checks = frozenset(checks_failed(report))
    tail = "\n".join(output[-TAIL:])
    return Run({r: outcome for r, (outcome, _) in found.items()}, done.returncode, tail,
               {r: files for r, (_, files) in found.items() if files}, own_checks)


class Runs:
    """Suite runs by plan, each started once on a small thread pool and awaited on demand; each
    thread forks its runs from a warm pytest server of its own (tests/warm.py)."""

    def __init__(self, workers: int) -> None:
        self.pool = ThreadPoolExecutor(max_workers=workers)
        self.started: dict[Plan, Future[Run]] = {}
        self.local = threading.local()
        self.servers: list[Warm] = []

    def warm(self) -> Warm:
        server = getattr(self.local, "warm", None)
        if server is None:
            server = self.local.warm = Warm(run_env())
            self.servers.append(server)
        return server

    def start(self, plan: Plan) -> None:
        """Queue `plan`; a defect's run is queued after the reference run it narrows by."""
        if plan in self.started:
            return
        reference = reference_plan()
        if plan == reference:
            self.started[plan] = self.pool.submit(lambda: run_suites(plan, warm=self.warm()))
            return
        self.start(reference)
        self.started[plan] = self.pool.submit(self.narrowed, plan, reference)

    def narrowed(self, plan: Plan, reference: Plan) -> Run:
        # The pool runs jobs in the order queued, so the reference run has started by now.
        targets = self.started[reference].result().files_of(plan.requirements)
        return run_suites(plan, targets, self.warm())

    def result(self, plan: Plan) -> Run:
        self.start(plan)
        return self.started[plan].result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        for server in self.servers:
            server.close()


def defect_plan(defect: Defect) -> Plan:
    return Plan(defect.app, defect.requirements, defect.strict)


def reference_plan() -> Plan:
    """The reference bridge on every listed requirement, strictly: SHOULDs must be met too."""
    listed = dict.fromkeys(r for defect in DEFECTS for r in defect.requirements)
    return Plan(None, tuple(listed), True)


def planned(item: pytest.Item) -> Plan | None:
    """The run a collected test of this module will ask for, if any."""
    module = getattr(item, "module", None)
    if module is None or Path(module.__file__) != Path(__file__):
        return None
    params = getattr(item, "callspec", None)
    if params is not None and "defect" in params.params:
        return defect_plan(params.params["defect"])
    if item.name == test_reference_bridge_meets_every_listed_requirement.__name__:
        return reference_plan()
    if item.name == test_interop_mode_meets_every_profile_requirement.__name__:
        return profile_plan()
    return None


@pytest.fixture(scope="module")
def runs(request: pytest.FixtureRequest):
    """The suite runs; outside xdist workers, every run a selected test needs starts at once."""
    pool = Runs(WORKERS)
    if not hasattr(request.config, "workerinput"):
        for item in request.session.items:
            plan = planned(item)
            if plan is not None:
                pool.start(plan)
    yield pool
    pool.close()


def defect_params() -> list[Any]:
    params = []
    for defect in DEFECTS:
        marks = []
        if not defect.caught:
            marks.append(pytest.mark.xfail(strict=True, reason=f"suite gap: {defect.note}"))
        params.append(pytest.param(defect, id=defect.id, marks=marks))
    return params


@pytest.mark.parametrize("defect", defect_params())
def test_broken_bridge_fails_its_requirements(defect, runs):
    plan = defect_plan(defect)
    run = runs.result(plan)
    wrong = run.differences(plan.requirements, FAILED)
    assert not wrong, f"{defect.app}: {defect.summary}\n" + run.explain(FAILED, wrong)
    unproven = sorted(set(defect.proves) - run.own_checks)
    assert not unproven, (f"{defect.app}: {defect.summary}\nthese tests did not fail at a check "
                          f"of their own: {unproven}\n{run.tail}")


# What the reference bridge cannot show, and the correct variant that shows it instead.
ELSEWHERE = {
    # The reference bridge serves weak ETags (a projection changes the bytes of a version, so a
    # strong tag would be wrong, RFC 7232 §2.1); the strong-ETag rule runs on a strong variant.
    "rfc7644/3.14/if-match-current": f"{BRIDGES / 'etag.py'}:_strong_etags",
}


# The draft interop profile is graded only where claimed: the reference bridge does not claim it
# (it takes the path-less PATCH Entra ID sends), so its profile requirements may be deviations,
# never failures; its interop mode (scimcert.bridge.interop) claims and meets every one.
PROFILE_BRIDGE = f"{BRIDGES / 'interop.py'}:_keeping_the_profile"
UNCLAIMED = (MET, "deviation", "not applicable")
PROFILE = frozenset(r.id for r in catalogue.load() if r.is_profile)


def profile_plan() -> Plan:
    """The interop-mode reference bridge on every listed profile requirement, strictly."""
    return Plan(PROFILE_BRIDGE, tuple(r for r in reference_plan().requirements if r in PROFILE),
                True)


def test_reference_bridge_meets_every_listed_requirement(runs):
    plan = reference_plan()
    run = runs.result(plan)
    wrong = {r: o for r, o in run.differences(plan.requirements, MET).items()
             if not (r in ELSEWHERE and o == "not applicable")
             and not (r in PROFILE and o in UNCLAIMED)}
    assert not wrong, "reference bridge\n" + run.explain(MET, wrong)


def test_interop_mode_meets_every_profile_requirement(runs):
    plan = profile_plan()
    run = runs.result(plan)
    wrong = run.differences(plan.requirements, MET)
    assert not wrong, "reference bridge in interop mode\n" + run.explain(MET, wrong)


@pytest.mark.parametrize(("defect", "advertised", "needing", "own"), [
    pytest.param("patch_advertised_unimplemented", "rfc7643/5/patch-advertised-works",
                 ("rfc7644/3.5.2.3/replace-simple", "rfc7644/3.5.2.1/add-multi-valued",
                  "rfc7644/3.5.2.2/remove-simple"), (), id="patch"),
    pytest.param("filter_unimplemented", "rfc7643/5/filter-advertised-works",
                 ("entra/query/username-eq", "entra/query/externalid-eq",
                  "rfc7643/4.1.1/username-eq-any-case"),
                 ("rfc7644/3.4.2.2/logical-operators",), id="filter"),
])
def test_advertised_feature_answered_501_is_one_root_cause(defect, advertised, needing, own):
    # A bridge advertising a feature and answering its requests 501 (RFC 7644 §3.12: "does not
    # support the request operation") fails the advertisement once per endpoint; the checks it
    # kept from running are blocked, each requirement needing the feature left unjudged. For
    # filter that is the plain `eq` lookup; a 501 to `and`/`or`/`not` with other operators
    # fails its own test (`own`).
    run = run_suites(Plan(f"tests/broken/bridges/discovery.py:{defect}",
                          (advertised, *needing, *own), False))
    wanted = {advertised: "failed", **dict.fromkeys(needing, "blocked"),
              **dict.fromkeys(own, "failed")}
    assert {r: run.outcome(r) for r in wanted} == wanted, run.tail


@pytest.mark.parametrize("requirement", sorted(ELSEWHERE))
def test_correct_variant_meets_what_the_reference_cannot_show(requirement):
    run = run_suites(Plan(ELSEWHERE[requirement], (requirement,), True))
    found = run.outcome(requirement)
    assert found == MET, run.explain(MET, {requirement: found})


# The registry itself ---------------------------------------------------------------------------


def test_defect_ids_are_unique():
    ids = [d.id for d in DEFECTS]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


@pytest.mark.parametrize(("change", "problem"), [
    pytest.param({"id": "Lost_Deactivation"}, "the id is not", id="id"),
    pytest.param({"requirements": ()}, "one or more distinct requirements", id="no-requirement"),
    pytest.param({"requirements": ("rfc7644/3.3/created-201",) * 2}, "distinct", id="repeated"),
    pytest.param({"requirements": ("created-201",)}, "not a requirement id", id="requirement"),
    pytest.param({"summary": "x" * 80}, "1-79 characters", id="long-summary"),
    pytest.param({"summary": "The answer should be 201"}, "without 'should'", id="should"),
    pytest.param({"strict": True}, "needs a note", id="strict-without-note"),
    pytest.param({"caught": False}, "needs a note", id="uncaught-without-note"),
])
def test_a_defect_is_checked_where_it_is_declared(change, problem):
    entry = {"id": "x", "requirements": ("rfc7644/3.3/created-201",), "summary": "x", **change}
    with pytest.raises(ValueError, match=problem):
        Defect(**entry)


@pytest.fixture(scope="module")
def levels() -> dict[str, str]:
    """The level of every catalogue requirement by id."""
    return {r.id: r.level for r in catalogue.load()}


@pytest.fixture(scope="module")
def areas() -> dict[str, str]:
    """The catalogue area of every requirement by id."""
    return {r.id: r.area for r in catalogue.load()}


def soft(levels: dict[str, str], requirement: str) -> bool:
    return levels.get(requirement) in ("SHOULD", "MAY")


def test_listed_requirements_are_in_the_catalogue(levels):
    unknown = {d.id: [r for r in d.requirements if r not in levels] for d in DEFECTS}
    assert {k: v for k, v in unknown.items() if v} == {}


def test_soft_requirements_are_run_strictly(levels):
    # A SHOULD/MAY failure is only a deviation without --scim-strict (harness/grading.py).
    loose = {d.id: [r for r in d.requirements if soft(levels, r)]
             for d in DEFECTS if not d.strict}
    assert {k: v for k, v in loose.items() if v} == {}


def test_strict_runs_need_a_soft_requirement(levels):
    needless = [d.id for d in DEFECTS
                if d.strict and not any(soft(levels, r) for r in d.requirements)]
    assert needless == []


def area_module(requirement: str, area: str) -> str:
    """The module of tests/broken/bridges/ holding the defects of `requirement`: its catalogue
    area, with PATCH apart from users and filters apart from query."""
    if area == "users" and ("/3.5.2" in requirement or "/patch/" in requirement):
        return "patch"
    if area == "query" and ("/3.4.2.2/" in requirement or "/filter/" in requirement):
        return "filter"
    return {"content-type": "content"}.get(area, area)


def test_each_defect_lives_in_the_module_of_its_first_requirement(areas):
    misplaced = {d.id: area_module(d.requirements[0], areas[d.requirements[0]])
                 for d in DEFECTS
                 if Path(d.app.rpartition(":")[0]).stem
                 != area_module(d.requirements[0], areas[d.requirements[0]])}
    assert misplaced == {}


@pytest.mark.parametrize("defect", [pytest.param(d, id=d.id) for d in DEFECTS])
def test_bridge_factory_builds_an_app(defect):
    assert callable(defect.app_factory()(tokens=["scimcert-broken-token"]))


@pytest.mark.parametrize("module", area_modules(), ids=lambda m: m.__name__.rpartition(".")[2])
def test_every_public_bridge_of_an_area_is_a_defect(module):
    # A bridge nobody registered would never be run; helpers are private (a leading underscore).
    declared_here = {d.factory for d in declared(module)}
    public = {name for name, value in vars(module).items()
              if not name.startswith("_") and callable(value)
              and getattr(value, "__module__", None) == module.__name__}
    classes = {name for name in public if isinstance(vars(module)[name], type)}
    assert sorted(public - classes - declared_here) == []
    assert sorted(c for c in classes
                  if MARK not in vars(vars(module)[c])) == []
