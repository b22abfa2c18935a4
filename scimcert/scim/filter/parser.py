"""Recursive-descent parser for filters (RFC 7644 §3.4.2.2) and PATCH paths (RFC 7644 §3.5.2).

Precedence is `not` > `and` > `or`; `and` and `or` associate to the left. Nesting is capped at
MAX_DEPTH levels (operators and parentheses), so hostile input fails with invalidFilter instead of
exhausting the stack of the parser, the evaluator or the printer.
"""

from __future__ import annotations

import re

from scimcert.scim.errors import INVALID_FILTER, INVALID_PATH, ScimError
from scimcert.scim.filter.ast import (
    COMPARE_OPS,
    And,
    Compare,
    Node,
    Not,
    Or,
    PatchPath,
    Present,
    Value,
    ValuePath,
)
from scimcert.scim.filter.lexer import (
    END,
    NUMBER,
    STRING,
    SUB,
    WORD,
    FilterSyntaxError,
    Token,
    tokenize,
)
from scimcert.scim.schema import AttrPath
from scimcert.scim.tolerance import STRICT, Tolerances

MAX_DEPTH = 100

_NAME = re.compile(r"\$?[A-Za-z][A-Za-z0-9_\-]*", re.ASCII)
# RFC 3986 §3.1: a URI starts with a scheme and a colon; SCIM schema URIs are URNs.
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[A-Za-z0-9._:\-]*", re.ASCII)
_LITERALS: dict[str, Value] = {"true": True, "false": False, "null": None}


def parse(text: str, tolerances: Tolerances = STRICT) -> Node:
    """Parse a filter; ScimError 400 invalidFilter says what was expected and where."""
    try:
        return _Parser(text, tolerances).filter()
    except FilterSyntaxError as exc:
        raise ScimError(400, exc.detail(text), INVALID_FILTER) from None


def parse_path(text: str) -> PatchPath:
    """Parse a PATCH path `attrPath / valuePath [subAttr]`; ScimError 400 invalidPath if bad."""
    try:
        return _Parser(text).patch_path()
    except FilterSyntaxError as exc:
        raise ScimError(400, exc.detail(text), INVALID_PATH) from None


def _attr_path(token: Token) -> AttrPath:
    """The AttrPath a word names: `[URI ":"] ATTRNAME ["." ATTRNAME]` (`$ref` allowed as a name)."""
    urn, colon, rest = token.text.rpartition(":")
    attr, dot, sub = rest.partition(".")
    valid = (
        (not colon or _URI.fullmatch(urn) is not None)
        and _NAME.fullmatch(attr) is not None
        and (not dot or _NAME.fullmatch(sub) is not None)
    )
    if not valid:
        raise FilterSyntaxError(f"expected an attribute path, not '{token.text}'", token.position)
    return AttrPath(attr, sub or None, urn or None)


