"""The one error of the mapping layer: a mapping or expression that cannot be used, with the row
it belongs to and, for an expression, the character it points at."""

from __future__ import annotations


class MappingError(ValueError):
    """Why a mapping, a row or an expression is refused.

    `position` is the 0-based character offset in `text` (the expression) the problem is at;
    `row` names the mapping row (its target attribute) once the error has been placed.
    `str()` prints the message, then the offending line of the expression with a caret under
    the character.
    """

    def __init__(self, message: str, position: int | None = None, text: str | None = None,
                 row: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.text = text
        self.row = row

    def at_row(self, row: str) -> MappingError:
        """This error, placed in the row whose target is `row` (kept if already placed)."""
        if self.row is not None:
            return self
        return type(self)(self.message, self.position, self.text, row)

    def in_text(self, text: str) -> MappingError:
        """This error, pointing into the expression `text` (kept if it already does)."""
        if self.text is not None:
            return self
        return type(self)(self.message, self.position, text, self.row)

    @property
    def caret(self) -> str:
        """The expression line holding `position` and a caret line under the character."""
        if self.text is None or self.position is None:
            return ""
        start = self.text.rfind("\n", 0, self.position) + 1
        end = self.text.find("\n", self.position)
        line = self.text[start:] if end < 0 else self.text[start:end]
        return f"  {line}\n  {' ' * (self.position - start)}^"

    def __str__(self) -> str:
        head = f"row {self.row!r}: {self.message}" if self.row else self.message
        if self.position is not None:
            head += f" (at character {self.position})"
        caret = self.caret
        return f"{head}\n{caret}" if caret else head


class EvaluationError(MappingError):
    """An expression that parsed and compiled but cannot be computed for one object's values
    (a start index that is not a number, a date in no known format): Entra logs such an object
    as failed, the cycle goes on."""
