"""Entra ID's attribute mappings: the expression language (lexer, parser, functions, evaluate),
mapping rows as data (rules, entra) and the checks an admin runs before saving one (check).

    mapping = Mapping.load("fixtures/mappings/entra-1password-recommended.json")
    mapping.evaluate(user, creating=True, context=Context())   # target path -> value
    parse('Switch([IsSoftDeleted], , "False", "True", "True", "False")').evaluate(user)
"""

from scimcert.idp.mapping.context import Context
from scimcert.idp.mapping.errors import EvaluationError, MappingError
from scimcert.idp.mapping.expression import Expression, parse
from scimcert.idp.mapping.row import Row
from scimcert.idp.mapping.rules import Mapping, read

__all__ = ["Context", "EvaluationError", "Expression", "Mapping", "MappingError", "Row", "parse",
           "read"]