class _Parser:
    def __init__(self, text: str, tolerances: Tolerances = STRICT) -> None:
        self.tokens = tokenize(text)
        self.index = 0
        self.in_brackets = False
        self.tolerances = tolerances

    # -- token helpers

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.peek()
        self.index += 1
        return token

    def expect(self, kind: str, what: str) -> Token:
        token = self.peek()
        if token.kind != kind:
            raise FilterSyntaxError(f"expected {what}", token.position)
        return self.take()

    # -- entry points

    def filter(self) -> Node:
        node, _ = self.or_expr(0)
        self.expect(END, "'and', 'or' or the end of the filter")
        return node

    def patch_path(self) -> PatchPath:
        token = self.expect(WORD, "an attribute path")
        path = _attr_path(token)
        if self.peek().kind != "[":
            self.expect(END, "'[' or the end of the path")
            return PatchPath(path)
        inner, _ = self.brackets(0)
        sub = self.take().value if self.peek().kind == SUB else None
        self.expect(END, "'.' and a sub-attribute, or the end of the path")
        return PatchPath(path, inner, sub)

    # -- grammar; each rule returns (node, depth of the node)

    def or_expr(self, depth: int) -> tuple[Node, int]:
        left, height = self.and_expr(depth)
        while self.peek().is_word("or"):
            position = self.take().position
            right, right_height = self.and_expr(depth)
            left, height = Or(left, right), self.deeper(max(height, right_height), position)
        return left, height

    def and_expr(self, depth: int) -> tuple[Node, int]:
        left, height = self.unary(depth)
        while self.peek().is_word("and"):
            position = self.take().position
            right, right_height = self.unary(depth)
            left, height = And(left, right), self.deeper(max(height, right_height), position)
        return left, height

    def unary(self, depth: int) -> tuple[Node, int]:
        token = self.peek()
        if token.kind == "(":
            return self.group(depth)
        if token.is_word("not") and not self.names_attribute(self.peek(1)):
            self.take()
            if self.peek().kind != "(":
                raise FilterSyntaxError("expected '(' after 'not'", self.peek().position)
            inner, height = self.group(depth)
            return Not(inner), self.deeper(height, token.position)
        return self.attr_expr(depth)

    def group(self, depth: int) -> tuple[Node, int]:
        opening = self.take()
        self.deeper(depth, opening.position)
        node, height = self.or_expr(depth + 1)
        self.expect(")", "'and', 'or' or ')'")
        return node, height

    def attr_expr(self, depth: int) -> tuple[Node, int]:
        token = self.peek()
        if token.kind != WORD:
            raise FilterSyntaxError("expected an attribute name, 'not' or '('", token.position)
        path = _attr_path(self.take())
        if self.peek().kind == "[":
            return self.value_path(path, depth)
        return self.comparison(path), 1

    def comparison(self, path: AttrPath) -> Node:
        token = self.peek()
        if token.is_word("pr"):
            self.take()
            return Present(path)
        if token.kind == WORD and token.text.lower() in COMPARE_OPS:
            self.take()
            return Compare(path, token.text.lower(), self.value())
        raise FilterSyntaxError("expected a comparison operator", token.position)

    def value_path(self, path: AttrPath, depth: int) -> tuple[Node, int]:
        position = self.peek().position
        if self.in_brackets:
            raise FilterSyntaxError("expected no '[' inside a value filter", position)
        inner, height = self.brackets(depth)
        if self.peek().kind == SUB and self.tolerances.value_path_sub_attribute:
            # `emails[type eq "work"].value eq "x"` asks for an element matching both conditions,
            # which is exactly `emails[type eq "work" and value eq "x"]`.
            sub = AttrPath(self.take().value)
            inner = And(inner, self.comparison(sub))
            height = self.deeper(height, position)
        return ValuePath(path, inner), self.deeper(height, position)

    def brackets(self, depth: int) -> tuple[Node, int]:
        opening = self.take()
        self.deeper(depth, opening.position)
        self.in_brackets = True
        node, height = self.or_expr(depth + 1)
        self.in_brackets = False
        self.expect("]", "'and', 'or' or ']'")
        return node, height

    def value(self) -> Value:
        token = self.peek()
        if token.kind in (STRING, NUMBER):
            return self.take().value
        if token.kind == WORD and token.text.lower() in _LITERALS:
            # JSON literals are lower-case (RFC 8259 §3); any case is accepted, as for keywords.
            return _LITERALS[self.take().text.lower()]
        raise FilterSyntaxError(
            "expected a value (string, number, true, false or null)", token.position
        )

    # -- helpers

    @staticmethod
    def names_attribute(after_not: Token) -> bool:
        """Whether `not` is an attribute name here: followed by an operator or '['."""
        return after_not.kind == "[" or after_not.is_word("pr", *COMPARE_OPS)

    @staticmethod
    def deeper(height: int, position: int) -> int:
        if height >= MAX_DEPTH:
            raise FilterSyntaxError(
                f"expected at most {MAX_DEPTH} levels of nested operators and parentheses", position
            )
        return height + 1

