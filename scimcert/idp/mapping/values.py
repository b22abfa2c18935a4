"""Values inside an expression and how one kind is read as another.

A value is None (no value: an absent attribute, an omitted argument), a string, a bool (a
comparison, IsPresent …), an int (a bare number, InStr, Count …), a datetime (Now, CDate,
DateFromNum …), a list (a multi-valued attribute, Split) or a dict (one app role). Entra's
functions take strings, so each kind has one text form: booleans as .NET prints them ("True",
"False" — the strings the `active` Switch compares against), datetimes as Now() documents them
("M/d/yyyy h:mm:ss tt", UTC).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from scimcert.idp.mapping import dates
from scimcert.idp.mapping.errors import EvaluationError


def text(value: Any, what: str = "value") -> str | None:
    """`value` as one string; None stays None."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime):
        return dates.us_text(value)
    if isinstance(value, list | tuple):
        if len(value) == 1:
            return text(value[0], what)
        raise EvaluationError(f"{what} is multi-valued ({len(value)} values) where one string "
                              "is expected")
    if isinstance(value, dict) and "value" in value:
        return text(value["value"], what)
    raise EvaluationError(f"{what} {value!r} has no string form")


def number(value: Any, what: str) -> int | None:
    """`value` as an integer (a bare number or a string of digits); None stays None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise EvaluationError(f"{what} must be a number, not {text(value)}")
    if isinstance(value, int):
        return value
    written = text(value, what)
    try:
        return int(str(written).strip())
    except ValueError:
        raise EvaluationError(f"{what} must be a number, not {written!r}") from None


def truth(value: Any, what: str = "condition") -> bool | None:
    """`value` as a boolean: a bool, "True"/"False" in any case, or a number (non-zero is true,
    as CBool documents); None stays None."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    written = text(value, what)
    lowered = str(written).strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        return float(lowered) != 0
    except ValueError:
        raise EvaluationError(f"{what} {written!r} is neither True nor False") from None


def each(value: Any) -> Iterator[Any]:
    """The values of a multi-valued `value`, or `value` itself; nothing for None."""
    if value is None:
        return
    if isinstance(value, list | tuple):
        for item in value:
            yield from each(item)
    else:
        yield value


def empty(value: Any) -> bool:
    """None, an empty string or an empty list: what IsNullOrEmpty calls empty."""
    return value is None or value == "" or (isinstance(value, list | tuple) and not value)
