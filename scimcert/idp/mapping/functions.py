"""The function table of Entra's expression language: name → parameters, arity, implementation.

Every semantic choice follows "Reference for writing expressions for attribute mappings in
Microsoft Entra ID" (REF below). Names are case-sensitive (REF, "Syntax overview"). An unknown
name, a wrong number of arguments or a constant argument no call could accept is refused when
the expression is compiled, never in the middle of a cycle.

Absent values: Entra never provisions a null (known issues, "Null attribute can't be
provisioned"), so a function whose source has no value has no value either, except where REF
documents otherwise: Left and Word give "" for a null string, Coalesce and Join pass over
nulls, the Is* functions test for them, Switch matches a null source to its "" key, and IIF
fails when its condition reads an empty or null attribute.
"""

from __future__ import annotations

import base64
import difflib
import re
import string
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scimcert.idp.mapping import dates
from scimcert.idp.mapping.context import Context
from scimcert.idp.mapping.errors import EvaluationError, MappingError
from scimcert.idp.mapping.nodes import Constant, Missing, Name, Node
from scimcert.idp.mapping.values import each, empty, number, text, truth

REF = ("https://learn.microsoft.com/entra/identity/app-provisioning/"
       "functions-for-customizing-application-data")
NULLS = ("https://learn.microsoft.com/entra/identity/app-provisioning/known-issues"
         "#null-attribute-cant-be-provisioned")
ROLES = ("https://learn.microsoft.com/entra/identity/app-provisioning/"
         "customize-application-attributes#provisioning-a-role-to-a-scim-app")
# InStr's compareType (REF#instr); the only bare names an expression may hold.
ENUMS = ("vbBinaryCompare", "vbTextCompare")
# Functions REF lists that a SCIM app cannot use, and why.
UNSUPPORTED = {
    "SelectUniqueValue": "SelectUniqueValue works only for Workday, SuccessFactors and "
                         "API-driven provisioning into Active Directory, not for SCIM apps "
                         f"({REF}#selectuniquevalue)",
}


@dataclass(frozen=True)
class Function:
    """One function: its documented parameter names (the last ones repeat when `repeats`),
    how many arguments it takes, and how it runs.

    A strict function's `run(context, *values)` gets its arguments evaluated (an omitted one as
    None); a lazy one's `run(context, *thunks)` evaluates only what it needs (Switch, IIF), so an
    unchosen `Guid()` draws nothing. `check(args)` refuses constant arguments no evaluation could
    accept.
    """

    name: str
    params: tuple[str, ...]
    minimum: int
    maximum: int | None
    run: Callable[..., Any]
    lazy: bool = False
    repeats: int = 0
    check: Callable[[tuple[Node, ...]], None] | None = None

    def arity(self) -> str:
        if self.maximum == self.minimum:
            return f"{self.minimum} argument{'s' if self.minimum != 1 else ''}"
        if self.maximum is None:
            return f"at least {self.minimum} arguments"
        return f"{self.minimum} to {self.maximum} arguments"

    def param(self, index: int) -> str:
        """The documented name of the argument at `index` (repeating names for the tail)."""
        if index < len(self.params) or not self.repeats:
            return self.params[min(index, len(self.params) - 1)]
        head = len(self.params) - self.repeats
        return self.params[head + (index - head) % self.repeats]


TABLE: dict[str, Function] = {}


def function(name: str, params: str, minimum: int, maximum: int | None = -1, *,
             lazy: bool = False, repeats: int = 0,
             check: Callable[[tuple[Node, ...]], None] | None = None):
    """Register the decorated implementation as `name`; `params` space-separated."""
    names = tuple(params.split())

    def register(run: Callable[..., Any]) -> Callable[..., Any]:
        top = len(names) if maximum == -1 else maximum
        TABLE[name] = Function(name, names, minimum, top, run, lazy, repeats, check)
        return run

    return register


def lookup(name: str, node: Node) -> Function:
    """The function called `name`; a MappingError (with a suggestion) pointing at `node`."""
    if name in TABLE:
        return TABLE[name]
    if name in UNSUPPORTED:
        raise MappingError(UNSUPPORTED[name], node.start)
    near = difflib.get_close_matches(name, list(TABLE), n=1, cutoff=0.6)
    caseless = [known for known in TABLE if known.lower() == name.lower()]
    hint = caseless or near
    suggestion = (f" (function names are case-sensitive: did you mean {hint[0]}?)"
                  if caseless else f" (did you mean {hint[0]}?)" if hint else "")
    raise MappingError(f"unknown function {name}{suggestion}", node.start)


