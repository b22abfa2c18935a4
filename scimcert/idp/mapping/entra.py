"""Entra's provisioning schema JSON — what the schema editor's "Download" writes and
`GET …/synchronization/jobs/{id}/schema` returns — read as mapping rows, and written back.

Shape (https://learn.microsoft.com/entra/identity/app-provisioning/export-import-provisioning-configuration,
and the Graph resources synchronizationSchema, objectMapping, attributeMapping and
attributeMappingSource): `synchronizationRules[].objectMappings[]` per source object, each with
`attributeMappings[]` of `targetAttributeName`, `source` {type Attribute | Constant | Function,
name, expression, parameters}, `flowType`, `matchingPriority` and `defaultValue`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import Any

from scimcert.idp.mapping.errors import MappingError
from scimcert.idp.mapping.expression import parse
from scimcert.idp.mapping.functions import TABLE
from scimcert.idp.mapping.nodes import Attribute, Call, Constant, Missing, Node
from scimcert.idp.mapping.row import OBJECTS, Row

GRAPH = "https://learn.microsoft.com/graph/api/resources/synchronization-attributemapping"
# attributeMapping.flowType (GRAPH): "Always" and "ObjectAddOnly" (only when a new object is
# created) are the portal's "Apply this mapping: Always / Only during object creation". The
# multi-value variants have no place in our model and are refused by name.
FLOW_TYPES = {"Always": "always", "ObjectAddOnly": "create"}
SOURCE_DIRECTORY = "Azure Active Directory"
TARGET_DIRECTORY = "customappsso"
TARGET_OBJECTS = {"User": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
                  "Group": "urn:ietf:params:scim:schemas:core:2.0:Group"}
# Target attributes whose definition is not a single string (for the directories section).
TARGET_TYPES = {"active": ("Boolean", False), "members": ("Reference", True),
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager":
                    ("Reference", False)}


def is_export(document: Any) -> bool:
    return isinstance(document, dict) and isinstance(document.get("synchronizationRules"), list)


def read(document: dict[str, Any]) -> tuple[Row, ...]:
    """The rows of every enabled User and Group object mapping. A disabled object mapping
    provisions nothing, so it has no rows."""
    rows: list[Row] = []
    seen: set[str] = set()
    for rule in document["synchronizationRules"]:
        for mapping in _list(rule, "objectMappings", "synchronization rule"):
            where = f"object mapping {mapping.get('name') or '?'!r}"
            object = mapping.get("sourceObjectName")
            if object not in OBJECTS:
                raise MappingError(f"{where}: source object {object!r} is not one of "
                                   f"{', '.join(OBJECTS)}")
            if mapping.get("enabled") is False:
                continue
            if object in seen:
                raise MappingError(f"{where}: a second enabled mapping of {object} objects")
            seen.add(object)
            rows.extend(_row(item, object) for item in _list(mapping, "attributeMappings", where))
    return tuple(rows)


def _list(document: Any, key: str, where: str) -> list[Any]:
    value = document.get(key) if isinstance(document, dict) else None
    if not isinstance(value, list):
        raise MappingError(f"{where}: {key} is not a list")
    return value


def _row(item: Any, object: str) -> Row:
    target = item.get("targetAttributeName") if isinstance(item, dict) else None
    if not isinstance(target, str) or not target:
        raise MappingError(f"{object} attribute mapping without a targetAttributeName")
    label = f"{object} {target}"
    flow = item.get("flowType", "Always")
    if flow not in FLOW_TYPES:
        raise MappingError(f"flowType {flow!r} is not supported (only "
                           f"{' and '.join(FLOW_TYPES)}; {GRAPH})", row=label)
    source = item.get("source")
    if not isinstance(source, dict):
        raise MappingError("no source: a mapping of type None (leave the target alone) is "
                           "not supported", row=label)
    kind, text = _source(source, label)
    priority = item.get("matchingPriority") or 0
    default = item.get("defaultValue") or None
    return Row(target, kind, text, FLOW_TYPES[flow], priority if priority > 0 else None,
               object, default)


def _source(source: dict[str, Any], label: str) -> tuple[str, str]:
    kind = source.get("type", "Attribute")
    if kind == "Attribute":
        return "attribute", str(source.get("name") or "")
    if kind == "Constant":
        return "constant", str(source.get("name") or "")
    if kind == "Function":
        return "expression", source.get("expression") or _rebuilt(source, label)
    raise MappingError(f"source type {kind!r} is not Attribute, Constant or Function", row=label)


def _rebuilt(source: dict[str, Any], label: str) -> str:
    """An expression's text from its parameter tree, for a source written without one. The
    tree leaves omitted arguments out; their keys put the others back in place (Switch's
    `source, key, value…` is Switch(source, , key, value…))."""
    kind = source.get("type", "Attribute")
    if kind == "Attribute":
        return f"[{source.get('name')}]"
    if kind == "Constant":
        return quote(str(source.get("name") or ""))
    if kind != "Function" or not source.get("name"):
        raise MappingError(f"source type {kind!r} is not Attribute, Constant or Function",
                           row=label)
    parameters = [(p.get("key"), _rebuilt(p.get("value") or {}, label))
                  for p in source.get("parameters") or []]
    function = TABLE.get(source["name"])
    args: list[str] = []
    for key, text in parameters:
        if function is not None and key in function.params:
            while function.param(len(args)) != key:
                args.append("")
        args.append(text)
    return f"{source['name']}({', '.join(args)})"


def quote(text: str) -> str:
    """`text` as an expression string constant (\\ escapes " and \\)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def export(name: str, rows: Sequence[Row]) -> dict[str, Any]:
    """`rows` as a provisioning schema Entra restores with `PUT …/jobs/{id}/schema`."""
    objects = [o for o in OBJECTS if any(r.object == o for r in rows)]
    rule_id = hashlib.sha256(name.encode()).hexdigest()[:32]
    return {
        "id": f"scim.{rule_id}",
        "directories": [_directory(SOURCE_DIRECTORY, rows, objects, source=True),
                        _directory(TARGET_DIRECTORY, rows, objects, source=False)],
        "synchronizationRules": [{
            "id": f"{rule_id}",
            "name": "USERGROUP_OUTBOUND_USERGROUP",
            "priority": 1,
            "editable": True,
            "sourceDirectoryName": SOURCE_DIRECTORY,
            "targetDirectoryName": TARGET_DIRECTORY,
            "metadata": [{"key": "supportsProvisionOnDemand", "value": "true"}],
            "objectMappings": [_object_mapping(o, [r for r in rows if r.object == o])
                               for o in objects],
        }],
    }


def _object_mapping(object: str, rows: list[Row]) -> dict[str, Any]:
    joining = next((r.target for r in sorted(rows, key=lambda r: r.matching or 0)
                    if r.matching is not None), None)
    metadata = [{"key": "OriginalJoiningProperty", "value": joining}] if joining else []
    return {
        "name": f"Provision {SOURCE_DIRECTORY} {object}s",
        "enabled": True,
        "flowTypes": "Add,Update,Delete",
        "sourceObjectName": object,
        "targetObjectName": TARGET_OBJECTS[object],
        "scope": None,
        "metadata": metadata,
        "attributeMappings": [_attribute_mapping(r) for r in rows],
    }


def _attribute_mapping(row: Row) -> dict[str, Any]:
    return {
        "targetAttributeName": row.target,
        "matchingPriority": row.matching or 0,
        "flowType": next(k for k, v in FLOW_TYPES.items() if v == row.apply),
        "flowBehavior": "FlowWhenChanged",
        "defaultValue": row.default,
        "exportMissingReferences": False,
        "source": source_json(row),
    }


def source_json(row: Row) -> dict[str, Any]:
    """The attributeMappingSource of `row`: an expression's parameters named as the function
    reference names them, each with the text it was written as."""
    if row.kind == "attribute":
        return {"type": "Attribute", "name": row.source, "expression": f"[{row.source}]",
                "parameters": []}
    if row.kind == "constant":
        return {"type": "Constant", "name": row.source, "expression": quote(row.source),
                "parameters": []}
    expression = parse(row.source)
    tree = _tree(expression.root, expression.text)
    tree["expression"] = row.source
    return tree


def _tree(node: Node, text: str) -> dict[str, Any]:
    written = text[node.start:node.end]
    if isinstance(node, Attribute):
        return {"type": "Attribute", "name": node.name, "expression": written, "parameters": []}
    if isinstance(node, Call):
        function = TABLE[node.name]
        return {"type": "Function", "name": node.name, "expression": written,
                "parameters": [{"key": function.param(i), "value": _tree(arg, text)}
                               for i, arg in enumerate(node.args) if not isinstance(arg, Missing)]}
    value = node.value if isinstance(node, Constant) else written
    return {"type": "Constant", "name": str(value), "expression": written, "parameters": []}


def _directory(name: str, rows: Sequence[Row], objects: list[str], *, source: bool
               ) -> dict[str, Any]:
    return {"name": name, "objects": [
        {"name": o if source else TARGET_OBJECTS[o],
         "attributes": [_definition(a, source) for a in _attribute_names(rows, o, source)]}
        for o in objects]}


def _attribute_names(rows: Sequence[Row], object: str, source: bool) -> Iterator[str]:
    names: dict[str, None] = {}
    for row in rows:
        if row.object != object:
            continue
        if not source:
            names[row.target] = None
        elif row.kind == "attribute":
            names[row.source] = None
        elif row.kind == "expression":
            names.update(dict.fromkeys(parse(row.source).attributes))
    return iter(names)


def _definition(name: str, source: bool) -> dict[str, Any]:
    kind, multi = ("String", False) if source else TARGET_TYPES.get(name, ("String", False))
    return {"name": name, "type": kind, "multivalued": multi, "anchor": False,
            "caseExact": False, "defaultValue": None, "flowNullValues": False,
            "mutability": "ReadWrite", "required": name == "userName" and not source,
            "apiExpressions": [], "metadata": [], "referencedObjects": []}
