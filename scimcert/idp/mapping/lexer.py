"""Tokens of Entra's attribute-mapping expressions.

The syntax (https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data#syntax-overview):
function calls `Name(arg, …)`, attributes in square brackets `[givenName]`, string constants in
double quotes with `\\` escaping `"` and `\\`. The documented examples also write numbers bare
(`Mid([givenName], 1, 3)`, `Join("", 1000, …)`), hexadecimal numbers VBA-style
(`BitAnd(&HF, &HF7)`), enum names bare (`InStr("repEated", "e", 3, vbBinaryCompare)`) and
IIF conditions with the comparison operators `= <> > >= < <=`.
"""

from __future__ import annotations

from dataclasses import dataclass

from scimcert.idp.mapping.errors import MappingError

# Known issues: "Attribute-mapping expressions can have a maximum of 10,000 characters."
# https://learn.microsoft.com/entra/identity/app-provisioning/known-issues#maximum-characters-for-attribute-mapping-expressions
MAX_LENGTH = 10_000

NAME, ATTRIBUTE, STRING, NUMBER, OPERATOR, LPAREN, RPAREN, COMMA, END = (
    "name", "attribute", "string", "number", "operator", "(", ")", ",", "end")
OPERATORS = ("<>", ">=", "<=", "=", ">", "<")
PUNCTUATION = {"(": LPAREN, ")": RPAREN, ",": COMMA}


@dataclass(frozen=True)
class Token:
    kind: str
    value: str | int
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    """Every token of `text`, ending with an END token; a MappingError at the first character
    that starts no token."""
    if len(text) > MAX_LENGTH:
        raise MappingError(f"expression is {len(text)} characters long; Entra allows at most "
                           f"{MAX_LENGTH}", MAX_LENGTH, text)
    found: list[Token] = []
    at = 0
    while at < len(text):
        char = text[at]
        if char.isspace():
            at += 1
        elif char in PUNCTUATION:
            found.append(Token(PUNCTUATION[char], char, at, at + 1))
            at += 1
        elif char == "[":
            found.append(_attribute(text, at))
            at = found[-1].end
        elif char == '"':
            found.append(_string(text, at))
            at = found[-1].end
        elif char.isdigit() or (char == "-" and text[at + 1:at + 2].isdigit()):
            found.append(_number(text, at))
            at = found[-1].end
        elif char == "&" and text[at + 1:at + 2] in ("H", "h"):
            found.append(_hex(text, at))
            at = found[-1].end
        elif char.isalpha() or char == "_":
            end = at
            while end < len(text) and (text[end].isalnum() or text[end] == "_"):
                end += 1
            found.append(Token(NAME, text[at:end], at, end))
            at = end
        elif op := next((o for o in OPERATORS if text.startswith(o, at)), None):
            found.append(Token(OPERATOR, op, at, at + len(op)))
            at += len(op)
        else:
            raise MappingError(f"unexpected character {char!r}", at, text)
    found.append(Token(END, "", len(text), len(text)))
    return found


def _attribute(text: str, start: int) -> Token:
    end = text.find("]", start + 1)
    if end < 0:
        raise MappingError("attribute name not closed by ']'", start, text)
    name = text[start + 1:end]
    if not name.strip():
        raise MappingError("empty attribute name '[]'", start, text)
    if "[" in name:
        raise MappingError("'[' inside an attribute name", start + 1 + name.index("["), text)
    return Token(ATTRIBUTE, name.strip(), start, end + 1)


def _string(text: str, start: int) -> Token:
    chars: list[str] = []
    at = start + 1
    while at < len(text):
        char = text[at]
        if char == "\\" and at + 1 < len(text):
            # The documented escapes are \" and \\; any other escaped character stands for
            # itself, so "\d" in a regex constant reaches the regex as \d only when written "\\d"
            # (as every documented Replace example does).
            chars.append(text[at + 1])
            at += 2
        elif char == '"':
            return Token(STRING, "".join(chars), start, at + 1)
        else:
            chars.append(char)
            at += 1
    raise MappingError("string constant not closed by '\"'", start, text)


def _number(text: str, start: int) -> Token:
    end = start + 1
    while end < len(text) and text[end].isdigit():
        end += 1
    if end < len(text) and (text[end].isalpha() or text[end] == "_"):
        raise MappingError(f"malformed number {text[start:end + 1]!r}", start, text)
    return Token(NUMBER, int(text[start:end]), start, end)


def _hex(text: str, start: int) -> Token:
    end = start + 2
    while end < len(text) and text[end] in "0123456789abcdefABCDEF":
        end += 1
    if end == start + 2:
        raise MappingError("'&H' without hexadecimal digits", start, text)
    return Token(NUMBER, int(text[start + 2:end], 16), start, end)
