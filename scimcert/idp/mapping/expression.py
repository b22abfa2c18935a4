"""A compiled expression: its text, its syntax tree and the closure that computes it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scimcert.idp.mapping import dates, nodes
from scimcert.idp.mapping.context import Context
from scimcert.idp.mapping.errors import EvaluationError, MappingError
from scimcert.idp.mapping.evaluate import Evaluator, compile_node
from scimcert.idp.mapping.parser import syntax


@dataclass(frozen=True)
class Expression:
    text: str
    root: nodes.Node
    run: Evaluator = field(repr=False, compare=False)

    @property
    def attributes(self) -> tuple[str, ...]:
        """The source attributes the expression reads, in order, each once."""
        return nodes.attributes(self.root)

    def evaluate(self, source: Mapping[str, Any], context: Context | None = None) -> Any:
        """The value for the source object `source` (Entra attribute name → value); None when
        it has none. A date leaves in Now's text form ("M/d/yyyy h:mm:ss tt", UTC): a target
        attribute holds text. An EvaluationError points at the call that failed."""
        try:
            value = self.run(source, context or Context())
        except EvaluationError as exc:
            raise exc.in_text(self.text) from None
        return dates.us_text(value) if isinstance(value, datetime) else value


def parse(text: str) -> Expression:
    """`text` compiled: a MappingError with the 0-based position and a caret line for a syntax
    error, an unknown function, a wrong number of arguments or an impossible constant."""
    try:
        root = syntax(text)
        return Expression(text, root, compile_node(root))
    except MappingError as exc:
        raise exc.in_text(text) from None
