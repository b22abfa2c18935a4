"""SCIM errors (RFC 7644 §3.12): one exception type knowing its status, scimType and detail."""

from __future__ import annotations

from typing import Any

from scimcert.scim.urns import ERROR_URN

# scimType values of RFC 7644 §3.12, Table 9.
INVALID_FILTER = "invalidFilter"
TOO_MANY = "tooMany"
UNIQUENESS = "uniqueness"
MUTABILITY = "mutability"
INVALID_SYNTAX = "invalidSyntax"
INVALID_PATH = "invalidPath"
NO_TARGET = "noTarget"
INVALID_VALUE = "invalidValue"
INVALID_VERS = "invalidVers"
SENSITIVE = "sensitive"


class ScimError(Exception):
    """An error a SCIM service provider answers with; `body()` is the RFC 7644 §3.12 message."""

    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.scim_type = scim_type

    def body(self) -> dict[str, Any]:
        # RFC 7644 §3.12: "status" is a string in the JSON body.
        body: dict[str, Any] = {"schemas": [ERROR_URN], "status": str(self.status)}
        if self.scim_type:
            body["scimType"] = self.scim_type
        body["detail"] = self.detail
        return body

    def __repr__(self) -> str:
        return f"ScimError({self.status}, {self.detail!r}, {self.scim_type!r})"


def bad_request(scim_type: str, detail: str) -> ScimError:
    return ScimError(400, detail, scim_type)


def not_found(detail: str) -> ScimError:
    return ScimError(404, detail)


def conflict(detail: str) -> ScimError:
    return ScimError(409, detail, UNIQUENESS)
