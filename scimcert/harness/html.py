"""The conformance report as one self-contained HTML page: inline style, no scripts, no fetches.

Read top-down the way a vendor or an admin asks: the verdict, what needs attention and why,
how each area fared, then every requirement with its tests (folded) — RFC conformance, the
draft interop profile and IdP compatibility (by IdP) apart, as everywhere in scimcert.
"""

from __future__ import annotations

from html import escape
from typing import Any

from scimcert.harness import headline
from scimcert.harness.headline import SECTIONS

ATTENTION = ("failed", "error", "deviation", "blocked")
RFC_LEVELS = frozenset({"MUST", "SHOULD", "MAY"})
# Summary columns: (heading, outcome, the kind of requirement counted, which levels count);
# None counts every kind or level.
COLUMNS = (
    ("MUST met", "met", "rfc", {"MUST"}), ("MUST failed", "failed", "rfc", {"MUST"}),
    ("SHOULD/MAY met", "met", "rfc", {"SHOULD", "MAY"}),
    ("deviations", "deviation", "rfc", None),
    ("interop met", "met", "profile", None), ("interop failed", "failed", "profile", None),
    ("IdP met", "met", "idp", None), ("IdP failed", "failed", "idp", None),
    ("interop deviations", "deviation", "profile", None),
    ("SHOULD/MAY failed (strict)", "failed", "rfc", {"SHOULD", "MAY"}),
    ("blocked", "blocked", None, None), ("errors", "error", None, None),
    ("not applicable", "not applicable", None, None),
    ("skipped", "skipped", None, None), ("untested", "untested", None, None),
)
# The columns always shown, so a zero failure count is stated; the rest when something is there.
ALWAYS = 8

STYLE = """
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2430;
     background:#f6f7f9}
main{max-width:1200px;margin:0 auto;padding:2rem 1.5rem 4rem}
h1{margin:0 0 .25rem;font-size:1.7rem}h2{margin:2.2rem 0 .6rem}h3{margin:1.6rem 0 .4rem}
.run{color:#566;margin:0 0 1.2rem}.run b{color:#1d2430;font-weight:600}
.verdicts{display:flex;gap:1rem;flex-wrap:wrap}
.verdict{flex:1 1 320px;background:#fff;border:1px solid #dde1e6;border-left:6px solid;
         border-radius:6px;padding:.8rem 1rem}
.verdict.ok{border-left-color:#2e8540}.verdict.bad{border-left-color:#c62828}
.verdict.soft{border-left-color:#e0a800}
.verdict strong{display:block;font-size:1.15rem}
table{border-collapse:collapse;width:100%;background:#fff;table-layout:fixed}
th,td{border:1px solid #dde1e6;padding:.35rem .55rem;text-align:left;vertical-align:top;
      overflow-wrap:anywhere}
th{background:#eef0f3;font-weight:600}
td.n,th.n{text-align:right;width:6.8rem}th.n{font-size:.8rem}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.badge{display:inline-block;padding:.05rem .45rem;border-radius:9px;font-size:.8rem;
       font-weight:600;white-space:nowrap}
.met{background:#e3f2e5;color:#1e6b30}.failed,.error{background:#fbe0e0;color:#9b1c1c}
.deviation{background:#fff1c7;color:#7a5b00}.blocked{background:#f3e5f5;color:#6a1b7a}
.cause{background:#fff;border:1px solid #dde1e6;border-left:6px solid #c62828;border-radius:6px;
       padding:.6rem .9rem;margin:.6rem 0}
.cause pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:.4rem 0 0;font-size:12.5px}
.not-applicable,.skipped,.untested{background:#eceef1;color:#56606b}
td.zero{color:#b7bec6}
details summary{cursor:pointer;color:#2d5b9a}
ul.tests{margin:.3rem 0 0;padding-left:1.1rem}ul.tests li{margin:.15rem 0}
.why{color:#6b3b00;font-size:.85rem;white-space:pre-wrap}
.attention li{margin:.5rem 0}
col.outcome{width:8rem}col.level{width:5.5rem}col.section{width:9.5rem}col.req{width:34%}
footer{margin-top:3rem;color:#6b7580;font-size:.85rem}
.run,code,.attention li{overflow-wrap:anywhere}
.wide{overflow-x:auto;margin:0 0 .6rem}
.replay{font-size:.85rem;color:#3a4450;margin-top:.2rem}
.replay pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:.2rem 0 0;padding:.3rem .45rem;
            background:#f1f3f6;border-radius:4px;font-size:12px}
table.areas{min-width:44rem}table.areas th.area{width:9rem}
/* A phone: tables size to their content and scroll sideways inside .wide, never the page. */
@media (max-width:640px){
  main{padding:1rem .75rem 3rem}h1{font-size:1.35rem}
  .verdict{flex-basis:100%}
  table.reqs{table-layout:auto;min-width:36rem}
  table.reqs col{width:auto}
}
"""


