"""Expression text → syntax tree (scimcert/idp/mapping/nodes.py).

    expression := operand [operator operand]
    operand    := Name "(" [argument {"," argument}] ")" | Name | [attribute] | "string" | number
    argument   := expression | (nothing)

An empty argument is kept as a `Missing` node: Entra gives it a meaning (Switch's omitted
default, Replace's unused parameters). Function names are not checked here; see functions.py.
"""

from __future__ import annotations

from scimcert.idp.mapping import lexer
from scimcert.idp.mapping.errors import MappingError
from scimcert.idp.mapping.lexer import Token
from scimcert.idp.mapping.nodes import Attribute, Call, Compare, Constant, Missing, Name, Node


def syntax(text: str) -> Node:
    """The syntax tree of `text`; a MappingError pointing at the first token that does not fit."""
    return _Parser(text).whole()


def _describe(token: Token) -> str:
    if token.kind == lexer.END:
        return "the end of the expression"
    if token.kind == lexer.STRING:
        return f'string "{token.value}"'
    if token.kind == lexer.ATTRIBUTE:
        return f"attribute [{token.value}]"
    return repr(str(token.value))


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = lexer.tokens(text)
        self.at = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.at]

    def take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def error(self, message: str, token: Token | None = None) -> MappingError:
        token = token or self.token
        return MappingError(message, token.start, self.text)

    def whole(self) -> Node:
        if self.token.kind == lexer.END:
            raise self.error("empty expression")
        node = self.expression()
        if self.token.kind != lexer.END:
            raise self.error(f"unexpected {_describe(self.token)} after a complete expression")
        return node

    def expression(self) -> Node:
        left = self.operand()
        if self.token.kind != lexer.OPERATOR:
            return left
        op = self.take()
        right = self.operand()
        if self.token.kind == lexer.OPERATOR:
            raise self.error("one comparison at a time: nest IIF calls to combine conditions")
        return Compare(left.start, right.end, str(op.value), left, right)

    def operand(self) -> Node:
        token = self.token
        if token.kind == lexer.ATTRIBUTE:
            self.take()
            return Attribute(token.start, token.end, str(token.value))
        if token.kind in (lexer.STRING, lexer.NUMBER):
            self.take()
            return Constant(token.start, token.end, token.value)
        if token.kind == lexer.NAME:
            self.take()
            if self.token.kind == lexer.LPAREN:
                return self.call(token)
            return Name(token.start, token.end, str(token.value))
        raise self.error(f"expected a function call, [attribute], \"string\" or number, "
                         f"found {_describe(token)}")

    def call(self, name: Token) -> Call:
        self.take()  # (
        args: list[Node] = []
        if self.token.kind == lexer.RPAREN:
            close = self.take()
            return Call(name.start, close.end, str(name.value), ())
        while True:
            if self.token.kind in (lexer.COMMA, lexer.RPAREN):
                args.append(Missing(self.token.start, self.token.start))
            else:
                args.append(self.expression())
            if self.token.kind == lexer.COMMA:
                self.take()
                continue
            if self.token.kind == lexer.RPAREN:
                close = self.take()
                return Call(name.start, close.end, str(name.value), tuple(args))
            if self.token.kind == lexer.END:
                raise self.error(f"'(' of {name.value} not closed by ')'", self.tokens[
                    self._open_paren_index(name)])
            raise self.error(f"expected ',' or ')' in the arguments of {name.value}, "
                             f"found {_describe(self.token)}")

    def _open_paren_index(self, name: Token) -> int:
        return self.tokens.index(name) + 1
