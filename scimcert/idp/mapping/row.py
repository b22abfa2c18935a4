"""One attribute mapping row: target ← source attribute | constant | expression."""

from __future__ import annotations

from dataclasses import dataclass

from scimcert.idp.mapping.errors import MappingError

KINDS = ("attribute", "constant", "expression")
APPLY = ("always", "create")
OBJECTS = ("User", "Group")


@dataclass(frozen=True)
class Row:
    """One attribute mapping.

    `target` is the SCIM attribute path as Entra writes it ("name.givenName",
    'emails[type eq "work"].value', "urn:…:enterprise:2.0:User:department"); `source` is an
    Entra attribute name, a constant's text or an expression's text, as `kind` says. `apply`
    "create" is Entra's "Only during creation". `matching` is the matching precedence (1 is
    tried first), None for a row that is not a matching attribute. `default` is Entra's
    "Default value if null", which "is only provisioned when a user is created".
    """

    target: str
    kind: str
    source: str
    apply: str = "always"
    matching: int | None = None
    object: str = "User"
    default: str | None = None

    @property
    def label(self) -> str:
        """How a message names this row: its object and target."""
        return f"{self.object} {self.target}"

    def problem(self) -> MappingError | None:
        """What is wrong with this row's fields, apart from its expression."""
        if self.kind not in KINDS:
            return MappingError(f"kind {self.kind!r} is not one of {', '.join(KINDS)}",
                                row=self.label)
        if self.apply not in APPLY:
            return MappingError(f"apply {self.apply!r} is not one of {', '.join(APPLY)}",
                                row=self.label)
        if self.object not in OBJECTS:
            return MappingError(f"object {self.object!r} is not one of {', '.join(OBJECTS)}",
                                row=self.label)
        if self.matching is not None and self.matching < 1:
            return MappingError(f"matching precedence {self.matching} is not 1 or more",
                                row=self.label)
        if not self.target.strip():
            return MappingError("empty target attribute", row=self.label)
        if self.kind == "attribute" and not _attribute_name(self.source):
            return MappingError(f"source attribute {self.source!r} is not an attribute name",
                                row=self.label)
        return None


def _attribute_name(text: str) -> bool:
    return bool(text.strip()) and not any(c in text for c in '[]"(),')


