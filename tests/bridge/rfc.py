"""The reference bridge reduced to RFC 7643/7644: the RFC pipeline with the plain policy and no
IdP tolerance (`--scim-app tests/bridge/rfc.py:rfc_bridge`)."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from scimcert.bridge.app import Parts, create_app
from scimcert.bridge.policy import Policy
from scimcert.scim.tolerance import Tolerances


def rfc_bridge(**options: Any) -> Starlette:
    return create_app(parts=Parts(policy=Policy), tolerances=Tolerances.none(), **options)
