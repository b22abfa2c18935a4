"""The SCIM filter grammar (RFC 7644 §3.4.2.2): parse, print, validate and evaluate filters."""

from scimcert.scim.filter.evaluator import evaluate, validate
from scimcert.scim.filter.parser import parse, parse_path
from scimcert.scim.filter.printer import to_string

__all__ = ["evaluate", "parse", "parse_path", "to_string", "validate"]