def _constant(node: Node) -> Any:
    """The value of a constant argument, None for an omitted one, `...` for anything computed."""
    if isinstance(node, Constant):
        return node.value
    if isinstance(node, Missing):
        return None
    return ...


def _refuse(node: Node, message: str) -> MappingError:
    return MappingError(message, node.start)


# --- strings -------------------------------------------------------------------------------


@function("Append", "source suffix", 2)
def _append(ctx: Context, source: Any, suffix: Any) -> Any:
    if source is None:
        return None
    return text(source) + (text(suffix) or "")


@function("Join", "separator source", 2, None, repeats=1)
def _join(ctx: Context, separator: Any, *sources: Any) -> Any:
    # REF#join: a multi-valued source contributes every value. REF's own example
    # Join(", ", "", [surname], [givenName]) → "Doe, John" shows empty values are passed over;
    # so are absent ones. Nothing left to join is no value, not "".
    parts = [text(v) for source in sources for v in each(source)]
    kept = [p for p in parts if p]
    if not kept:
        return None
    return (text(separator) or "").join(kept)


@function("Coalesce", "source defaultValue", 1, None, repeats=1)
def _coalesce(ctx: Context, *sources: Any) -> Any:
    # REF#coalesce: the first source that isn't NULL, else the default, else NULL. The default
    # is the last argument, so this is the first argument with a value.
    return next((s for s in sources if s is not None and s != []), None)


def _case(source: Any, culture: Any, upper: bool) -> Any:
    if source is None:
        return None
    value = text(source)
    # REF#tolower: invariant culture unless one is named; of the RFC 4646 cultures only the
    # Turkic ones case i differently (dotted and dotless).
    if text(culture) and str(text(culture)).lower().split("-")[0] in ("tr", "az"):
        value = (value.replace("i", "\u0130").replace("\u0131", "I") if upper
                 else value.replace("I", "\u0131").replace("\u0130", "i"))
    return value.upper() if upper else value.lower()


@function("ToLower", "source culture", 1)
def _to_lower(ctx: Context, source: Any, culture: Any = None) -> Any:
    return _case(source, culture, upper=False)


@function("ToUpper", "source culture", 1)
def _to_upper(ctx: Context, source: Any, culture: Any = None) -> Any:
    return _case(source, culture, upper=True)


@function("StripSpaces", "source", 1)
def _strip_spaces(ctx: Context, source: Any) -> Any:
    # REF#stripspaces: removes the space character only, not other white space.
    return None if source is None else text(source).replace(" ", "")


# REF#normalizediacritics: letters the table maps to something other than their base letter.
_FOLDS = str.maketrans({"æ": "ae", "Æ": "AE", "ǣ": "ae", "Ǣ": "AE", "ø": "oe", "Ø": "OE",
                        "œ": "oe", "Œ": "OE", "ß": "ss", "ł": "l", "Ł": "L", "\u0131": "i"})


@function("NormalizeDiacritics", "source", 1)
def _normalize_diacritics(ctx: Context, source: Any) -> Any:
    if source is None:
        return None
    folded = text(source).translate(_FOLDS)
    decomposed = unicodedata.normalize("NFD", folded)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@function("PCase", "source wordSeparators", 1)
def _pcase(ctx: Context, source: Any, separators: Any = None) -> Any:
    if source is None:
        return None
    value = text(source)
    chosen = text(separators)

    def separates(char: str) -> bool:
        if chosen:
            return char in chosen
        # REF#pcase: without separators .NET ToTitleCase's: white space, control, format,
        # punctuation and symbol characters.
        return char.isspace() or unicodedata.category(char)[0] in "CPSZ"

    out, start = [], True
    for char in value:
        out.append(char.upper() if start else char.lower())
        start = separates(char)
    return "".join(out)


@function("Mid", "source start length", 3,
          check=lambda args: _positive(args[1], "Mid start", minimum=1))
