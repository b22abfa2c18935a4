"""Generated text: Unicode names with the characters a filter, a URL and a shell must escape.

RFC 7643 §2.3.1 makes a string any sequence of Unicode characters, but the RFCs name no Unicode
case mapping or normalisation: a provider may compare case-insensitively with lower(), upper()
or full case folding, and may store text in NFC. Generated text keeps to the characters on which
all of these agree (no `ß`, `ǅ`, Kelvin sign, fullwidth forms or combining marks), so a
difference found is a provider's fault, never a choice the RFCs leave open. Control and format
characters, and text starting or ending with a space, are left to the robustness property.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import Any

from hypothesis import strategies as st

from scimcert.harness import cases

# Letters, digits, punctuation and symbols; no separators, marks, controls or unassigned.
CATEGORIES = frozenset({"Lu", "Ll", "Lo", "Nd", "Pc", "Pd", "Ps", "Pe", "Po", "Sm", "Sc", "Sk",
                        "So"})
# Blocks the other characters come from: Latin, Greek, Cyrillic, Hebrew, Arabic, Devanagari,
# Thai, kana, CJK, Hangul, mathematical letters and emoji (beyond the BMP).
BLOCKS = ((0x21, 0x24F), (0x370, 0x52F), (0x5D0, 0x6FF), (0x900, 0x97F), (0xE01, 0xE5B),
          (0x3041, 0x30FF), (0x4E00, 0x4FFF), (0xAC00, 0xAD00), (0x1D400, 0x1D4FF),
          (0x1F300, 0x1F64F))
SAFE = "abcdefghijklmnopqrstuvwxyz0123456789"
# The characters a JSON string in a filter escapes.
ESCAPED = ('"', "\\")


@cache
def data() -> dict[str, Any]:
    """fixtures/suites/properties.json."""
    return cases.load("suites/properties.json")


@cache
def stable(char: str) -> bool:
    """Whether every usual case mapping and NFC agree on `char`."""
    lower, upper = char.lower(), char.upper()
    if len(lower) != 1 or len(upper) != 1 or char.casefold() != lower:
        return False
    if upper.lower() != lower or lower.upper() != upper:
        return False
    if unicodedata.normalize("NFC", char) != char:
        return False
    return not unicodedata.decomposition(char).startswith(("<wide>", "<narrow>", "<compat>"))


@cache
def alphabet() -> tuple[str, ...]:
    """Every stable letter, digit, punctuation mark and symbol of `BLOCKS`."""
    return tuple(c for low, high in BLOCKS for c in map(chr, range(low, high + 1))
                 if unicodedata.category(c) in CATEGORIES and stable(c))


@cache
def letters() -> str:
    """Every character text is drawn from: ASCII letters and digits, the special and sample
    characters of the data file, and the stable characters of `BLOCKS`."""
    found = data()
    return "".join(dict.fromkeys([*SAFE, *ESCAPED, *found["special_characters"],
                                  *found["sample_characters"], *alphabet()]))


@cache
def words(min_size: int = 1, max_size: int = 12) -> st.SearchStrategy[str]:
    """Short text, neither empty nor starting or ending with a space: some ASCII, then often a
    character a filter, a URL or a shell must escape, then anything."""
    special = "".join(dict.fromkeys([*ESCAPED, *data()["special_characters"]]))
    parts = st.tuples(st.text(SAFE, max_size=3), st.text("".join(ESCAPED), max_size=1),
                      st.text(special, max_size=1),
                      st.text(letters(), max_size=max(1, max_size - 5)))
    return parts.map("".join).map(str.strip).filter(lambda t: len(t) >= min_size)


@cache
def text() -> st.SearchStrategy[str]:
    """A value: mostly short, now and then hundreds of characters."""
    bounds = data()["long_text"]
    long = st.builds(lambda head, size: (head * (size // len(head) + 1))[:size].strip() or head,
                     words(1, 8), st.integers(bounds["min"], bounds["max"]))
    return st.one_of(*([words()] * 7), long)


@cache
def plain(min_size: int = 1, max_size: int = 10) -> st.SearchStrategy[str]:
    """ASCII letters and digits only: local parts, URL segments, tags."""
    return st.text(SAFE, min_size=min_size, max_size=max_size)


def variants(value: str) -> st.SearchStrategy[str]:
    """`value` in another letter case: each letter upper or lower."""
    flips = st.lists(st.booleans(), min_size=len(value), max_size=len(value))
    return flips.map(lambda upper: "".join(c.upper() if up else c.lower()
                                           for c, up in zip(value, upper, strict=True)))


def swapped(value: str) -> str:
    """`value` with the case of every letter swapped (a case variant whenever it has letters)."""
    return value.swapcase() if all(stable(c) for c in value) else value