def page(doc: dict[str, Any]) -> str:
    """The whole report document (report.document) as an HTML page."""
    run = doc["run"]
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>SCIM conformance report</title>", f"<style>{STYLE}</style></head><body><main>",
        "<h1>SCIM conformance report</h1>", _run_line(run),
        '<div class="verdicts">', *_verdicts(doc), "</div>",
        _causes(doc), _attention(doc), _areas(doc), _matrix(doc), _violations(doc),
    ]
    for key, title in SECTIONS:
        if key == "rfc" or (doc.get(key) or {}).get("requirements"):
            parts += [f'<h2 id="{key}">{escape(title)}</h2>', *_section(doc, key)]
    idps = "/".join(d["id"] for d in doc.get("sources", {}).get("idp", [])) or "IdP levels"
    parts += [f"<footer>scimcert {escape(str(run.get('version', '')))} · levels: MUST fails, "
              f"SHOULD/MAY not met is a deviation (fails only with --strict), {escape(idps)} "
              "are observed IdP behaviour; the interop profile (an IETF draft) is graded only "
              "for a target claiming it or under --interop, else a miss is a deviation; a "
              "feature the target does not advertise is not "
              "applicable; a blocked test could not reach its own checks because of a root "
              "cause listed first.</footer>", "</main></body></html>"]
    return "\n".join(parts)


def _run_line(run: dict[str, Any]) -> str:
    items = [("target", run.get("target")), ("profile", run.get("profile", "full")),
             ("writes", "allowed" if run.get("allow_writes") else "read-only"),
             ("strict", "on" if run.get("strict") else "off"),
             ("interop profile", run.get("interop", "—")), ("seed", run.get("seed")),
             ("run id", run.get("run_id")), ("finished", run.get("finished"))]
    text = " · ".join(f"{name} <b>{escape(str(value))}</b>" for name, value in items)
    return f'<p class="run">{text}</p>'


def _sections(doc: dict[str, Any]) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(key, title, requirements) of every section present; the IdP section once per IdP when
    the report groups it."""
    out = []
    for key, title in SECTIONS:
        found = doc.get(key)
        if found is None:
            continue
        groups = found.get("groups") if key == "idp" else None
        if groups:
            out += [(key, group["name"], group["requirements"]) for group in groups]
        else:
            out.append((key, title, found["requirements"]))
    return out


def _verdicts(doc: dict[str, Any]) -> list[str]:
    """A verdict card per section with requirements (one per IdP), RFC conformance always."""
    return [_verdict(requirements, title) for key, title, requirements in _sections(doc)
            if requirements or key == "rfc"]


def _section(doc: dict[str, Any], key: str) -> list[str]:
    """A section's requirements by area; the IdP section by IdP."""
    found = doc.get(key) or {"requirements": []}
    groups = found.get("groups") if key == "idp" else None
    if not groups:
        return _by_area(found["requirements"])
    parts = []
    for group in groups:
        link = (f' <a href="{escape(group["url"])}">{escape(group["id"])}</a>'
                if group.get("url") else "")
        parts.append(f'<h3 id="idp-{escape(group["id"])}">{escape(group["name"])}{link}</h3>'
                     + _table("".join(_row(r) for r in group["requirements"])))
    return parts


