"""Testing the tester: each broken bridge of fixtures/broken/defects.json makes the suites fail
on the requirements that name its defect, and the reference bridge meets every one of them.

DESIGN.md: "A check that cannot fail is a defect. Every suite must be shown to fail on a bridge
that has the matching defect." Each defect is one `pytest suites` subprocess pointed at its bridge
with `--scim-app` and narrowed with `--scim-requirement`; the verdicts come from the run's
conformance report. The runs start in the background, two at a time, as soon as the first test
asks. The reference run goes first: its report names the test files of each requirement, so each
defect's run collects only those files, which keeps the whole module near a minute on two cores.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from scimcert import paths
from scimcert.harness import catalogue

HERE = Path(__file__).resolve().parent
BRIDGES = HERE / "bridges.py"
DATA = json.loads((paths.fixtures() / "broken" / "defects.json").read_text(encoding="utf-8"))
DEFECTS: list[dict[str, Any]] = DATA["defects"]
WORKERS = 2
TIMEOUT = 300
TAIL = 40
FAILED = "failed"
MET = "met"


@dataclass(frozen=True)
class Plan:
    """One suite run: the app factory (None = reference bridge), requirements, strictness."""

    bridge: str | None
    requirements: tuple[str, ...]
    strict: bool

    def command(self, report: Path, targets: tuple[str, ...] | None = None) -> list[str]:
        """The pytest command line; `targets` narrows collection to those suite files."""
        cmd = [sys.executable, "-m", "pytest", *(targets or (str(paths.suites()),)),
               "-p", "no:cacheprovider", "-q", "--scim-report", str(report)]
        if self.bridge is not None:
            cmd += ["--scim-app", f"{BRIDGES}:{self.bridge}"]
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


def run_env(pycache: Path) -> dict[str, str]:
    """The subprocess environment: no SCIM_* setting of the outer run, bytecode cached aside."""
    # The target comes from the command line only: a SCIM_* variable of the outer run (a URL,
    # a token, strictness) must not leak into a run meant for one in-process bridge.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SCIM_") and k not in ("PYTEST_ADDOPTS", "PYTHONDONTWRITEBYTECODE")}
    # Every run imports and assertion-rewrites the same ~120 modules; caching their bytecode in
    # a private folder (never in the tree) halves the time of each run after the first.
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    # The harness plugin comes from conftest.py; the installed third-party plugins (xdist,
    # hypothesis, allure) play no part in a verdict and cost a tenth of each run to load.
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return env


def run_suites(plan: Plan, pycache: Path, targets: tuple[str, ...] | None = None) -> Run:
    """Run the suites as `plan` says, in a subprocess, and read its conformance report."""
    env = run_env(pycache)
    with tempfile.TemporaryDirectory(prefix="scimcert-broken-") as tmp:
        report = Path(tmp)
        done = subprocess.run(plan.command(report, targets), cwd=paths.root(), env=env,
                              capture_output=True, text=True, timeout=TIMEOUT, check=False)
        document = report / "conformance.json"
        found = json.loads(document.read_text("utf-8")) if document.is_file() else None
    output = (done.stdout + done.stderr).splitlines()
    tail = "\n".join(output[-TAIL:])
    if found is None:
        return Run({}, done.returncode, tail)
    return Run(read_outcomes(found), done.returncode, tail, read_files(found))


def requirements_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [req for section in ("rfc", "idp") for req in document[section]["requirements"]]


def read_outcomes(document: dict[str, Any]) -> dict[str, str]:
    return {req["id"]: req["outcome"] for req in requirements_of(document)}


def read_files(document: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """The test files (relative to the root) of each requirement that has tests."""
    files = {req["id"]: {t["nodeid"].split("::", 1)[0] for t in req.get("tests", ())}
             for req in requirements_of(document)}
    return {r: tuple(sorted(f)) for r, f in files.items() if f}


class Runs:
    """Suite runs by plan, each started once on a small thread pool and awaited on demand."""

    def __init__(self, workers: int, pycache: Path) -> None:
        self.pool = ThreadPoolExecutor(max_workers=workers)
        self.pycache = pycache
        self.started: dict[Plan, Future[Run]] = {}

    def start(self, plan: Plan) -> None:
        """Queue `plan`; a defect's run is queued after the reference run it narrows by."""
        if plan in self.started:
            return
        reference = reference_plan()
        if plan == reference:
            self.started[plan] = self.pool.submit(run_suites, plan, self.pycache)
            return
        self.start(reference)
        self.started[plan] = self.pool.submit(self.narrowed, plan, reference)

    def narrowed(self, plan: Plan, reference: Plan) -> Run:
        # The pool runs jobs in the order queued, so the reference run has started by now.
        targets = self.started[reference].result().files_of(plan.requirements)
        return run_suites(plan, self.pycache, targets)

    def result(self, plan: Plan) -> Run:
        self.start(plan)
        return self.started[plan].result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def defect_plan(defect: dict[str, Any]) -> Plan:
    return Plan(defect["bridge"], tuple(defect["requirements"]), defect.get("strict", False))


