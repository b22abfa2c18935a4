"""The import directions of ARCHITECTURE.md hold: every layer imports only downwards, the suites
never reach into the bridge, and no module imports itself through others."""

import ast
from pathlib import Path

import pytest

import scimcert
from scimcert import paths

PACKAGE = Path(scimcert.__file__).parent

# layer -> the scimcert layers it may import (besides itself and scimcert.paths)
ALLOWED = {
    "scim": set(),
    "wire": {"scim"},
    "bridge": {"scim"},
    "idp": {"scim", "wire"},
    "harness": {"scim", "wire", "bridge", "idp"},
}
# The suites test any bridge: they use the harness, the IdP layer and the pure core, never the
# reference bridge or the wire directly.
SUITES = {"harness", "idp", "scim"}


def _imports(file: Path) -> set[str]:
    """Every absolute module name `file` imports (at any depth, TYPE_CHECKING included)."""
    tree = ast.parse(file.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _imported_layers(file: Path) -> set[str]:
    layers = set()
    for name in _imports(file):
        parts = name.split(".")
        if parts[0] == "scimcert" and len(parts) > 1 and parts[1] != "paths":
            layers.add(parts[1])
    return layers


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_downwards(layer):
    offenders = {}
    for file in sorted((PACKAGE / layer).rglob("*.py")):
        wrong = _imported_layers(file) - ALLOWED[layer] - {layer}
        if wrong:
            offenders[str(file.relative_to(PACKAGE))] = sorted(wrong)
    assert offenders == {}, f"{layer}/ imports layers above it: {offenders}"


def test_suites_import_only_harness_idp_and_core():
    offenders = {}
    for file in sorted(paths.suites().rglob("*.py")):
        wrong = _imported_layers(file) - SUITES
        if wrong:
            offenders[str(file.relative_to(paths.suites()))] = sorted(wrong)
    assert offenders == {}, f"suites/ import layers they may not: {offenders}"


def _module_name(file: Path) -> str:
    parts = file.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _dependencies(file: Path, modules: set[str]) -> set[str]:
    """The scimcert modules `file` imports, wherever the statement is (a function body, an
    `if TYPE_CHECKING:` block): each is a dependency a reader has to follow."""
    name = _module_name(file)
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            base = node.module or ""
            if node.level:
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in modules else base)
    return (found & modules) - {name}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circles():
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(f) for f in files}
    graph = {_module_name(f): _dependencies(f, modules) for f in files}
    assert _circles(graph) == []


def test_circles_are_found_between_two_modules():
    assert _circles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"]]
