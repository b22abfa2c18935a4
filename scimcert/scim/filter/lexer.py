"""Tokens of the filter grammar (RFC 7644 §3.4.2.2, Figure 1), each with its character position.

Words (attribute paths and keywords alike) are one token kind: whether `eq` or `not` is a keyword
depends on where it stands, which only the parser knows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from scimcert.scim.filter.ast import Value

MAX_LENGTH = 8192

WORD, STRING, NUMBER, SUB, END = "word", "string", "number", "sub", "end"
PUNCTUATION = "()[]"
SPACE = " \t\r\n"

_WORD = re.compile(r"[A-Za-z$][A-Za-z0-9_\-.:$]*", re.ASCII)
_SUB = re.compile(r"\.(\$?[A-Za-z][A-Za-z0-9_\-]*)", re.ASCII)
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?P<frac>\.[0-9]+)?(?P<exp>[eE][+-]?[0-9]+)?", re.ASCII)
_ESCAPES = '"\\/bfnrt'
_HEX = set("0123456789abcdefABCDEF")


class FilterSyntaxError(Exception):
    """What the text lacks (`expected …`) and the character position where it goes wrong."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def detail(self, text: str) -> str:
        return f"{self.message} at position {self.position} in {quote(text, self.position)}"


def quote(text: str, position: int, width: int = 120) -> str:
    """`text` in single quotes, cut to a window around `position` when it is long."""
    if len(text) <= width:
        return f"'{text}'"
    start = max(0, min(position - width // 2, len(text) - width))
    head = "…" if start else ""
    tail = "…" if start + width < len(text) else ""
    return f"'{head}{text[start:start + width]}{tail}'"


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    position: int
    value: Value = None

    def is_word(self, *words: str) -> bool:
        return self.kind == WORD and self.text.lower() in words

    def describe(self) -> str:
        return "end of input" if self.kind == END else f"'{self.text}'"


def tokenize(text: str) -> list[Token]:
    """Split `text` into tokens ending with an END token; raise FilterSyntaxError on bad input."""
    if len(text) > MAX_LENGTH:
        raise FilterSyntaxError(f"expected at most {MAX_LENGTH} characters", MAX_LENGTH)
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in SPACE:
            i += 1
            continue
        token = _token_at(text, i)
        tokens.append(token)
        i += len(token.text)
    tokens.append(Token(END, "", len(text)))
    return tokens


def _token_at(text: str, i: int) -> Token:
    ch = text[i]
    if ch in PUNCTUATION:
        return Token(ch, ch, i)
    if ch == '"':
        return _string(text, i)
    if ch == "-" or (ch.isascii() and ch.isdigit()):
        return _number(text, i)
    if ch == ".":
        match = _SUB.match(text, i)
        if match is None:
            raise FilterSyntaxError("expected a sub-attribute name after '.'", i + 1)
        return Token(SUB, match.group(0), i, match.group(1))
    match = _WORD.match(text, i)
    if match is None:
        raise FilterSyntaxError(f"unexpected character {ch!r}", i)
    return Token(WORD, match.group(0), i)


def _string(text: str, start: int) -> Token:
    """A JSON string (RFC 8259 §7) starting at the quote at `start`."""
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == '"':
            raw = text[start:i + 1]
            return Token(STRING, raw, start, json.loads(raw))
        if ch == "\\":
            _escape(text, i)
            i += 6 if text[i + 1] == "u" else 2
            continue
        if ord(ch) < 0x20:
            raise FilterSyntaxError("expected no control character inside a string", i)
        i += 1
    raise FilterSyntaxError("expected '\"' to close the string", len(text))


def _escape(text: str, i: int) -> None:
    nxt = text[i + 1:i + 2]
    if nxt == "u":
        digits = text[i + 2:i + 6]
        if len(digits) == 4 and set(digits) <= _HEX:
            return
        raise FilterSyntaxError("expected four hex digits after '\\u'", i + 2)
    if nxt == "" or nxt not in _ESCAPES:
        raise FilterSyntaxError("expected a JSON escape sequence after '\\'", i + 1)


def _number(text: str, start: int) -> Token:
    """A JSON number (RFC 8259 §6): int without fraction or exponent, float otherwise."""
    match = _NUMBER.match(text, start)
    if match is None:
        raise FilterSyntaxError("expected a digit after '-'", start + 1)
    raw = match.group(0)
    try:
        value: int | float = float(raw) if match["frac"] or match["exp"] else int(raw)
    except ValueError:
        # int() refuses more digits than sys.get_int_max_str_digits().
        raise FilterSyntaxError("expected a number of reasonable size", start) from None
    if value in (float("inf"), float("-inf")):
        raise FilterSyntaxError("expected a number within the range of a double", start)
    return Token(NUMBER, raw, start, value)