def reference_plan() -> Plan:
    """The reference bridge on every listed requirement, strictly: SHOULDs must be met too."""
    listed = dict.fromkeys(r for defect in DEFECTS for r in defect["requirements"])
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
    return None


@pytest.fixture(scope="module")
def runs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The suite runs; outside xdist workers, every run a selected test needs starts at once."""
    pool = Runs(WORKERS, tmp_path_factory.mktemp("pycache"))
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
        if defect.get("caught") is False:
            marks.append(pytest.mark.xfail(strict=True, reason=f"suite gap: {defect['note']}"))
        params.append(pytest.param(defect, id=defect["id"], marks=marks))
    return params


@pytest.mark.parametrize("defect", defect_params())
def test_broken_bridge_fails_its_requirements(defect, runs):
    plan = defect_plan(defect)
    run = runs.result(plan)
    wrong = run.differences(plan.requirements, FAILED)
    assert not wrong, f"{defect['bridge']}: {defect['summary']}\n" + run.explain(FAILED, wrong)


def test_reference_bridge_meets_every_listed_requirement(runs):
    plan = reference_plan()
    run = runs.result(plan)
    wrong = run.differences(plan.requirements, MET)
    assert not wrong, "reference bridge\n" + run.explain(MET, wrong)


# The data itself -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads((paths.schemas() / "data" / "defects.schema.json").read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.fixture(scope="module")
def bridges() -> ModuleType:
    spec = importlib.util.spec_from_file_location("scimcert_broken_bridges", BRIDGES)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_defects_match_their_schema(validator):
    errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(DATA)]
    assert errors == []


def test_schema_wants_a_note_on_an_uncaught_defect(validator):
    entry = {"id": "x", "bridge": "x", "requirements": ["rfc7644/3.3/created-201"],
             "summary": "x", "caught": False}
    assert not validator.is_valid({"description": "x", "defects": [entry]})


def test_defect_ids_and_bridges_are_unique():
    ids = [d["id"] for d in DEFECTS]
    factories = [d["bridge"] for d in DEFECTS]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    assert sorted({f for f in factories if factories.count(f) > 1}) == []


@pytest.fixture(scope="module")
def levels() -> dict[str, str]:
    """The level of every catalogue requirement by id."""
    return {r.id: r.level for r in catalogue.load()}


def soft(levels: dict[str, str], requirement: str) -> bool:
    return levels.get(requirement) in ("SHOULD", "MAY")


def test_listed_requirements_are_in_the_catalogue(levels):
    unknown = {d["id"]: [r for r in d["requirements"] if r not in levels] for d in DEFECTS}
    assert {k: v for k, v in unknown.items() if v} == {}


def test_soft_requirements_are_run_strictly(levels):
    # A SHOULD/MAY failure is only a deviation without --scim-strict (harness/grading.py).
    loose = {d["id"]: [r for r in d["requirements"] if soft(levels, r)]
             for d in DEFECTS if not d.get("strict")}
    assert {k: v for k, v in loose.items() if v} == {}


def test_strict_runs_need_a_soft_requirement(levels):
    needless = [d["id"] for d in DEFECTS
                if d.get("strict") and not any(soft(levels, r) for r in d["requirements"])]
    assert needless == []


@pytest.mark.parametrize("defect", [pytest.param(d, id=d["id"]) for d in DEFECTS])
def test_bridge_factory_builds_an_app(defect, bridges):
    factory = getattr(bridges, defect["bridge"], None)
    assert callable(factory), f"tests/broken/bridges.py has no factory {defect['bridge']!r}"
    assert callable(factory(tokens=["scimcert-broken-token"]))


def test_every_factory_is_listed(bridges):
    listed = {d["bridge"] for d in DEFECTS}
    factories = {name for name, value in vars(bridges).items()
                 if callable(value) and not name.startswith("_") and name.islower()
                 and getattr(value, "__module__", None) == bridges.__name__
                 and not isinstance(value, type)}
    assert sorted(factories - listed) == []
