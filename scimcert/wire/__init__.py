"""The wire: how scimcert talks HTTP to a SCIM target, for the harness and the IdP simulator alike.

A `Client` sends requests relative to the target's base URL, keeps the target's credentials to
the target's own origin, refuses writes on a read-only run, and records every exchange, redacted,
into the `Sink` its caller passes in.
"""

from scimcert.wire.client import Client, TargetError, exchange_of, json_of
from scimcert.wire.exchange import Exchange
from scimcert.wire.guard import WritesNotAllowed
from scimcert.wire.redaction import Redactor
from scimcert.wire.sink import Discard, Ring, Sink, Tape

__all__ = ["Client", "Discard", "Exchange", "Redactor", "Ring", "Sink", "Tape", "TargetError",
           "WritesNotAllowed", "exchange_of", "json_of"]
