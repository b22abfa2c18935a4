"""Options and the target: every setting as `--scim-*` (option > environment > ini, each with its
source in the report header), the target resolved once per process, and a URL target probed
before anything runs."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from scimcert.harness import catalogue as catalogue_module
from scimcert.harness.connect import connect, in_process_token, load_factory
from scimcert.harness.discovery import UNUSABLE, Unusable, probe
from scimcert.harness.plugin.state import STATE, State, is_worker, state
from scimcert.harness.target import BOOLEAN, SETTINGS, SettingError, resolve
from scimcert.wire import Discard


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("scim", "SCIM conformance (scimcert)")
    for setting in SETTINGS:
        dest = f"scim_{setting.name}"
        text = f"{setting.help} [env {setting.env}, ini {setting.ini}]"
        if setting.name in BOOLEAN:
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


def pytest_configure(config: pytest.Config) -> None:
    options = {s.name: getattr(config.option, f"scim_{s.name}") for s in SETTINGS}
    ini = {s.name: config.getini(s.ini) for s in SETTINGS}
    shared = getattr(config, "workerinput", {})
    if "scim_seed" in shared and options["seed"] is None:
        options["seed"] = shared["scim_seed"]
    try:
        target = resolve(options, os.environ, ini, run_id=_run_id(shared))
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


def _run_id(shared: dict[str, Any]) -> str | None:
    """On an xdist worker, the controller's run id with the worker's own suffix: each worker
    names, finds and cleans up only what it made, so workers never collide on a live target."""
    run_id = shared.get("scim_run_id")
    if run_id is None:
        return None
    return f"{run_id}{shared.get('workerid', 'w')}-"


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Give every xdist worker the controller's seed and run id."""
    target = state(node.config).target
    node.workerinput["scim_seed"] = target.seed
    node.workerinput["scim_run_id"] = target.run_id


def pytest_report_header(config: pytest.Config) -> list[str]:
    return state(config).target.header_lines()


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session: pytest.Session) -> None:
    """Probe a URL target before anything runs: an unusable one stops the session in one line.

    Here rather than in pytest_sessionstart, where pytest would print the exit message twice.
    """
    config = session.config
    st = state(config)
    if st.target.in_process or is_worker(config) or config.option.collectonly:
        return
    with connect(st.target, Discard()) as client:
        try:
            st.discovery = probe(client)
        except Unusable as exc:
            pytest.exit(str(exc), returncode=UNUSABLE)
