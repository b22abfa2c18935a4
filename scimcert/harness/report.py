"""The conformance report: the run's results as one document, written as JSON, markdown and a
self-contained HTML page. Root causes lead; RFC conformance, the draft interop profile and IdP
compatibility (per IdP) stay apart."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scimcert import paths
from scimcert.harness import headline, validate
from scimcert.harness.bodies import Finding
from scimcert.harness.catalogue import IDP, KINDS, PROFILE, RFC, Sources
from scimcert.harness.html import SECTIONS, area_counts, page
from scimcert.harness.outcome import Grade
from scimcert.harness.results import RequirementOutcome, RootCause

BUCKETS = ("MUST met", "MUST failed", "SHOULD/MAY met", "SHOULD/MAY failed", "deviations",
           "blocked", "not applicable", "errors", "skipped", "untested")
# Where the buckets of a profile or an IdP (named by its document id) go among BUCKETS.
OWN_BUCKETS = BUCKETS.index("blocked")


def area_lines(outcomes: list[RequirementOutcome]) -> list[str]:
    """One terminal line per area this run tested: MUST met/failed, SHOULD deviations, then the
    interop profile's and each IdP's own (`interop met`, `entra failed` …)."""
    lines = []
    tested = (o.requirement.area for o in outcomes if o.grade != Grade.UNTESTED)
    documents = dict.fromkeys(_document(o) for o in outcomes if not o.requirement.is_rfc)
    own = [f"{d} {what}" for d in documents for what in ("met", "failed", "deviations")]
    order = [*BUCKETS[:OWN_BUCKETS], *own, *BUCKETS[OWN_BUCKETS:]]
    for area in dict.fromkeys(tested):
        counts = Counter(_bucket(o) for o in outcomes if o.requirement.area == area)
        parts = [f"{counts[key]} {key}" for key in order if counts[key]]
        lines.append(f"{area}: " + ", ".join(parts))
    return lines


def _document(outcome: RequirementOutcome) -> str:
    return outcome.requirement.id.split("/", 1)[0]


def _bucket(outcome: RequirementOutcome) -> str:
    requirement = outcome.requirement
    if requirement.is_rfc:
        kind = "MUST" if requirement.level == "MUST" else "SHOULD/MAY"
        deviations = "deviations"
    else:
        kind = _document(outcome)
        deviations = f"{kind} deviations"
    return {
        Grade.MET: f"{kind} met",
        Grade.FAILED: f"{kind} failed",
        Grade.DEVIATION: deviations,
        Grade.BLOCKED: "blocked",
        Grade.NOT_APPLICABLE: "not applicable",
        Grade.ERROR: "errors",
        Grade.SKIPPED: "skipped",
        Grade.UNTESTED: "untested",
    }[outcome.grade]


def cause_lines(causes: Sequence[RootCause], limit: int = 10) -> list[str]:
    """The root causes as the terminal shows them: what failed, what it blocked, a reproducer."""
    lines = []
    for number, cause in enumerate(causes[:limit], 1):
        lines.append(f"{number}. {cause.requirement}: {cause.what} — reported by "
                     f"{cause.reported_by[0]}, blocks {len(cause.blocked)} test(s)")
        lines += [f"   {line}" for line in cause.lines[1:]]
        if cause.exchange:
            lines.append(f"   {cause.exchange}")
        if cause.curl:
            lines.append(f"   reproduce: {cause.curl}")
    if len(causes) > limit:
        lines.append(f"… and {len(causes) - limit} more (see the report)")
    return lines


def document(outcomes: list[RequirementOutcome], meta: dict[str, Any],
             causes: Sequence[RootCause] = (), counts: dict[str, int] | None = None,
             violations: Sequence[tuple[str, str]] = (),
             sources: Sources | None = None,
             listing: Sequence[dict[str, Any]] = (),
             matrix: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON report: run metadata, test counts, root causes, the three sections (RFC, profile,
    IdP: the last also by IdP), and the bodies received that broke their schema (not graded: the
    representation suite grades them)."""
    sections = {kind: section([o for o in outcomes if o.requirement.kind == kind])
                for kind in KINDS}
    sections[IDP]["groups"] = idp_groups(sections[IDP]["requirements"], sources)
    found = [{"test": nodeid, "violation": text, **Finding.parse(text).to_json()}
             for nodeid, text in violations]
    cited = {kind: [{"id": d.id, "name": d.name, "url": d.url} for d in getattr(sources, kind)]
             for kind in KINDS} if sources is not None else {}
    return {"run": meta, "sources": cited, "tests": counts or {},
            "root_causes": [c.to_json() for c in causes],
            "rfc": sections[RFC], "profile": sections[PROFILE], "idp": sections[IDP],
            "schema_violations": found,
            "matrix": matrix or {"dialects": [], "scenarios": {}},
            "verdicts": list(listing)}


def section(chosen: list[RequirementOutcome]) -> dict[str, Any]:
    """One section of the report: its totals by outcome and its requirements."""
    return {"totals": dict(Counter(o.grade.value for o in chosen)),
            "requirements": [o.to_json() for o in chosen]}


def idp_groups(requirements: list[dict[str, Any]], sources: Sources | None
               ) -> list[dict[str, Any]]:
    """The IdP section by IdP, in the order of the sources (then of the catalogue): each IdP's
    name, link, totals and requirements."""
    names = {d.id: d for d in sources.idp} if sources is not None else {}
    order = [*names, *(r["id"].split("/", 1)[0] for r in requirements)]
    groups = []
    for idp in dict.fromkeys(order):
        mine = [r for r in requirements if r["id"].split("/", 1)[0] == idp]
        if not mine:
            continue
        document = names.get(idp)
        groups.append({"id": idp, "name": document.name if document else idp,
                       "url": document.url if document else None,
                       "totals": dict(Counter(r["outcome"] for r in mine)),
                       "requirements": mine})
    return groups


