"""The reference bridge's interop mode (draft-zollner-scim-interop-profile-01): it claims the
profile and refuses what the profile forbids; the default bridge claims nothing."""

from __future__ import annotations

import argparse

from scimcert.bridge import interop, serve
from scimcert.bridge.app import create_app
from scimcert.scim.urns import PATCH_OP_URN, USER_URN
from tests.bridge.conftest import TOKEN, client_for

FLAG = "interopProfileConformant"


def test_default_bridge_does_not_claim_the_profile():
    api = client_for(create_app(tokens=[TOKEN]))
    assert FLAG not in api.get("/scim/v2/ServiceProviderConfig").json()


def test_interop_mode_claims_and_keeps_the_profile():
    api = client_for(interop.create_app(tokens=[TOKEN]))
    assert api.get("/scim/v2/ServiceProviderConfig").json()[FLAG] is True
    user = api.post("/scim/v2/Users", json={"schemas": [USER_URN], "userName": "ada"}).json()
    pathless = api.patch(f"/scim/v2/Users/{user['id']}", json={
        "schemas": [PATCH_OP_URN], "Operations": [{"op": "replace", "value": {"title": "x"}}]})
    assert (pathless.status_code, pathless.json()["scimType"]) == (400, "invalidSyntax")
    # Entra's create with an extra schema URN: accepted by default, refused here.
    extra = api.post("/scim/v2/Users", json={
        "schemas": [USER_URN, "urn:ietf:params:scim:schemas:extension:x:2.0:User"],
        "userName": "grace"})
    assert (extra.status_code, extra.json()["scimType"]) == (400, "invalidSyntax")


def test_serve_takes_interop():
    parser = argparse.ArgumentParser()
    serve.configure(parser)
    assert parser.parse_args(["--interop"]).interop is True
    assert parser.parse_args([]).interop is False