def _mid(ctx: Context, source: Any, start: Any, length: Any) -> Any:
    if source is None:
        return None
    # REF#mid: the first character has index 1; a length past the end stops at the end.
    first, count = number(start, "Mid start"), number(length, "Mid length")
    if first is None or count is None:
        return None
    if first < 1:
        raise EvaluationError(f"Mid start must be 1 or more, not {first}")
    if count < 0:
        raise EvaluationError(f"Mid length must not be negative, not {count}")
    return text(source)[first - 1:first - 1 + count]


@function("Left", "String NumChars", 2)
def _left(ctx: Context, source: Any, count: Any) -> Any:
    # REF#left: null string → "", NumChars 0 → "", NumChars < 0 → the whole string.
    if source is None:
        return ""
    n = number(count, "Left NumChars")
    value = text(source)
    if n is None or n < 0:
        return value
    return value[:n]


@function("Word", "String WordNumber Delimiters", 3)
def _word(ctx: Context, source: Any, index: Any, delimiters: Any) -> Any:
    # REF#word: number < 1, a null string, or too few words → "".
    n = number(index, "Word WordNumber")
    if source is None or n is None or n < 1:
        return ""
    marks = text(delimiters) or ""
    words = [w for w in re.split(f"[{re.escape(marks)}]", text(source)) if w] if marks else [
        text(source)]
    return words[n - 1] if n <= len(words) else ""


@function("Split", "source delimiter", 2)
def _split(ctx: Context, source: Any, delimiter: Any) -> Any:
    if source is None:
        return None
    mark = text(delimiter)
    if not mark:
        raise EvaluationError("Split needs a delimiter")
    # Values are kept as split (.NET String.Split does not trim); REF's sample output drops the
    # space after the comma, which no plain split does.
    return text(source).split(mark)


@function("Item", "attribute index", 2,
          check=lambda args: _positive(args[1], "Item index", minimum=1))
def _item(ctx: Context, source: Any, index: Any) -> Any:
    # REF#item: 1-based; "Index 0 shouldn't be used".
    n = number(index, "Item index")
    if n is None:
        return None
    if n < 1:
        raise EvaluationError(f"Item index must be 1 or more, not {n}")
    values = list(each(source))
    return values[n - 1] if n <= len(values) else None


@function("Count", "attribute", 1)
def _count(ctx: Context, source: Any) -> Any:
    return len(list(each(source)))


@function("RemoveDuplicates", "attribute", 1)
def _remove_duplicates(ctx: Context, source: Any) -> Any:
    if source is None:
        return None
    return list(dict.fromkeys(each(source)))


def _check_instr(args: tuple[Node, ...]) -> None:
    if len(args) == 4 and not isinstance(args[3], Name | Missing):
        raise _refuse(args[3], f"InStr compareType must be one of {', '.join(ENUMS)}")


@function("InStr", "value1 value2 start compareType", 2, check=_check_instr)
def _instr(ctx: Context, haystack: Any, needle: Any, start: Any = None,
           compare: Any = None) -> Any:
    # REF#instr: the 1-based position of the first occurrence, 0 when there is none.
    if haystack is None or needle is None:
        return None
    first = number(start, "InStr start") or 1
    where, what = text(haystack), text(needle)
    if compare == "vbTextCompare":
        where, what = where.lower(), what.lower()
    return where.find(what, first - 1) + 1


@function("ConvertToBase64", "source", 1)
def _to_base64(ctx: Context, source: Any) -> Any:
    # REF#converttobase64: "Hello world!" → "SABlAGwAbABvACAAdwBvAHIAbABkACEA", the UTF-16LE
    # bytes (.NET's "Unicode").
    return None if source is None else base64.b64encode(text(source).encode("utf-16-le")).decode()


@function("ConvertToUTF8Hex", "source", 1)
def _to_utf8_hex(ctx: Context, source: Any) -> Any:
    # REF#converttoutf8hex: "Hello world!" → 48656C6C6F20776F726C6421 (upper-case hex).
    return None if source is None else text(source).encode("utf-8").hex().upper()


def _regex(pattern: str) -> re.Pattern[str]:
    """A .NET regular expression as Python reads it: named groups `(?<name>…)` and
    back-references `\\k<name>` are spelt differently."""
    translated = re.sub(r"\(\?<(?=[A-Za-z_])", "(?P<", pattern)
    translated = re.sub(r"\\k<([A-Za-z_]\w*)>", r"(?P=\1)", translated)
    return re.compile(translated)


