"""Plain-Python SCIM pieces the foreign bridges share: a filter parser/evaluator, attribute
lookup, projection and a PATCH applier. Written from scratch for these bridges (it does not
import scimcert); each bridge module decides which parts it uses and how it deviates.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_URN = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE_URN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
ERROR_URN = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST_URN = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_URN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SEARCH_URN = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
CORE_URNS = (USER_URN, GROUP_URN)
OPERATORS = ("eq", "ne", "co", "sw", "ew", "gt", "lt", "ge", "le")


class ScimError(Exception):
    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type


def bad_filter(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidFilter")


# Filter: tokenizer, parser to tuples, evaluator ------------------------------------------------

TOKEN = re.compile(r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<punct>[()\[\]])|'
                   r'(?P<word>[A-Za-z0-9_$:.+\-]+))')


def tokenize(text: str) -> list[tuple[str, Any]]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise bad_filter(f"cannot read the filter at {text[pos:pos + 10]!r}")
        pos = m.end()
        if m["str"] is not None:
            try:
                out.append(("value", json.loads(m["str"])))
            except ValueError:
                raise bad_filter("bad string literal") from None
        elif m["punct"]:
            out.append(("punct", m["punct"]))
        else:
            out.append(("word", m["word"]))
    return out


class Parser:
    """filter := or; or := and ("or" and)*; and := unary ("and" unary)*;
    unary := "not" "(" filter ")" | "(" filter ")" | comparison
           | path "[" filter "]" [.sub op value]"""

    def __init__(self, text: str, operators: tuple[str, ...] = OPERATORS,
                 logical: tuple[str, ...] = ("and", "or", "not")) -> None:
        self.tokens, self.i = tokenize(text), 0
        self.operators, self.logical = operators, logical

    def parse(self) -> tuple:
        if not self.tokens:
            raise bad_filter("empty filter")
        node = self.or_()
        if self.i != len(self.tokens):
            raise bad_filter(f"unexpected {self.tokens[self.i][1]!r}")
        return node

    def peek(self, kind: str | None = None, value: str | None = None) -> bool:
        if self.i >= len(self.tokens):
            return False
        k, v = self.tokens[self.i]
        return (kind is None or k == kind) and (value is None or str(v).lower() == value)

    def take(self) -> tuple[str, Any]:
        if self.i >= len(self.tokens):
            raise bad_filter("the filter ends too early")
        self.i += 1
        return self.tokens[self.i - 1]

    def logical_op(self, name: str) -> bool:
        if self.peek("word", name):
            if name not in self.logical:
                raise bad_filter(f"logical operator {name!r} is not supported")
            self.i += 1
            return True
        return False

    def or_(self) -> tuple:
        node = self.and_()
        while self.logical_op("or"):
            node = ("or", node, self.and_())
        return node

    def and_(self) -> tuple:
        node = self.unary()
        while self.logical_op("and"):
            node = ("and", node, self.unary())
        return node

    def unary(self) -> tuple:
        if self.peek("word", "not") and self.i + 1 < len(self.tokens) \
                and self.tokens[self.i + 1] == ("punct", "("):
            self.logical_op("not")
            return ("not", self.group())
        if self.peek("punct", "("):
            return self.group()
        kind, path = self.take()
        if kind != "word":
            raise bad_filter(f"expected an attribute path, got {path!r}")
        if self.peek("punct", "["):
            self.i += 1
            inner = self.or_()
            if self.take() != ("punct", "]"):
                raise bad_filter("missing ]")
            node = ("path", path, inner)
            if self.peek("word") and str(self.tokens[self.i][1]).startswith("."):
                sub = self.take()[1][1:]
                return ("path", path, ("and", inner, self.comparison(sub)))
            return node
        return self.comparison(path)

    def group(self) -> tuple:
        self.take()
        node = self.or_()
        if self.take() != ("punct", ")"):
            raise bad_filter("missing )")
        return node

    def comparison(self, path: str) -> tuple:
        kind, op = self.take()
        op = str(op).lower()
        if kind != "word":
            raise bad_filter(f"expected an operator after {path}")
        if op == "pr":
            if "pr" not in self.operators:
                raise bad_filter("operator 'pr' is not supported")
            return ("pr", path)
        if op not in OPERATORS:
            raise bad_filter(f"unknown operator {op!r}")
        if op not in self.operators:
            raise bad_filter(f"operator {op!r} is not supported")
        kind, value = self.take()
        if kind == "word":
            literal = {"true": True, "false": False, "null": None}
            if value.lower() in literal:
                value = literal[value.lower()]
            else:
                try:
                    value = json.loads(value)
                except ValueError:
                    raise bad_filter(f"bad comparison value {value!r}") from None
        elif kind != "value":
            raise bad_filter("bad comparison value")
        if isinstance(value, bool) and op in ("gt", "lt", "ge", "le"):
            raise bad_filter(f"{op} is not defined for booleans")
        return ("cmp", path, op, value)


def split_path(path: str, urns: tuple[str, ...]) -> tuple[str | None, list[str]]:
    """("urn" or None, [attr, sub]) of an attribute path; names keep their case."""
    for urn in sorted(urns, key=len, reverse=True):
        if path.lower().startswith(urn.lower() + ":"):
            rest = path[len(urn) + 1:]
            return (None if urn in CORE_URNS else urn), rest.split(".")
    return None, path.split(".")


def get_ci(container: Any, name: str) -> Any:
    if not isinstance(container, dict):
        return None
    for key, value in container.items():
        if key.lower() == name.lower():
            return value
    return None


def values_at(resource: dict, path: str, urns: tuple[str, ...]) -> list[Any]:
    """Every value at `path` (multi-valued attributes flattened; complex → its `value`)."""
    urn, names = split_path(path, urns)
    nodes = [get_ci(resource, urn) if urn else resource]
    for name in names:
        found = []
        for node in nodes:
            for item in node if isinstance(node, list) else [node]:
                value = get_ci(item, name)
                if isinstance(value, list):
                    found.extend(value)
                elif value is not None:
                    found.append(value)
        nodes = found
    return nodes


def compare(op: str, have: Any, want: Any, exact: bool) -> bool:
    if isinstance(have, dict):
        have = have.get("value")
    if have is None:
        return False
    if isinstance(have, str) and isinstance(want, str) and not exact:
        have, want = have.lower(), want.lower()
    if op == "eq":
        return have == want
    if op == "ne":
        return have != want
    if not isinstance(have, type(want)) and not (isinstance(have, (int, float))
                                                  and isinstance(want, (int, float))):
        return False
    if op == "co":
        return isinstance(have, str) and want in have
    if op == "sw":
        return isinstance(have, str) and have.startswith(want)
    if op == "ew":
        return isinstance(have, str) and have.endswith(want)
    return {"gt": have > want, "lt": have < want, "ge": have >= want, "le": have <= want}[op]


class Evaluator:
    """Evaluates a parsed filter; `case_exact` is the set of lower-case paths compared exactly."""

    def __init__(self, urns: tuple[str, ...], case_exact: set[str]) -> None:
        self.urns, self.case_exact = urns, case_exact

    def exact(self, path: str) -> bool:
        _, names = split_path(path, self.urns)
        return ".".join(names).lower() in self.case_exact

    def __call__(self, node: tuple, resource: dict) -> bool:
        kind = node[0]
        if kind == "and":
            return self(node[1], resource) and self(node[2], resource)
        if kind == "or":
            return self(node[1], resource) or self(node[2], resource)
        if kind == "not":
            return not self(node[1], resource)
        if kind == "pr":
            return any(v not in ("", [], {}) for v in values_at(resource, node[1], self.urns))
        if kind == "path":
            items = values_at(resource, node[1], self.urns)
            return any(isinstance(i, dict) and self(node[2], i) for i in items)
        _, path, op, want = node
        found = values_at(resource, path, self.urns)
        if want is None:
            return (not found) if op == "eq" else bool(found)
        return any(compare(op, have, want, self.exact(path)) for have in found)


# Projection ----------------------------------------------------------------------------------


def project(resource: dict, attributes: str | None, excluded: str | None,
            always: tuple[str, ...] = ("id", "schemas")) -> dict:
    if attributes:
        wanted: dict[str, set[str] | None] = {}
        for path in (p.strip() for p in attributes.split(",") if p.strip()):
            _, names = split_path(path, (USER_URN, GROUP_URN, ENTERPRISE_URN))
            urn, _ = split_path(path, (USER_URN, GROUP_URN, ENTERPRISE_URN))
            top = (urn or names[0]).lower()
            sub = names[0] if urn else (names[1] if len(names) > 1 else None)
            if top not in wanted or wanted[top] is not None:
                wanted[top] = None if sub is None else {*(wanted.get(top) or set()), sub.lower()}
        out = {}
        for key, value in resource.items():
            if key in always:
                out[key] = value
            elif key.lower() in wanted:
                subs = wanted[key.lower()]
                if subs is None:
                    out[key] = value
                elif isinstance(value, dict):
                    out[key] = {k: v for k, v in value.items() if k.lower() in subs}
                elif isinstance(value, list):
                    out[key] = [{k: v for k, v in i.items() if k.lower() in subs} for i in value]
        return out
    if excluded:
        gone = {p.strip().lower() for p in excluded.split(",")}
        return {k: v for k, v in resource.items() if k in always or k.lower() not in gone}
    return resource


# PATCH ---------------------------------------------------------------------------------------


class Patcher:
    """Applies RFC 7644 §3.5.2 operations to a plain dict. `canonical(name, urn)` returns the
    declared spelling of a top-level attribute (None: unknown), `multi(name)` whether it is
    multi-valued, `read_only` the lower-case names a PATCH may not touch."""

    def __init__(self, canonical, multi, read_only: set[str], urns: tuple[str, ...],
                 evaluator: Evaluator, sub_read_only=lambda top, sub, urn: False) -> None:
        self.canonical, self.multi, self.read_only = canonical, multi, read_only
        self.sub_read_only = sub_read_only
        self.urns, self.evaluate = urns, evaluator

    def apply(self, resource: dict, operations: Any) -> dict:
        if not isinstance(operations, list) or not operations:
            raise ScimError(400, "Operations must be a non-empty list", "invalidSyntax")
        result = copy.deepcopy(resource)
        for op in operations:
            if not isinstance(op, dict):
                raise ScimError(400, "each operation is an object", "invalidSyntax")
            name = str(op.get("op", "")).lower()
            if name not in ("add", "replace", "remove"):
                raise ScimError(400, f"unknown op {op.get('op')!r}", "invalidSyntax")
            path, value = op.get("path"), op.get("value")
            if path is None:
                if name == "remove":
                    raise ScimError(400, "remove needs a path", "noTarget")
                if not isinstance(value, dict):
                    raise ScimError(400, "a pathless operation takes an object", "invalidValue")
                for key, item in value.items():
                    if key.lower() in ("id", "schemas", "meta") and (key.lower() != "id" or
                                                                     item == resource.get("id")):
                        continue
                    if ":" in key and key in self.urns and isinstance(item, dict):
                        for sub, sub_value in item.items():
                            self.one(result, name, f"{key}:{sub}", sub_value)
                    else:
                        self.one(result, name, key, item)
            else:
                self.one(result, name, str(path), value)
        return result

    def one(self, res: dict, op: str, path: str, value: Any) -> None:
        m = re.fullmatch(r"(.+?)\[(.*)\](?:\.(\w+))?", path)
        filt = sub = None
        if m:
            path, filt, sub = m[1], Parser(m[2]).parse(), m[3]
        urn, names = split_path(path, self.urns)
        top = self.canonical(names[0], urn)
        if top is None:
            raise ScimError(400, f"no attribute {path!r}", "invalidPath")
        if top.lower() in self.read_only:
            raise ScimError(400, f"{top} is readOnly", "mutability")
        if urn:
            container = res.setdefault(urn, {})
            if urn not in res.setdefault("schemas", []):
                res["schemas"].append(urn)
        else:
            container = res
        if len(names) > 1 and not filt:
            sub = names[1]
        if sub and self.sub_read_only(top, sub, urn):
            raise ScimError(400, f"{top}.{sub} is readOnly", "mutability")
        if filt is not None:
            items = container.get(top) or []
            hits = [i for i in items if isinstance(i, dict) and self.evaluate(filt, i)]
            if op == "remove":
                if sub:
                    for i in hits:
                        i.pop(sub, None)
                else:
                    container[top] = [i for i in items if i not in hits]
            elif not hits:
                raise ScimError(400, f"no value matches {path}", "noTarget")
            else:
                for i in hits:
                    if sub:
                        i[sub] = value
                    elif isinstance(value, dict):
                        i.update(value)
            if container.get(top) == []:
                container.pop(top)
            return
        if sub:
            node = container.setdefault(top, {})
            if not isinstance(node, dict):
                raise ScimError(400, f"{top} has no sub-attribute {sub}", "invalidPath")
            if op == "remove":
                node.pop(sub, None)
            else:
                node[sub] = value
            return
        if op == "remove":
            if self.multi(top) and isinstance(value, list):
                gone = {v.get("value") for v in value if isinstance(v, dict)}
                container[top] = [i for i in container.get(top, []) if i.get("value") not in gone]
                if not container[top]:
                    container.pop(top)
            else:
                container.pop(top, None)
        elif self.multi(top):
            new = value if isinstance(value, list) else [value]
            if op == "replace":
                container[top] = new
            else:
                have = container.setdefault(top, [])
                have.extend(i for i in new if i not in have)
        elif op == "add" and isinstance(value, dict) and isinstance(container.get(top), dict):
            container[top].update(value)
        elif value is None:
            container.pop(top, None)
        else:
            container[top] = value
