"""Collection: every suite test names catalogue requirements, `--scim-requirement` selects by id
or id prefix (h2spec-style), and tests that write are skipped on a read-only target."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scimcert import paths
from scimcert.harness import profile as profiles
from scimcert.harness.catalogue import Requirement
from scimcert.harness.plugin.state import catalogue, requirement_ids, state
from scimcert.harness.results import MATRIX
from scimcert.harness.target import Target

MARKERS = (
    "requirement(*ids): catalogue requirement ids the test proves (fixtures/requirements/)",
    "writes: the test creates or changes resources; skipped on a read-only target",
    "dialect(name): the IdP dialect the test replays; --scim-dialect selects dialects",
    "scenario(id): the provisioning scenario (fixtures/scenarios/) the test replays",
    "feature(name): needs a ServiceProviderConfig feature "
    "(patch, bulk, filter, changePassword, sort, etag); not applicable when not advertised",
    "properties: a property-based or stateful test (suites/properties/); how hard it tries "
    "follows --scim-hypothesis-profile",
)
REQUIREMENTS = pytest.StashKey[tuple[Requirement, ...]]()
READ_ONLY = pytest.StashKey[bool]()
READ_ONLY_REASON = "read-only: pass --scim-allow-writes"


def pytest_configure(config: pytest.Config) -> None:
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)


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
    cat = catalogue(config)
    st = state(config)
    problems: list[str] = []
    mapping: dict[str, list[str]] = {r.id: [] for r in cat}
    for item in marked:
        ids = requirement_ids(item)
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
    _select_dialects(st.target.dialects, config, items)
    _select_profile(st.target, config, items)
    for item in items:
        dialect, scenario = item.get_closest_marker("dialect"), item.get_closest_marker("scenario")
        if dialect and scenario:
            item.user_properties.append((MATRIX, f"{scenario.args[0]}\t{dialect.args[0]}"))
    for item in items:
        if item.get_closest_marker("writes") and not st.target.allow_writes:
            item.stash[READ_ONLY] = True
            item.add_marker(pytest.mark.skip(reason=READ_ONLY_REASON))
    if config.option.scim_collect_map:
        Path(config.option.scim_collect_map).write_text(
            json.dumps({"requirements": mapping, "problems": problems}, indent=2),
            encoding="utf-8")
    if problems:
        raise pytest.UsageError(
            f"scimcert: {len(problems)} suite test(s) do not name catalogue requirements "
            f"({st.catalogue_folder}):\n  " + "\n  ".join(problems))


def _select_dialects(chosen: tuple[str, ...], config: pytest.Config,
                     items: list[pytest.Item]) -> None:
    """Keep only the dialect tests of the dialects `--scim-dialect` names (all when none)."""
    if not chosen:
        return
    kept, dropped = [], []
    for item in items:
        marker = item.get_closest_marker("dialect")
        (dropped if marker and marker.args[0] not in chosen else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def _select_profile(target: Target, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep only the tests the run's profile runs (smoke: what reads, and the canary)."""
    chosen = profiles.load(target.profile)
    kept = [item for item in items if chosen.keeps(item, target.allow_writes)]
    if len(kept) != len(items):
        chosen_ids = {id(item) for item in kept}
        config.hook.pytest_deselected(items=[i for i in items if id(i) not in chosen_ids])
        items[:] = kept


def _select_requirements(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep only the tests naming a requirement `--scim-requirement` selects."""
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