def _replacement(value: str) -> str:
    """A .NET replacement string (`${name}`, `$1`, `$$`) as re.sub reads it."""
    out = value.replace("\\", "\\\\")
    out = re.sub(r"\$\{([A-Za-z_]\w*)\}", r"\\g<\1>", out)
    out = re.sub(r"\$(\d+)", r"\\g<\1>", out)
    return out.replace("$$", "$")


def _check_replace(args: tuple[Node, ...]) -> None:
    if len(args) > 2:
        pattern = _constant(args[2])
        if isinstance(pattern, str):
            try:
                _regex(pattern)
            except re.error as exc:
                raise _refuse(args[2], f"Replace regexPattern does not compile: {exc}") from None


@function("Replace", "source oldValue regexPattern regexGroupName replacementValue "
          "replacementAttributeName template", 2, 7, check=_check_replace)
def _replace(ctx: Context, source: Any, old: Any = None, pattern: Any = None, group: Any = None,
             replacement: Any = None, attribute: Any = None, template: Any = None) -> Any:
    # REF#replace: the modes are chosen by which parameters are given; all are case-sensitive.
    if pattern is not None and group is not None and replacement is None:
        # regexPattern + regexGroupName + replacementAttributeName: a fallback, not a rewrite.
        if not empty(source):
            return source
        if attribute is None:
            return None
        match = _regex(text(pattern)).search(text(attribute))
        return match.group(text(group)) if match else None
    if source is None:
        return None
    value = text(source)
    if old is not None and template is not None:
        return text(template).replace(text(old), value)
    if old is not None and replacement is not None:
        return value.replace(text(old), text(replacement)) if text(old) else value
    if pattern is not None and replacement is not None:
        regex = _regex(text(pattern))
        if group is None:
            return regex.sub(_replacement(text(replacement)), value)
        name, new = text(group), text(replacement)
        out, at = [], 0
        for match in regex.finditer(value):
            if match.group(name) is None:
                continue
            out.append(value[at:match.start(name)] + new)
            at = match.end(name)
        return "".join(out) + value[at:]
    raise EvaluationError("Replace needs oldValue with replacementValue or template, or "
                          "regexPattern with replacementValue or regexGroupName")


# --- tests and logic -----------------------------------------------------------------------


@function("IsNull", "Expression", 1)
def _is_null(ctx: Context, value: Any) -> Any:
    # REF#isnull: "For an attribute, a Null is expressed by the absence of the attribute."
    return value is None


@function("IsNullOrEmpty", "Expression", 1)
def _is_null_or_empty(ctx: Context, value: Any) -> Any:
    return empty(value)


@function("IsPresent", "Expression", 1)
def _is_present(ctx: Context, value: Any) -> Any:
    return not empty(value)


@function("IsString", "Expression", 1)
def _is_string(ctx: Context, value: Any) -> Any:
    return isinstance(value, str)


@function("IgnoreFlowIfNullOrEmpty", "Expression", 1)
def _ignore_flow(ctx: Context, value: Any) -> Any:
    # REF#ignoreflowifnullorempty: a null or empty value drops the attribute from the flow.
    return None if empty(value) else value


@function("Not", "source", 1)
def _not(ctx: Context, value: Any) -> Any:
    # REF#not flips the boolean strings "True" and "False"; an absent source gives no value.
    verdict = truth(value, "Not source")
    return None if verdict is None else text(not verdict)


@function("CBool", "Expression", 1)
def _cbool(ctx: Context, value: Any) -> Any:
    return truth(value, "CBool expression")


@function("CStr", "value", 1)
def _cstr(ctx: Context, value: Any) -> Any:
    return text(value)


@function("BitAnd", "value1 value2", 2)
def _bit_and(ctx: Context, first: Any, second: Any) -> Any:
    a, b = number(first, "BitAnd value1"), number(second, "BitAnd value2")
    return None if a is None or b is None else a & b


def _check_switch(args: tuple[Node, ...]) -> None:
    # REF#switch: "Key and value parameters must always come in pairs."
    if (len(args) - 2) % 2:
        raise _refuse(args[-1], f"Switch takes keys and values in pairs after the source and "
                                f"the default; {len(args) - 2} arguments follow them")


