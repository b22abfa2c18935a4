"""Dates as Entra's expression functions read and write them.

- The DateTime text form of Now(), CDate and DateAdd: "M/d/yyyy h:mm:ss tt", always UTC
  (https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data#now).
- FormatDateTime's input and output formats are .NET custom date and time format strings
  (https://learn.microsoft.com/dotnet/standard/base-types/custom-date-and-time-format-strings),
  read here with the invariant culture.
- DateFromNum / NumFromDate use Active Directory's number: 100-nanosecond intervals since
  1601-01-01 UTC (a Windows FILETIME).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from scimcert.idp.mapping.errors import EvaluationError, MappingError

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)
# System.Globalization.DateTimeStyles members
# (https://learn.microsoft.com/dotnet/api/system.globalization.datetimestyles).
STYLES = frozenset({"None", "AllowLeadingWhite", "AllowTrailingWhite", "AllowInnerWhite",
                    "AllowWhiteSpaces", "NoCurrentDateDefault", "AdjustToUniversal",
                    "AssumeLocal", "AssumeUniversal", "RoundtripKind"})


def us_text(moment: datetime) -> str:
    """`moment` in UTC as "M/d/yyyy h:mm:ss tt" (Now's documented form: 7/2/2021 3:33:38 PM)."""
    return format_as(to_utc(moment), "M/d/yyyy h:mm:ss tt")


def to_utc(moment: datetime) -> datetime:
    """An aware `moment` converted to UTC; a naive one taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def from_filetime(number: int) -> datetime:
    return FILETIME_EPOCH + timedelta(microseconds=number // 10)


def to_filetime(moment: datetime) -> int:
    delta = to_utc(moment) - FILETIME_EPOCH
    return (delta.days * 86_400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


_ISO = re.compile(r"""\s*(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})
                     (?:[T ](?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.(?P<f>\d{1,7}))?)?)?
                     \s*(?P<z>Z|[+-]\d{2}:?\d{2})?\s*$""", re.X)
_US = re.compile(r"""\s*(?P<mo>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})
                    (?:\s+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?\s*(?P<t>AM|PM)?)?
                    \s*(?P<z>Z|[+-]\d{2}:?\d{2})?\s*$""", re.X | re.I)


def parse_any(text: str) -> datetime:
    """CDate's reading of `text`: an ISO 8601 date or date-time with an optional offset
    ("2020-03-16-07:00", "2009-06-15T01:45:30-07:00") or the US form CDate itself writes
    ("8/25/2021 5:41:18 PM"). No offset means UTC."""
    match = _ISO.match(text) or _US.match(text)
    if match is None:
        raise EvaluationError(f"{text!r} is not a date CDate can read")
    parts = match.groupdict()
    hour = int(parts["h"] or 0)
    if parts.get("t"):
        hour = hour % 12 + (12 if parts["t"].upper() == "PM" else 0)
    fraction = (parts.get("f") or "").ljust(6, "0")[:6]
    try:
        moment = datetime(int(parts["y"]), int(parts["mo"]), int(parts["d"]), hour,
                          int(parts["mi"] or 0), int(parts["s"] or 0), int(fraction or 0),
                          tzinfo=_zone(parts["z"]) or UTC)
    except ValueError as exc:
        raise EvaluationError(f"{text!r} is not a valid date: {exc}") from None
    return moment


def _zone(text: str | None) -> timezone | None:
    if not text:
        return None
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:-2]), int(digits[-2:])
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


@dataclass(frozen=True)
class _Part:
    kind: str   # "literal" or a specifier letter
    width: int
    text: str = ""


_SPECIFIERS = "dfFhHKmMsty z"


def pattern(fmt: str) -> tuple[_Part, ...]:
    """The parts of a .NET custom date format string; a MappingError for a bad one."""
    parts: list[_Part] = []
    at = 0
    while at < len(fmt):
        char = fmt[at]
        if char in _SPECIFIERS and char != " ":
            end = at
            while end < len(fmt) and fmt[end] == char:
                end += 1
            width = end - at
            limits = {"d": 4, "f": 7, "F": 7, "h": 2, "H": 2, "K": 1, "m": 2, "M": 4, "s": 2,
                      "t": 2, "y": 5, "z": 3}
            if width > limits[char]:
                raise MappingError(f"date format {fmt!r}: {char * width} is not a .NET format "
                                   "specifier")
            parts.append(_Part(char, width))
            at = end
        elif char in "'\"":
            close = fmt.find(char, at + 1)
            if close < 0:
                raise MappingError(f"date format {fmt!r}: quote not closed")
            parts.append(_Part("literal", 0, fmt[at + 1:close]))
            at = close + 1
        elif char == "\\" and at + 1 < len(fmt):
            parts.append(_Part("literal", 0, fmt[at + 1]))
            at += 2
        elif char == "%" and at + 1 < len(fmt):
            at += 1
        else:
            parts.append(_Part("literal", 0, char))
            at += 1
    return tuple(parts)


def _regex(part: _Part) -> str:
    kind, width = part.kind, part.width
    if kind == "literal":
        return re.escape(part.text)
    if kind in "dhHmMs" and width == 1:
        return rf"(?P<{kind}>\d{{1,2}})"
    if kind in "dhHmMs" and width == 2:
        return rf"(?P<{kind}>\d{{2}})"
    if kind == "M":
        names = MONTHS if width == 4 else tuple(m[:3] for m in MONTHS)
        return f"(?P<Mn>{'|'.join(names)})"
    if kind == "d":
        names = DAYS if width == 4 else tuple(d[:3] for d in DAYS)
        return f"(?:{'|'.join(names)})"
    if kind == "f":
        return rf"(?P<f>\d{{{width}}})"
    if kind == "F":
        return rf"(?P<f>\d{{0,{width}}})"
    if kind == "y":
        return {1: r"(?P<y>\d{1,2})", 2: r"(?P<y>\d{2})", 3: r"(?P<y>\d{3,4})",
                4: r"(?P<y>\d{4})", 5: r"(?P<y>\d{5})"}[width]
    if kind == "t":
        return r"(?P<t>[AP])" if width == 1 else r"(?P<t>AM|PM)"
    if kind == "z":
        return {1: r"(?P<z>[+-]\d{1,2})", 2: r"(?P<z>[+-]\d{2})",
                3: r"(?P<z>[+-]\d{2}:\d{2})"}[width]
    return r"(?P<z>Z|[+-]\d{2}:\d{2}|)"  # K


def parse_as(text: str, fmt: str) -> datetime:
    """`text` read with the .NET custom format `fmt` (DateTime.ParseExact, invariant culture,
    leading and trailing white space allowed: FormatDateTime's default styles). No offset in
    the format means the wall-clock time as written, taken as UTC."""
    regex = "".join(_regex(p) for p in pattern(fmt))
    try:
        match = re.fullmatch(regex, text.strip(), re.I)
    except re.error:
        raise EvaluationError(f"date format {fmt!r} repeats a field") from None
    if match is None:
        raise EvaluationError(f"{text!r} does not match the date format {fmt!r}")
    got = match.groupdict()
    year = int(got.get("y") or 1)
    if got.get("y") and len(got["y"]) <= 2:
        # .NET's invariant calendar reads two-digit years within 1930..2029 (TwoDigitYearMax).
        year += 2000 if year <= 29 else 1900
    month = int(got["M"]) if got.get("M") else (
        [m[:3].lower() for m in MONTHS].index(got["Mn"][:3].lower()) + 1 if got.get("Mn") else 1)
    hour = int(got.get("H") or got.get("h") or 0)
    if got.get("t"):
        hour = hour % 12 + (12 if got["t"].upper().startswith("P") else 0)
    micro = int((got.get("f") or "0").ljust(7, "0")[:6])
    zone = got.get("z")
    if zone and len(zone) <= 3 and zone not in ("Z",):
        zone = f"{zone[0]}{int(zone[1:]):02d}:00"
    try:
        return datetime(year, month, int(got.get("d") or 1), hour, int(got.get("m") or 0),
                        int(got.get("s") or 0), micro, tzinfo=_zone(zone) or UTC)
    except ValueError as exc:
        raise EvaluationError(f"{text!r} is not a valid date: {exc}") from None


def format_as(moment: datetime, fmt: str) -> str:
    """`moment` written with the .NET custom format `fmt` (invariant culture)."""
    out: list[str] = []
    for part in pattern(fmt):
        out.append(_field(moment, part))
    return "".join(out)


def _field(moment: datetime, part: _Part) -> str:
    kind, width = part.kind, part.width
    if kind == "literal":
        return part.text
    if kind == "y":
        return str(moment.year % 100).zfill(width) if width <= 2 else str(moment.year).zfill(width)
    if kind == "M":
        return (str(moment.month).zfill(width) if width <= 2
                else MONTHS[moment.month - 1][:3 if width == 3 else None])
    if kind == "d":
        return (str(moment.day).zfill(width) if width <= 2
                else DAYS[moment.weekday()][:3 if width == 3 else None])
    if kind == "H":
        return str(moment.hour).zfill(width)
    if kind == "h":
        return str(moment.hour % 12 or 12).zfill(width)
    if kind == "m":
        return str(moment.minute).zfill(width)
    if kind == "s":
        return str(moment.second).zfill(width)
    if kind in "fF":
        digits = f"{moment.microsecond:06d}0"[:width]
        return digits if kind == "f" else digits.rstrip("0")
    if kind == "t":
        marker = "AM" if moment.hour < 12 else "PM"
        return marker[:width]
    offset = moment.utcoffset()
    if kind == "K":
        if offset is None:
            return ""
        if offset == timedelta(0) and moment.tzinfo is UTC:
            return "Z"
    offset = offset or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    hours, minutes = divmod(minutes, 60)
    if kind == "z" and width < 3:
        return f"{sign}{str(hours).zfill(width)}"
    return f"{sign}{hours:02d}:{minutes:02d}"


def add(interval: str, amount: int, moment: datetime) -> datetime:
    """DateAdd: `amount` of `interval` (yyyy m d ww h n s) added to `moment`."""
    if interval == "yyyy":
        return _add_months(moment, 12 * amount)
    if interval == "m":
        return _add_months(moment, amount)
    seconds = {"d": 86_400, "ww": 604_800, "h": 3600, "n": 60, "s": 1}
    if interval not in seconds:
        raise EvaluationError(f"DateAdd interval {interval!r} is not one of yyyy m d ww h n s")
    return moment + timedelta(seconds=seconds[interval] * amount)


def _add_months(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, _days_in(year, month + 1))
    return moment.replace(year=year, month=month + 1, day=day)


def _days_in(year: int, month: int) -> int:
    following = datetime(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def diff(interval: str, first: datetime, second: datetime) -> int:
    """DateDiff: the number of `interval` boundaries from `first` to `second` (VBA's DateDiff:
    calendar boundaries for years, months, days and weeks; elapsed units for h, n, s)."""
    first, second = to_utc(first), to_utc(second)
    if interval == "yyyy":
        return second.year - first.year
    if interval == "m":
        return (second.year - first.year) * 12 + second.month - first.month
    if interval == "d":
        return (second.date() - first.date()).days
    if interval == "ww":
        # Sundays crossed: VBA counts week boundaries with Sunday as the first day of the week.
        def week(day: datetime) -> int:
            return (day.date().toordinal()) // 7
        return week(second) - week(first)
    seconds = {"h": 3600, "n": 60, "s": 1}
    if interval not in seconds:
        raise EvaluationError(f"DateDiff interval {interval!r} is not one of yyyy m d ww h n s")
    return int((second - first).total_seconds() // seconds[interval])


INTERVALS = ("yyyy", "m", "d", "ww", "h", "n", "s")
