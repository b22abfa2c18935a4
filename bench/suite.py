"""How long the default conformance run takes, and how much it covers.

Runs the suites against the in-process reference bridge four ways in one go: collection only
(the floor: interpreter start, plugin, collection), the full run, the full run without the
property suites (suites/properties, under the hypothesis profile `ci` the default run uses), and
the full run under xdist (`-n 2`). Prints wall-clock seconds, the ratio to the floor, the
properties' share of a full run, and what the run covered: checks (test items) executed and
requirements by level and outcome. It prints figures; it asserts nothing.

    python bench/suite.py [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(args: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "suites", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT, capture_output=True, text=True, check=False,
        env={k: v for k, v in os.environ.items() if k != "SCIM_HYPOTHESIS_PROFILE"},
    )
    return time.perf_counter() - start, done


def junit_counts(path: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    for case in ET.parse(path).getroot().iter("testcase"):
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        counts[kinds[0] if kinds else "passed"] += 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="runs of each kind (median shown)")
    rounds = parser.parse_args().rounds

    runs: dict[str, list[float]] = {"collect only (floor)": [], "full run": [],
                                    "full run, no properties": [], "full run -n 2": []}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for _ in range(rounds):
            runs["collect only (floor)"].append(timed(["--collect-only"])[0])
            seconds, done = timed(["--scim-report", str(out), "--junitxml", str(out / "junit.xml")])
            if done.returncode not in (0, 1):
                print(done.stdout[-2000:], done.stderr[-2000:], sep="\n")
                return done.returncode
            runs["full run"].append(seconds)
            runs["full run, no properties"].append(
                timed(["--ignore", str(ROOT / "suites" / "properties")])[0])
            runs["full run -n 2"].append(timed(["-n", "2"])[0])
        doc = json.loads((out / "conformance.json").read_text(encoding="utf-8"))
        checks = junit_counts(out / "junit.xml")

    floor = statistics.median(runs["collect only (floor)"])
    print(f"{'run':<24}{'median s':>10}{'min s':>9}{'x floor':>9}")
    for name, seconds in runs.items():
        median = statistics.median(seconds)
        print(f"{name:<24}{median:>10.2f}{min(seconds):>9.2f}{median / floor:>9.2f}")

    share = statistics.median(runs["full run"]) - statistics.median(runs["full run, no properties"])
    print(f"\nproperty suites (profile ci): {share:.2f} s of a full run "
          f"({share / statistics.median(runs['full run']):.0%})")
    print()
    print(f"checks executed: {sum(checks.values())} ({dict(checks)})")
    for key, title in (("rfc", "RFC conformance"), ("idp", "IdP compatibility")):
        reqs = doc[key]["requirements"]
        levels = Counter(r["level"] for r in reqs)
        outcomes = Counter(r["outcome"] for r in reqs)
        print(f"{title}: {len(reqs)} requirements")
        print(f"  levels {dict(levels)}")
        print(f"  outcomes {dict(outcomes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