@function("Switch", "source defaultValue key value", 4, None, lazy=True, repeats=2,
          check=_check_switch)
def _switch(ctx: Context, source: Callable[[], Any], default: Callable[[], Any],
            *pairs: Callable[[], Any]) -> Any:
    # REF#switch: case-sensitive comparison of the source with each key; "use a literal empty
    # string as one of the key values" to catch an empty source, and an absent one
    # (hr-user-creation-issues: Switch([BusinessTitle],[BusinessTitle],"","N/A") "to check for
    # empty or null values"). No key matches: the default; an omitted default is no value, so
    # the target is not sent.
    value = text(source(), "Switch source")
    value = "" if value is None else value
    for at in range(0, len(pairs), 2):
        if text(pairs[at](), "Switch key") == value:
            return pairs[at + 1]()
    return default()


@function("IIF", "condition valueIfTrue valueIfFalse", 3, lazy=True)
def _iif(ctx: Context, condition: Callable[[], Any], if_true: Callable[[], Any],
         if_false: Callable[[], Any]) -> Any:
    # The evaluator gives IIF no value when its condition reads an empty or null attribute
    # (REF#iif, known limitations: "the condition check fails"); see evaluate.py.
    verdict = truth(condition(), "IIF condition")
    if verdict is None:
        return None
    return if_true() if verdict else if_false()


# --- roles ---------------------------------------------------------------------------------

ROLE_TYPE = "WindowsAzureActiveDirectoryRole"


def _roles(value: Any) -> list[dict[str, Any]]:
    roles = [r for r in each(value) if isinstance(r, dict)]
    if len(roles) != len(list(each(value))):
        raise EvaluationError("appRoleAssignments must be a list of {id, displayName, value}")
    return roles


@function("SingleAppRoleAssignment", "appRoleAssignments", 1)
def _single_role(ctx: Context, value: Any) -> Any:
    # ROLES: one role name string; with several roles "there's no guarantee which role is
    # provisioned" — here the first, so a run can be replayed.
    roles = _roles(value)
    if not roles:
        return None
    first = roles[0]
    return first.get("value") or first.get("displayName")


@function("AppRoleAssignmentsComplex", "appRoleAssignments", 1)
def _complex_roles(ctx: Context, value: Any) -> Any:
    # ROLES: every role, all with primary false, as a POST carries them.
    roles = _roles(value)
    if not roles:
        return None
    return [{"primary": False, "type": ROLE_TYPE, "display": r.get("displayName"),
             "value": r.get("value")} for r in roles]


TABLE["AssertiveAppRoleAssignmentsComplex"] = Function(
    "AssertiveAppRoleAssignmentsComplex", ("appRoleAssignments",), 1, 1, _complex_roles)


# --- dates ---------------------------------------------------------------------------------


def _moment(value: Any, what: str) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return dates.parse_any(text(value, what))


@function("Now", "", 0)
def _now(ctx: Context) -> Any:
    return dates.to_utc(ctx.now())


@function("CDate", "expression", 1)
def _cdate(ctx: Context, value: Any) -> Any:
    return _moment(value, "CDate expression")


@function("DateFromNum", "value", 1)
def _date_from_num(ctx: Context, value: Any) -> Any:
    # REF#datefromnum: DateFromNum(129699324000000000) is January 1, 2012 at 11:00 PM.
    n = number(value, "DateFromNum value")
    return None if n is None else dates.from_filetime(n)


@function("NumFromDate", "value", 1)
def _num_from_date(ctx: Context, value: Any) -> Any:
    moment = _moment(value, "NumFromDate value")
    return None if moment is None else dates.to_filetime(moment)


def _interval(node: Node, name: str) -> None:
    value = _constant(node)
    if isinstance(value, str) and value not in dates.INTERVALS:
        raise _refuse(node, f"{name} interval {value!r} is not one of "
                            f"{' '.join(dates.INTERVALS)}")


@function("DateAdd", "interval value dateTime", 3,
          check=lambda args: _interval(args[0], "DateAdd"))
def _date_add(ctx: Context, interval: Any, amount: Any, moment: Any) -> Any:
    when = _moment(moment, "DateAdd dateTime")
    n = number(amount, "DateAdd value")
    if when is None or n is None:
        return None
    return dates.add(text(interval), n, when)


@function("DateDiff", "interval date1 date2", 3,
          check=lambda args: _interval(args[0], "DateDiff"))
