"""The defect registry: every broken bridge is declared where it is defined.

`@defect(...)` goes on a defective bridge and records the catalogue requirements the suites must
fail on it. On a subclass of one part of the reference bridge (`Parts`: pipeline, relations,
policy, discovery, bulk) it also gives the module a factory named after the defect id, which
serves the reference bridge with that part swapped; on a function, the function is that factory.
Either way `--scim-app tests/broken/bridges/<area>.py:<defect_id>` serves the bridge, and
`defects()` lists every defect of every area module for tests/broken/test_broken.py.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from starlette.applications import Starlette

from scimcert.bridge.app import Parts, create_app
from scimcert.bridge.bulk import Bulk
from scimcert.bridge.discovery import Discovery
from scimcert.bridge.pipeline import Pipeline
from scimcert.bridge.policy import Policy
from scimcert.bridge.relations import Relations
from scimcert.idp import dialect
from scimcert.scim.tolerance import Tolerances

# One module per area of the requirement catalogue (fixtures/requirements/<area>.json), but PATCH
# (users) and filters (query), which are large enough to stand alone.
AREAS = ("auth", "bulk", "content", "discovery", "errors", "etag", "filter", "groups", "patch",
         "query", "representation", "schema", "sort", "uniqueness", "users")
HERE = Path(__file__).resolve().parent
ROLES = {Pipeline: "pipeline", Relations: "relations", Policy: "policy", Discovery: "discovery",
         Bulk: "bulk"}
MARK = "_defect"

ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
REQUIREMENT = re.compile(r"[a-z0-9]+/[A-Za-z0-9][A-Za-z0-9._-]*/[a-z0-9]+(-[a-z0-9]+)*")
SUMMARY_LENGTH = 79
TEST_FUNCTION = re.compile(r"[a-z_]+(/[a-z_]+)*/test_[a-z0-9_]+\.py::test_[a-z0-9_]+")

T = TypeVar("T")


@dataclass(frozen=True)
class Defect:
    """One defective bridge and the requirements whose tests must fail on it.

    proves: the suite test functions (`users/test_create.py::test_create_answers_201`, relative
    to suites/) this bridge fails at a check of their own, not at a step they needed: the proof
    that each of them can fail. strict: run with --scim-strict, because a listed requirement is a
    SHOULD or MAY (a failure is otherwise only a deviation). caught false: a known gap of the
    suites, expected to fail (a strict xfail) until a suite is fixed. Either needs a note.
    dialects: for a bridge that breaks what some IdPs send, the dialects whose provisioning
    scenarios fail on it, and no other's (tests/broken/test_dialects.py).
    """

    id: str
    requirements: tuple[str, ...]
    summary: str
    strict: bool = False
    caught: bool = True
    note: str | None = None
    proves: tuple[str, ...] = ()
    dialects: tuple[str, ...] = ()
    module: str | None = None
    app: str | None = None

    def __post_init__(self) -> None:
        problems = list(self.problems())
        if problems:
            raise ValueError(f"defect {self.id!r}: {'; '.join(problems)}")

    def problems(self) -> list[str]:
        found = []
        if not ID.fullmatch(self.id):
            found.append("the id is not lower-case words joined by '-'")
        if not self.requirements or len(set(self.requirements)) != len(self.requirements):
            found.append("it needs one or more distinct requirements")
        found += [f"{r!r} is not a requirement id" for r in self.requirements
                  if not REQUIREMENT.fullmatch(r)]
        if not 0 < len(self.summary) <= SUMMARY_LENGTH or "should" in self.summary.lower():
            found.append(f"the summary states the defect in 1-{SUMMARY_LENGTH} characters, "
                         "present tense, without 'should'")
        if (self.strict or not self.caught) and not self.note:
            found.append("a strict or uncaught defect needs a note saying why")
        found += [f"{t!r} is not a suite test function (file.py::test_name)" for t in self.proves
                  if not TEST_FUNCTION.fullmatch(t)]
        found += [f"{d!r} is not a dialect" for d in self.dialects if d not in dialect.names()]
        return found

    @property
    def factory(self) -> str:
        """The name of the factory serving this bridge."""
        return self.id.replace("-", "_")

    def app_factory(self) -> Callable[..., Any]:
        """The factory itself, from the module that declares the defect."""
        if self.module is None:
            raise LookupError(f"defect {self.id!r} was not collected from a module")
        return getattr(sys.modules[self.module], self.factory)


def defect(id: str, *, requirements: Sequence[str], summary: str, strict: bool = False,
           caught: bool = True, note: str | None = None,
           proves: Sequence[str] = (), dialects: Sequence[str] = ()) -> Callable[[T], T]:
    """Declare the decorated part subclass or factory a defective bridge (see the module doc)."""
    entry = Defect(id, tuple(requirements), summary, strict, caught, note, tuple(proves),
                   tuple(dialects))

    def declare(bridge: T) -> T:
        setattr(bridge, MARK, entry)
        if isinstance(bridge, type):
            module = sys.modules[bridge.__module__]
            if hasattr(module, entry.factory):
                raise ValueError(f"{module.__name__} already has a {entry.factory}")
            setattr(module, entry.factory, serving(bridge))
        elif getattr(bridge, "__name__", None) != entry.factory:
            raise ValueError(f"the factory of defect {id!r} is called {entry.factory}")
        return bridge

    return declare


def serving(part: type) -> Callable[..., Starlette]:
    """A factory of the reference bridge with `part` in place of the part it subclasses."""
    role = next((role for base, role in ROLES.items() if issubclass(part, base)), None)
    if role is None:
        raise TypeError(f"{part.__name__} is not a part of the bridge: {sorted(ROLES.values())}")

    def factory(**options: Any) -> Starlette:
        return create_app(parts=Parts(**{role: part}), **options)

    factory.__doc__ = part.__doc__
    factory.__module__ = part.__module__
    return factory


def declared(module: ModuleType) -> list[Defect]:
    """The defects `module` defines, in order, each with its `--scim-app` spec."""
    found = []
    for value in vars(module).values():
        entry = getattr(value, "__dict__", {}).get(MARK)
        if entry is not None and getattr(value, "__module__", None) == module.__name__:
            found.append(replace(entry, module=module.__name__,
                                 app=f"{module.__file__}:{entry.factory}"))
    return found


def area_modules() -> list[ModuleType]:
    return [importlib.import_module(f"{__package__}.{area}") for area in AREAS]


def defects() -> list[Defect]:
    """Every defect of every area module."""
    return [entry for module in area_modules() for entry in declared(module)]


def without_tolerance(name: str, **options: Any) -> Starlette:
    """The reference bridge without the IdP tolerance `name` (scimcert/scim/tolerance.py): what
    a bridge that reads RFC 7643/7644 to the letter answers an IdP."""
    return create_app(**options, tolerances=Tolerances.all().without(name))