def _verdict(requirements: list[dict[str, Any]], title: str) -> str:
    found = headline.verdict(title, requirements)
    rest = ", ".join(f"{n} {outcome}" for outcome, n in sorted(found.counts.items())) \
        or "nothing run"
    return (f'<div class="verdict {found.tone}"><span>{escape(found.title)}</span>'
            f"<strong>{escape(found.headline())}</strong><span>{escape(rest)}</span></div>")


def _attention(doc: dict[str, Any]) -> str:
    items = [r for key, _ in SECTIONS for r in (doc.get(key) or {}).get("requirements", [])
             if r["outcome"] in ATTENTION]
    if not items:
        return "<h2>Needs attention</h2><p>Nothing failed and nothing deviated.</p>"
    rows = []
    for req in sorted(items, key=lambda r: ATTENTION.index(r["outcome"])):
        tests = [t for t in req["tests"] if t["outcome"] in ATTENTION]
        rows.append(f"<li>{_badge(req['outcome'])} <code>{escape(req['id'])}</code> "
                    f"({escape(req['level'])}) {escape(req['summary'])}{_test_list(tests)}</li>")
    return f'<h2>Needs attention</h2><ul class="attention">{"".join(rows)}</ul>'


def _causes(doc: dict[str, Any]) -> str:
    """The failed preconditions first: each is one fault of the target that kept other tests
    from their own checks."""
    causes = doc.get("root_causes") or []
    if not causes:
        return ""
    items = []
    for cause in causes:
        detail = "\n".join([*cause["lines"][1:], cause.get("exchange") or "",
                            f"reproduce: {cause['curl']}" if cause.get("curl") else ""]).strip()
        items.append(f'<div class="cause"><code>{escape(cause["requirement"])}</code> '
                     f'{escape(cause["what"])} — blocks <b>{len(cause["blocked"])}</b> '
                     f'test{"s" if len(cause["blocked"]) != 1 else ""}'
                     f"<pre>{escape(detail)}</pre></div>")
    return "<h2>Root causes</h2>" + "".join(items)


def _violations(doc: dict[str, Any]) -> str:
    """Bodies the target answered that break their schema, with the test that received each;
    listed, not graded (the representation requirements grade representations)."""
    found = doc.get("schema_violations") or []
    if not found:
        return ""
    rows = "".join(f"<tr><td><code>{escape(v['exchange'] or '')}</code></td>"
                   f"<td>{escape(v['kind'] or '')}</td><td><code>{escape(v['pointer'] or '')}"
                   f"</code></td><td>{escape(v['message'])}</td>"
                   f"<td><code>{escape(v['test'])}</code></td></tr>" for v in found)
    return ("<h2>Bodies that are not valid SCIM</h2>"
            f"<p>{len(found)} schema violation{'s' if len(found) != 1 else ''} in bodies the "
            "target answered. They do not change the outcome of the test that received them; "
            "the representation requirements grade them.</p>"
            '<div class="wide"><table class="reqs"><thead><tr><th>exchange</th><th>kind</th>'
            "<th>pointer</th><th>violation</th>"
            f"<th>test</th></tr></thead><tbody>{rows}</tbody></table></div>")


def area_counts(doc: dict[str, Any]) -> tuple[list[str], list[tuple[str, list[int]]]]:
    """The area table: the columns shown and each area's counts in them. The met/failed columns
    always show, so a zero failure count is stated; the rest only when something landed there."""
    requirements = [r for key, _ in SECTIONS for r in (doc.get(key) or {}).get("requirements", [])]
    shown = [c for i, c in enumerate(COLUMNS) if i < ALWAYS or _count(requirements, c)]
    rows = []
    for area in dict.fromkeys(r["area"] for r in requirements):
        mine = [r for r in requirements if r["area"] == area]
        rows.append((area, [_count(mine, column) for column in shown]))
    return [column[0] for column in shown], rows


def _areas(doc: dict[str, Any]) -> str:
    names, counted = area_counts(doc)
    head = "".join(f'<th class="n">{escape(name)}</th>' for name in names)
    rows = [f'<tr><td><a href="#area-{escape(area)}">{escape(area)}</a></td>'
            f'{"".join(_cell(n) for n in counts)}</tr>' for area, counts in counted]
    return ('<h2>By area</h2><div class="wide"><table class="areas"><thead><tr>'
            f'<th class="area">area</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
            "</table></div>")


