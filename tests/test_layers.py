"""The import directions of ARCHITECTURE.md hold: every layer imports only downwards."""

import ast
from pathlib import Path

import pytest

import scimcert

PACKAGE = Path(scimcert.__file__).parent

# layer -> the scimcert layers it may import (besides itself and scimcert.paths)
ALLOWED = {
    "scim": set(),
    "bridge": {"scim"},
    "idp": {"scim"},
    "harness": {"scim", "bridge", "idp"},
}


def _imported_layers(file: Path) -> set[str]:
    tree = ast.parse(file.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    layers = set()
    for name in names:
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
