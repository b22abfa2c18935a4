"""The import directions of ARCHITECTURE.md hold: every layer imports only downwards, and the
suites never reach into the bridge."""

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
