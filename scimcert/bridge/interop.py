"""The reference bridge keeping the IETF draft SCIM interoperability profile
(draft-zollner-scim-interop-profile-01): `scimcert serve --interop`, and in-process
`--scim-app scimcert.bridge.interop:create_app`.

It is the 1Password bridge with its IdP tolerances, claiming the profile in its
ServiceProviderConfig (§4) and keeping every rule of `Profile.interop()`: path-less PATCH
operations, undeclared attributes and schema URIs refused with invalidSyntax, a whole complex
attribute replaced by replace, only typed attributes whose types it can name served. Where a
tolerance and the profile disagree (Entra's path-less PATCH, its extra schema URNs), the profile
wins, so Entra ID's default provisioning job cannot use this mode.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from scimcert.bridge import app
from scimcert.scim.profile import Profile


def create_app(*, profile: Profile | None = None, **options: Any) -> Starlette:
    """The reference bridge claiming the interop profile; `profile` (default: every rule)
    says which of its rules it keeps, so a self-test can break one."""
    return app.create_app(profile=Profile.interop() if profile is None else profile, **options)
