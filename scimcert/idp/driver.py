"""A scenario's steps sent as one IdP sends them: each step an intent with its references
resolved, rendered by a dialect into that IdP's requests, sent over the wire, and its answer read
as the IdP reads it (a create's new id, a lookup's single hit).

The driver knows nothing of pytest or of grading: a step whose answer the IdP could not go on
from raises `StepFailed` with what it expected and the exchange that broke it, and the caller
files it. Reading `current` for the dialects that send whole resources is the IdP's own GET
(Okta's App Integration Wizard apps GET before every PUT), so it is sent through the same client.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from scimcert.idp.dialect import Dialect, Quirk
from scimcert.idp.intent import Intent
from scimcert.idp.request import Request
from scimcert.wire import Client, json_of

REFERENCE = re.compile(r"\{(user|group|person):([a-z][a-z0-9]*)\}")
ENDPOINTS = {"user": "/Users", "group": "/Groups"}
# Intents acting on a resource a dialect may need as last read (a PUT sends it whole, RFC 7644
# §3.5.1; a difference of members needs the members held).
ON_RESOURCE = {
    "update_user": "user", "change_username": "user", "deactivate_user": "user",
    "reactivate_user": "user", "rename_group": "group", "update_group": "group",
    "add_members": "group", "remove_members": "group", "replace_members": "group",
}


class StepFailed(Exception):
    """A step's answer the IdP cannot go on from."""

    def __init__(self, index: int, step: dict[str, Any], what: str, expected: Any,
                 response: httpx.Response | None) -> None:
        super().__init__(f"step {index + 1} ({step['intent']}): {what}")
        self.index = index
        self.step = step
        self.what = what
        self.expected = expected
        self.response = response
        # The dialect quirks whose removal lets the step through, when some do.
        self.quirks: tuple[Quirk, ...] = ()


@dataclass
class Driver:
    """Runs steps through `dialect` over `client`. `ids` maps `{user:x}` / `{group:x}` to the
    target's ids (the caller seeds it with what it created beforehand); `people` maps person
    names to their neutral Person; `refused_token` is the bearer token a step with invalid
    credentials is sent with; `created` collects (endpoint, id) of what the steps create."""

    dialect: Dialect
    client: Client
    people: dict[str, dict[str, Any]]
    ids: dict[str, str] = field(default_factory=dict)
    refused_token: str = "scimcert-not-a-token"
    created: list[tuple[str, str]] = field(default_factory=list)
    on_created: Callable[[str, str], None] | None = None
    # Applied to each request before it is sent (an RFC client cuts its bodies to what the
    # target declares); None: sent as rendered, as an IdP sends it.
    fit: Callable[[Request], Request] | None = None

    def run(self, steps: list[dict[str, Any]]) -> dict[str, str]:
        for index, step in enumerate(steps):
            self.step(index, step)
        return self.ids

    def step(self, index: int, step: dict[str, Any]) -> None:
        client = self.client
        if step.get("credentials") == "invalid":
            client = client.with_token(self.refused_token)
        args = self.resolve(step["args"])
        kind = ON_RESOURCE.get(step["intent"])
        if kind is not None:
            args["current"] = self.current(index, step, kind, args["id"])
        intent = Intent(step["intent"], args)
        requests = self.dialect.render(intent)
        responses = [self.send(client, request) for request in requests]
        if responses:
            try:
                self.read(index, step, responses)
            except StepFailed as exc:
                exc.quirks = self.refused_quirks(client, intent, exc)
                raise
        empty = self.dialect.creates_groups_empty
        if step["intent"] == "create_group" and args["members"] and empty:
            # Entra and Okta create a group empty and add its first members once it has an id.
            self.step(index, {"intent": "add_members",
                              "args": {"id": step["binds"], "members": step["args"]["members"]}})

    def refused_quirks(self, client: Client, intent: Intent,
                       failure: StepFailed) -> tuple[Quirk, ...]:
        """The quirks the target refused (Dialect.refused); only a 4xx refusal is examined."""
        status = failure.response.status_code if failure.response is not None else 0
        if not 400 <= status < 500 or failure.expected == 401:
            return ()
        return self.dialect.refused(intent, lambda r: self.send(client, r), self.made)

    def resolve(self, value: Any) -> Any:
        """`value` with every reference replaced: a whole `{person:x}` by the Person (its own
        references resolved), `{user:x}` / `{group:x}` by the id bound to it."""
        if isinstance(value, dict):
            return {key: self.resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, str):
            return value
        whole = REFERENCE.fullmatch(value)
        if whole and whole[1] == "person":
            return self.resolve(dict(self.people[whole[2]]))
        return REFERENCE.sub(lambda m: self.ids[m[0]], value)

    def current(self, index: int, step: dict[str, Any], kind: str, rid: str) -> dict[str, Any]:
        resp = self.client.get(f"{ENDPOINTS[kind]}/{rid}")
        if resp.status_code != 200:
            raise StepFailed(index, step, f"the {kind} to change cannot be read", 200, resp)
        return resp.json()

    def send(self, client: Client, request: Request) -> httpx.Response:
        if self.fit is not None:
            request = self.fit(request)
        return client.request(request.method, request.path, params=list(request.params) or None,
                               json=request.body, headers=dict(request.headers) or None)

    def read(self, index: int, step: dict[str, Any], responses: list[httpx.Response]) -> None:
        """Judge the step's last answer as the IdP does, and bind what it makes known."""
        expect = step.get("expect", "ok")
        last = responses[-1]
        for resp in responses[:-1]:
            if not resp.is_success:
                raise StepFailed(index, step, "a request of the step is refused", "2xx", resp)
        if expect == "refused":
            if last.status_code != 401:
                raise StepFailed(index, step, "a request with a bad token is refused", 401, last)
            return
        if not last.is_success:
            raise StepFailed(index, step, "the request is answered with success", "2xx", last)
        if expect in ("found", "none"):
            self.found(index, step, expect, last)
        elif "binds" in step:
            self.bind(index, step, last)

    def found(self, index: int, step: dict[str, Any], expect: str,
              resp: httpx.Response) -> None:
        body = json_of(resp)
        hits = body.get("Resources") if isinstance(body, dict) else None
        hits = hits if isinstance(hits, list) else []
        wanted = 1 if expect == "found" else 0
        if len(hits) != wanted or (isinstance(body, dict) and body.get("totalResults") != wanted):
            raise StepFailed(index, step, f"the lookup finds {wanted} resource(s)",
                             f"totalResults {wanted}", resp)
        if hits and "binds" in step:
            self.ids[step["binds"]] = str(hits[0].get("id"))

    def bind(self, index: int, step: dict[str, Any], resp: httpx.Response) -> None:
        body = json_of(resp)
        rid = body.get("id") if isinstance(body, dict) else None
        if not isinstance(rid, str) or not rid:
            raise StepFailed(index, step, "the create answers the new resource's id",
                             "a body with an id", resp)
        self.ids[step["binds"]] = rid
        self.made(ENDPOINTS[REFERENCE.fullmatch(step["binds"])[1]], rid)

    def made(self, endpoint: str, rid: str) -> None:
        """A resource a step (or a step sent again without a quirk) created."""
        self.created.append((endpoint, rid))
        if self.on_created is not None:
            self.on_created(endpoint, rid)