def _date_diff(ctx: Context, interval: Any, first: Any, second: Any) -> Any:
    a, b = _moment(first, "DateDiff date1"), _moment(second, "DateDiff date2")
    if a is None or b is None:
        return None
    return dates.diff(text(interval), a, b)


def _check_format(args: tuple[Node, ...]) -> None:
    styles = _constant(args[1]) if len(args) == 4 else None
    if isinstance(styles, str):
        unknown = [s.strip() for s in styles.split(",") if s.strip() not in dates.STYLES]
        if unknown:
            raise _refuse(args[1], f"FormatDateTime dateTimeStyles {unknown[0]!r} is not a "
                                   ".NET DateTimeStyles value")
    for node in args[-2:]:
        fmt = _constant(node)
        if isinstance(fmt, str):
            try:
                dates.pattern(fmt)
            except MappingError as exc:
                raise _refuse(node, exc.message) from None
        elif fmt is None:
            raise _refuse(node, "FormatDateTime needs an input and an output format")


@function("FormatDateTime", "source dateTimeStyles inputFormat outputFormat", 3, 4,
          check=_check_format)
def _format_date_time(ctx: Context, source: Any, *rest: Any) -> Any:
    # REF#formatdatetime: FormatDateTime(source, dateTimeStyles, inputFormat, outputFormat);
    # the three-argument call earlier versions of the page showed has no dateTimeStyles.
    styles, given, wanted = rest if len(rest) == 3 else (None, *rest)
    if source is None:
        return None
    moment = source if isinstance(source, datetime) else dates.parse_as(
        text(source), text(given))
    if styles and "AdjustToUniversal" in text(styles):
        moment = dates.to_utc(moment)
    return dates.format_as(moment, text(wanted))


# --- generated values ----------------------------------------------------------------------


@function("Guid", "", 0)
def _guid(ctx: Context) -> Any:
    return str(uuid.UUID(int=ctx.random.getrandbits(128), version=4))


# "Characters allowed": the password-complexity policy's categories (REF#randomstring links it).
SPECIALS = "~!@#$%^&*_-+=`|\\(){}[]:;\"'<>,.?/"
RANDOM_MAX = 256


def _check_random(args: tuple[Node, ...]) -> None:
    counts = [_constant(a) for a in args[:5]]
    if all(isinstance(c, int) for c in counts):
        length, *minimums = counts
        if length > RANDOM_MAX:
            raise _refuse(args[0], f"RandomString Length is at most {RANDOM_MAX}, not {length}")
        if sum(minimums) > length:
            raise _refuse(args[0], f"RandomString Length {length} is less than the minimums "
                                   f"it must hold ({sum(minimums)})")


@function("RandomString", "Length MinimumNumbers MinimumSpecialCharacters MinimumCapital "
          "MinimumLowerCase CharactersToAvoid", 5, check=_check_random)
def _random_string(ctx: Context, length: Any, digits: Any, specials: Any, capitals: Any,
                   lowers: Any, avoid: Any = None) -> Any:
    size = number(length, "RandomString Length")
    counts = [number(v, "RandomString minimum") or 0 for v in (digits, specials, capitals, lowers)]
    if size is None or size > RANDOM_MAX or sum(counts) > size:
        raise EvaluationError(f"RandomString cannot make {size} characters holding "
                              f"{sum(counts)} required ones")
    banned = set(text(avoid) or "")
    pools = [[c for c in pool if c not in banned] for pool in (
        string.digits, SPECIALS, string.ascii_uppercase, string.ascii_lowercase)]
    chars = [ctx.random.choice(pool) for pool, n in zip(pools, counts, strict=True)
             for _ in range(n)]
    anything = [c for pool in pools for c in pool]
    chars += [ctx.random.choice(anything) for _ in range(size - len(chars))]
    ctx.random.shuffle(chars)
    return "".join(chars)


@function("Redact", "value", 1)
def _redact(ctx: Context, value: Any) -> Any:
    # REF#redact: the value flows; only the provisioning log shows "[Redact]" instead.
    return value


def _positive(node: Node, what: str, minimum: int) -> None:
    value = _constant(node)
    if isinstance(value, int) and value < minimum:
        raise _refuse(node, f"{what} must be {minimum} or more, not {value}")