def _count(requirements: list[dict[str, Any]], column: tuple[str, str, Any, Any]) -> int:
    _, outcome, kind, levels = column
    return sum(1 for r in requirements
               if r["outcome"] == outcome and (kind is None or _kind(r) == kind)
               and (levels is None or r["level"] in levels))


def _kind(requirement: dict[str, Any]) -> str:
    """rfc, profile or idp; a report written before requirements named their kind has only
    RFC levels and IdP ids."""
    return requirement.get("kind") or ("rfc" if requirement["level"] in RFC_LEVELS else "idp")


def _cell(n: int) -> str:
    return f'<td class="n{" zero" if not n else ""}">{n}</td>'


def _by_area(requirements: list[dict[str, Any]]) -> list[str]:
    parts = []
    for area in dict.fromkeys(r["area"] for r in requirements):
        rows = "".join(_row(r) for r in requirements if r["area"] == area)
        parts.append(f'<h3 id="area-{escape(area)}">{escape(area)}</h3>' + _table(rows))
    return parts


def _table(rows: str) -> str:
    return ('<div class="wide"><table class="reqs"><colgroup><col class="outcome">'
            '<col class="req"><col class="level"><col class="section"><col></colgroup><thead>'
            "<tr><th>outcome</th><th>requirement</th><th>level</th><th>section</th><th>tests"
            f"</th></tr></thead><tbody>{rows}</tbody></table></div>")


def _row(req: dict[str, Any]) -> str:
    section = escape(req["section"])
    if req.get("source"):
        section = f'<a href="{escape(req["source"])}">{section}</a>'
    tests = req["tests"]
    folded = (f"<details{' open' if req['outcome'] in ATTENTION else ''}><summary>"
              f"{len(tests)} test{'s' if len(tests) != 1 else ''}</summary>"
              f"{_test_list(tests)}</details>") if tests else "—"
    return (f"<tr><td>{_badge(req['outcome'])}</td><td><code>{escape(req['id'])}</code><br>"
            f"{escape(req['summary'])}</td><td>{escape(req['level'])}</td><td>{section}</td>"
            f"<td>{folded}</td></tr>")


def _test_list(tests: list[dict[str, Any]]) -> str:
    items = []
    for test in tests:
        why = f'<div class="why">{escape(test["reason"])}</div>' if test.get("reason") else ""
        if test.get("curl"):
            why += (f'<div class="replay">{escape(test.get("exchange") or "")}'
                    f'<pre>reproduce: {escape(test["curl"])}</pre></div>')
        items.append(f"<li>{_badge(test['outcome'])} <code>{escape(test['nodeid'])}</code>"
                     f"{why}</li>")
    return f'<ul class="tests">{"".join(items)}</ul>'


def _matrix(doc: dict[str, Any]) -> str:
    """The compatibility matrix: a row per scenario, a column per dialect, each cell the
    outcome (a failure with the requirement it is filed under)."""
    matrix = doc.get("matrix") or {}
    dialects, scenarios = matrix.get("dialects") or [], matrix.get("scenarios") or {}
    if not scenarios:
        return ""
    head = "".join(f"<th>{escape(d)}</th>" for d in dialects)
    rows = []
    for name, cells in scenarios.items():
        tds = []
        for dialect in dialects:
            cell = cells.get(dialect)
            if cell is None:
                tds.append("<td>—</td>")
                continue
            why = (f'<div class="why">{escape(cell["requirement"])}</div>'
                   if cell["outcome"] != "met" and cell.get("requirement") else "")
            tds.append(f"<td>{_badge(cell['outcome'])}{why}</td>")
        rows.append(f"<tr><th>{escape(name)}</th>{''.join(tds)}</tr>")
    return ('<h2 id="matrix">IdP compatibility by scenario</h2><div class="wide"><table '
            'class="matrix"><thead><tr>'
            f"<th>scenario</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def _badge(outcome: str) -> str:
    return f'<span class="badge {outcome.replace(" ", "-")}">{escape(outcome)}</span>'
