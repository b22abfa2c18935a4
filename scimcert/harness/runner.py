"""`scimcert run` and `scimcert requirements`: the suites through pytest, from the command line.

The token travels to pytest in the environment (SCIM_TOKEN), never on a command line that
`ps` would show, and is never printed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from scimcert import paths
from scimcert.harness import catalogue as catalogue_module
from scimcert.harness import diff as diff_module
from scimcert.harness import profile as profiles
from scimcert.harness import report
from scimcert.harness.catalogue import CatalogueError
from scimcert.harness.connect import connect
from scimcert.harness.discovery import UNUSABLE, Unusable, probe
from scimcert.harness.target import SettingError, parse_url, resolve
from scimcert.wire import Discard

PLUGIN = "scimcert.harness.plugin"
BAD_OPTIONS = 2
CERTIFICATION_REPORTS = Path("reports")
HYPOTHESIS_VARIABLE = "SCIM_HYPOTHESIS_PROFILE"
# A smoke run's output is its verdict: no progress per test, no tracebacks, no short summary.
QUIET = ["-q", "-q", "--tb=no", "-rN", "--no-header"]


def add_parsers(subparsers: Any) -> None:
    """Add the `run` and `requirements` commands; each sets `handler(args) -> exit code`."""
    run_parser = subparsers.add_parser(
        "run", help="run the conformance suites against a SCIM target",
        description="Run the suites with pytest. Without --url they run against the reference "
                    "bridge in-process. A URL target is read-only unless --allow-writes.")
    run_parser.add_argument("--profile", choices=tuple(profiles.PROFILES),
                            help="smoke: discovery, auth and read-only checks with a verdict "
                                 "of a few lines (with --allow-writes, one canary user as Entra "
                                 "provisions it); full: every applicable check (default); "
                                 "certification: full, --strict, every dialect, the thorough "
                                 "property profile and the complete report (in reports/ unless "
                                 "--report-dir)")
    run_parser.add_argument("--url", help="SCIM base URL (default: reference bridge in-process)")
    run_parser.add_argument("--token", help="bearer token (better: the SCIM_TOKEN variable)")
    run_parser.add_argument("--allow-writes", action="store_true",
                            help="let tests create, change and delete resources")
    run_parser.add_argument("--strict", action="store_true",
                            help="grading: SHOULD/MAY deviations fail the run (any target)")
    run_parser.add_argument("--interop", action="store_true",
                            help="grading: hold the target to the IETF draft SCIM interop "
                                 "profile even if it does not claim it (by default its "
                                 "requirements fail only for a target claiming it)")
    run_parser.add_argument("--strict-bridge", action="store_true",
                            help="target: the in-process reference bridge with every IdP "
                                 "tolerance off, so Entra/Okta-only shapes are refused as "
                                 "RFC 7644 says (not with --url; does not change the grading)")
    run_parser.add_argument("--dialect", action="append", metavar="NAME",
                            help="the IdP dialect(s) suites/provisioning replays: rfc, entra, "
                                 "entra-flagged, okta, okta-aiw, interop (repeat or comma "
                                 "separate; default: all)")
    run_parser.add_argument("--hypothesis-profile", metavar="NAME",
                            help="how hard suites/properties tries: ci (default), dev, "
                                 "thorough")
    run_parser.add_argument("--report-dir", type=Path,
                            help="write conformance.{json,md,html}, junit.xml, allure-results")
    run_parser.add_argument("--baseline", type=Path, metavar="OLD.json",
                            help="compare with an earlier run's conformance.json: list what "
                                 "regressed, was fixed or is new; the exit code is 1 on a "
                                 "regression, else 0")
    run_parser.add_argument("-k", dest="keyword", help="pytest -k expression")
    run_parser.add_argument("-m", dest="markexpr", help="pytest -m expression")
    run_parser.add_argument("-n", dest="workers", help="parallel workers (pytest-xdist)")
    run_parser.add_argument("pytest_args", nargs=argparse.REMAINDER,
                            help="further pytest arguments (after --)")
    run_parser.set_defaults(handler=run)

    diff_parser = subparsers.add_parser(
        "diff", help="what regressed, was fixed or is new between two runs",
        description="Compare two conformance.json reports requirement by requirement and test "
                    "by test. Exit code 1 when anything regressed, 0 otherwise, 2 when a file "
                    "is not a report.")
    diff_parser.add_argument("old", type=Path, metavar="OLD.json")
    diff_parser.add_argument("new", type=Path, metavar="NEW.json")
    diff_parser.set_defaults(handler=diff)

    req_parser = subparsers.add_parser(
        "requirements", help="list the requirement catalogue and the tests proving each")
    req_parser.add_argument("--area", help="only this area (e.g. users)")
    req_parser.add_argument("--format", choices=("text", "json"), default="text")
    req_parser.set_defaults(handler=requirements)


def _fail(message: str, code: int) -> int:
    print(f"scimcert: {message}", file=sys.stderr)
    return code


def report_dir(args: argparse.Namespace) -> Path | None:
    """Where the run writes its report: --report-dir, else reports/ for a certification."""
    if args.report_dir:
        return Path(args.report_dir)
    return CERTIFICATION_REPORTS if _profile(args).report else None


def _profile(args: argparse.Namespace) -> profiles.Profile:
    return profiles.load(args.profile or profiles.DEFAULT)


def pytest_command(args: argparse.Namespace) -> list[str]:
    """The pytest command line for `scimcert run` (no secret on it)."""
    command = [sys.executable, "-m", "pytest", str(paths.suites()), "-p", PLUGIN]
    if _profile(args).smoke:
        command += QUIET
    if args.keyword:
        command += ["-k", args.keyword]
    if args.markexpr:
        command += ["-m", args.markexpr]
    if args.workers:
        command += ["-n", str(args.workers)]
    folder = report_dir(args)
    if folder is not None:
        command += [f"--junitxml={folder / 'junit.xml'}",
                    f"--alluredir={folder / 'allure-results'}", f"--scim-report={folder}"]
    extra = list(args.pytest_args or [])
    return command + (extra[1:] if extra[:1] == ["--"] else extra)


def run_environment(args: argparse.Namespace, base: dict[str, str]) -> dict[str, str]:
    env = dict(base)
    for name, value in (("SCIM_URL", args.url), ("SCIM_TOKEN", args.token)):
        if value:
            env[name] = value
    if args.profile:
        env["SCIM_PROFILE"] = args.profile
    # An unknown name is refused by resolve(), with the settings' other errors.
    chosen = profiles.PROFILES.get((env.get("SCIM_PROFILE") or profiles.DEFAULT).lower())
    if chosen is not None and chosen.hypothesis:
        # The property suites pick their hypothesis profile from this variable (ci, dev or
        # thorough); a value set by the caller wins.
        env.setdefault(HYPOTHESIS_VARIABLE, chosen.hypothesis)
    if args.allow_writes:
        env["SCIM_ALLOW_WRITES"] = "true"
    if args.strict:
        env["SCIM_STRICT"] = "true"
    if args.interop:
        env["SCIM_INTEROP"] = "true"
    if args.dialect:
        env["SCIM_DIALECT"] = ",".join(args.dialect)
    if args.strict_bridge:
        env["SCIM_STRICT_BRIDGE"] = "true"
    if args.hypothesis_profile:
        env["SCIM_HYPOTHESIS_PROFILE"] = args.hypothesis_profile
    return env


def run(args: argparse.Namespace) -> int:
    """Check the options and the target, then run pytest on the suites: its exit code, or with
    --baseline whether anything regressed."""
    baseline = None
    if getattr(args, "baseline", None):
        try:
            baseline = report.read(args.baseline)
        except report.ReportError as exc:
            return _fail(str(exc), BAD_OPTIONS)
    env = run_environment(args, dict(os.environ))
    try:
        if env.get("SCIM_URL"):
            parse_url(env["SCIM_URL"])
        target = resolve({}, env, {})
    except SettingError as exc:
        return _fail(str(exc), BAD_OPTIONS)
    args.profile = target.profile
    if target.url is not None:
        with connect(target, Discard()) as client:
            try:
                probe(client)
            except Unusable as exc:
                return _fail(str(exc), UNUSABLE)
    if baseline is None:
        return subprocess.call(pytest_command(args), env=env)
    with tempfile.TemporaryDirectory() as tmp:
        if report_dir(args) is None:
            args.report_dir = Path(tmp)
        code = subprocess.call(pytest_command(args), env=env)
        written = report_dir(args) / "conformance.json"
        if not written.is_file():
            return code or BAD_OPTIONS
        return _compare(baseline, report.read(written), code)


def _compare(old: dict[str, Any], new: dict[str, Any], code: int) -> int:
    """Print what changed; 1 on a regression, else 0 (or pytest's code when it did not run
    the tests: interrupted, internal or usage error)."""
    changes = diff_module.compare(old, new)
    print("\n".join(["", "scimcert diff against the baseline:",
                     *diff_module.lines(changes, old, new)]))
    if changes.regression:
        return 1
    return code if code not in (0, 1) else 0


def diff(args: argparse.Namespace) -> int:
    """`scimcert diff OLD NEW`."""
    try:
        old, new = report.read(args.old), report.read(args.new)
    except report.ReportError as exc:
        return _fail(str(exc), BAD_OPTIONS)
    changes = diff_module.compare(old, new)
    print("\n".join(diff_module.lines(changes, old, new)))
    return 1 if changes.regression else 0


def collect_mapping(extra: list[str] | None = None) -> tuple[dict[str, list[str]], list[str]]:
    """Collect the suites in a subprocess: requirement id → test node ids, and any problems."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "map.json"
        command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", PLUGIN,
                   "-p", "no:cacheprovider", f"--scim-collect-map={out}", str(paths.suites()),
                   *(extra or [])]
        done = subprocess.run(command, capture_output=True, text=True, cwd=paths.root(),
                              check=False)
        if not out.exists():
            tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
            return {}, ["collection failed: " + " / ".join(tail)]
        data = json.loads(out.read_text(encoding="utf-8"))
        problems = list(data["problems"])
        if done.returncode not in (0, 5):
            errors = [line for line in done.stdout.splitlines() if line.startswith("ERROR ")]
            problems += errors or [f"pytest --collect-only exited {done.returncode}"]
        return data["requirements"], problems


def requirements(args: argparse.Namespace) -> int:
    """Print each requirement with level, summary and the tests naming it."""
    try:
        cat = catalogue_module.load()
    except CatalogueError as exc:
        return _fail(str(exc), BAD_OPTIONS)
    chosen = [r for r in cat if args.area in (None, r.area)]
    if not chosen:
        return _fail(f"no requirements in area {args.area!r}; areas: {', '.join(cat.areas())}",
                     BAD_OPTIONS)
    mapping, problems = collect_mapping()
    for problem in problems:
        print(f"scimcert: warning: {problem}", file=sys.stderr)
    if args.format == "json":
        rows = [{"id": r.id, "area": r.area, "level": r.level, "section": r.section,
                 "summary": r.summary, "source": r.source, "tests": mapping.get(r.id, [])}
                for r in chosen]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for req in chosen:
        print(f"{req.id}  [{req.level}]  {req.summary}")
        for nodeid in mapping.get(req.id, []) or ["(no test)"]:
            print(f"    {nodeid}")
    return 0
