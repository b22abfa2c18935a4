"""What Entra ID's provisioning service sends as queries, and the answers it needs."""

import random
import uuid
from urllib.parse import quote

import pytest

from scimcert.harness.checks import expect, expect_equal, expect_list


@pytest.mark.requirement("entra/test-connection/random-guid")
def test_random_guid_filter_answers_empty_list_response(scim, target):
    guid = uuid.UUID(int=random.Random(target.seed).getrandbits(128), version=4)
    body = expect_list(scim.get("/Users", params={"filter": f'userName eq "{guid}"'}))
    expect_equal(body["totalResults"], 0, "totalResults for a random GUID")
    expect(not body.get("Resources"), "the answer lists no resources",
           expected=[], actual=body.get("Resources"))


@pytest.mark.writes
@pytest.mark.requirement("entra/query/plus-encoded-filter")
def test_plus_encoded_filter_finds_user(make, scim):
    user = make.user()
    expect("@" in user["userName"], "the factory's userName holds an @ (precondition)",
           actual=user["userName"])
    # Entra's shape: spaces as "+", the value percent-encoded (the @ as %40).
    path = f'/Users?filter=userName+eq+%22{quote(user["userName"], safe="")}%22'
    body = expect_list(scim.get(path))
    expect_equal([r.get("id") for r in body.get("Resources", [])], [user["id"]],
                 "ids found by the +-encoded filter")
