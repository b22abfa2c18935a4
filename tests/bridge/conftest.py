"""Fixtures for the bridge's HTTP tests: an app with a fixed clock and counter ids, and a client."""

from __future__ import annotations

import itertools
import warnings
from datetime import UTC, datetime, timedelta

import pytest

with warnings.catch_warnings():
    # starlette 1.x suggests httpx2 for its TestClient; httpx is what the project installs.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from scimcert.bridge.account import Account
from scimcert.bridge.app import create_app

TOKEN = "test-token-1f0c"
BASE = "/scim/v2"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


class Clock:
    """A clock that only moves when told to."""

    def __init__(self) -> None:
        self.now = datetime(2025, 1, 15, 9, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def client_for(app, token: str | None = TOKEN) -> TestClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return TestClient(app, headers=headers, raise_server_exceptions=False)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def account(clock) -> Account:
    counter = itertools.count(1)
    return Account(clock=clock, ids=lambda: f"id-{next(counter):04d}")


@pytest.fixture
def app(account):
    return create_app(tokens=[TOKEN], account=account)


@pytest.fixture
def client(app) -> TestClient:
    return client_for(app)


class Api:
    """The test client plus the requests most tests start from."""

    base = BASE

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def user(self, user_name: str, **attributes) -> dict:
        body = {"schemas": [USER], "userName": user_name, **attributes}
        response = self.client.post(f"{BASE}/Users", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    def group(self, name: str, members: list[str] = (), **attributes) -> dict:
        body = {"schemas": [GROUP], "displayName": name, **attributes}
        if members:
            body["members"] = [{"value": m} for m in members]
        response = self.client.post(f"{BASE}/Groups", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    def patch(self, path: str, *operations: dict, **kwargs):
        body = {"schemas": [PATCH], "Operations": list(operations)}
        return self.client.patch(f"{BASE}{path}", json=body, **kwargs)

    def get(self, path: str, **kwargs):
        return self.client.get(f"{BASE}{path}", **kwargs)

    def listed(self, path: str, **params) -> dict:
        response = self.client.get(f"{BASE}{path}", params=params)
        assert response.status_code == 200, response.text
        return response.json()

    @staticmethod
    def error(response, status: int, scim_type: str | None = None) -> dict:
        """The SCIM Error body of `response`, checked against RFC 7644 §3.12."""
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/scim+json"
        body = response.json()
        assert body["schemas"] == [ERROR]
        assert body["status"] == str(status)
        assert body.get("scimType") == scim_type, body
        assert isinstance(body["detail"], str)
        return body


@pytest.fixture
def api(client) -> Api:
    return Api(client)


@pytest.fixture
def bridge(account):
    """Make an Api over an app built with other create_app options."""

    def make(token: str | None = TOKEN, **options) -> Api:
        options.setdefault("tokens", [TOKEN])
        options.setdefault("account", account)
        return Api(client_for(create_app(**options), token))

    return make