# The short summary fits a CI job summary: so many problems and matrix failures at most.
SHOWN_PROBLEMS = 4
SHOWN_CELLS = 3


def markdown(doc: dict[str, Any]) -> str:
    """The short summary (a CI job summary, about 60 lines at most): the verdict, the problems
    to fix with a reproducer, the area table and the matrix. Every requirement with its tests
    is in conformance.html and conformance.json."""
    run = doc["run"]
    verdict = "PASS" if headline.passed(doc) else "FAIL"
    lines = ["# SCIM conformance report", "",
             f"Target: {run['target']} · profile {run.get('profile', 'full')} · "
             f"seed {run['seed']} · strict {'on' if run['strict'] else 'off'} · "
             f"{'writes allowed' if run.get('allow_writes') else 'read-only'} · "
             f"{run['finished']}", "",
             f"**{verdict}** — " + "; ".join(f"{s.title}: {s.headline()}"
                                              for s in headline.sections(doc)), ""]
    found = headline.problems(doc)
    if found:
        lines += ["## Problems to fix (root causes first)", ""]
        for number, problem in enumerate(found[:SHOWN_PROBLEMS], 1):
            blocks = f" — blocks {problem.blocks} test(s)" if problem.blocks else ""
            seen = "; ".join(problem.evidence)
            lines.append(f"{number}. `{problem.requirement}` {_md(problem.what)}{blocks}"
                         + (f" ({_md(seen)})" if seen else ""))
            if problem.curl:
                lines.append(f"   reproduce: `{problem.curl}`")
        if len(found) > SHOWN_PROBLEMS:
            lines.append(f"… and {len(found) - SHOWN_PROBLEMS} more in conformance.html")
        lines.append("")
    names, counted = area_counts(doc)
    checked = {r["area"] for key, _ in SECTIONS for r in doc[key]["requirements"]
               if r["outcome"] != "untested"}
    lines += ["## By area", "", "| area | " + " | ".join(names) + " |",
              "|---|" + "---:|" * len(names)]
    lines += [f"| {area} | " + " | ".join(str(n) for n in counts) + " |"
              for area, counts in counted if area in checked]
    unchecked = [area for area, _ in counted if area not in checked]
    if unchecked:
        lines += ["", f"Not checked by this run: {', '.join(unchecked)}."]
    lines.append("")
    lines += matrix_lines(doc.get("matrix") or {}, markdown=True, shown=SHOWN_CELLS)
    found_bodies = doc.get("schema_violations") or []
    if found_bodies:
        lines += [f"{len(found_bodies)} bodies the target answered break their schema "
                  "(listed in conformance.html).", ""]
    lines.append("Every requirement with its tests and their evidence: conformance.html, "
                 "conformance.json.")
    return "\n".join(lines) + "\n"


MARKS = {"met": "pass", "failed": "FAIL", "deviation": "dev", "blocked": "blocked",
         "not applicable": "n/a", "error": "ERROR", "skipped": "skip"}


def matrix_lines(matrix: dict[str, Any], *, markdown: bool = False,
                 shown: int | None = None) -> list[str]:
    """The compatibility matrix as text: a row per scenario, a column per dialect; each failure
    under the requirement it is filed under, below the table (the first `shown` of them)."""
    dialects, scenarios = matrix.get("dialects") or [], matrix.get("scenarios") or {}
    if not scenarios:
        return []
    rows = [["scenario", *dialects]]
    rows += [[name, *(MARKS.get(cells.get(d, {}).get("outcome", ""), "—") for d in dialects)]
             for name, cells in scenarios.items()]
    failures = [f"{name} in {d}: {cell['outcome']} under {cell.get('requirement') or '—'}"
                for name, cells in scenarios.items() for d, cell in cells.items()
                if cell["outcome"] in ("failed", "error", "deviation")]
    if shown is not None and len(failures) > shown:
        failures = [*failures[:shown], f"… and {len(failures) - shown} more"]
    if markdown:
        out = ["## IdP compatibility (scenario by dialect)", "",
               "| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
        out += ["| " + " | ".join(row) + " |" for row in rows[1:]]
        return [*out, "", *(f"- {line}" for line in failures), *([""] if failures else [])]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
           for row in rows]
    return [*out, *failures]


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def write(folder: Path, doc: dict[str, Any], secrets: tuple[str, ...] = ()) -> list[Path]:
    """Write conformance.json, conformance.md and conformance.html into `folder`.

    Every secret is masked in every file: failure reasons quote the target's answers, and a
    target may echo what it was sent.
    """
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "conformance.json": json.dumps(doc, indent=2, ensure_ascii=False) + "\n",
        "conformance.md": markdown(doc),
        "conformance.html": page(doc),
    }
    written = []
    for name, text in files.items():
        for secret in secrets:
            text = text.replace(secret, "***")
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


class ReportError(ValueError):
    """A file that is not a conformance report scimcert can read."""


def read(file: Path) -> dict[str, Any]:
    """A conformance.json, checked against schemas/report/conformance.schema.json."""
    try:
        doc = json.loads(Path(file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"cannot read {file}: {exc}") from None
    found = validate.violations(doc, "conformance", str(paths.schemas() / "report"))
    if found:
        raise ReportError(f"{file} is not a scimcert conformance report: {found[0]}"
                          + (f" (and {len(found) - 1} more)" if len(found) > 1 else ""))
    return doc
