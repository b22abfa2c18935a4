"""Resources the run created, deleted in reverse order at session end and then verified gone."""

from __future__ import annotations

from dataclasses import dataclass

from scimcert.wire import Client, TargetError


@dataclass(frozen=True)
class Leftover:
    """A created resource still present after cleanup (or whose removal could not be checked)."""

    endpoint: str
    id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.endpoint}/{self.id}: {self.reason}"


class Cleanup:
    """Registry of created resources; `run` deletes them newest first, then GETs each."""

    def __init__(self) -> None:
        self.created: list[tuple[str, str]] = []
        self.done = False

    def register(self, endpoint: str, id: str) -> None:
        """Remember `endpoint/id` (e.g. "/Users", "2819c223") for deletion at session end."""
        self.created.append(("/" + endpoint.strip("/"), id))

    def run(self, client: Client) -> list[Leftover]:
        """Delete everything registered, newest first; return what is still there."""
        if self.done:
            return []
        self.done = True
        pending = list(reversed(self.created))
        for endpoint, rid in pending:
            try:
                client.delete(f"{endpoint}/{rid}")
            except TargetError:
                # The final GET below reports whatever this failed to delete.
                continue
        return [left for endpoint, rid in pending if (left := _check(client, endpoint, rid))]


def _check(client: Client, endpoint: str, rid: str) -> Leftover | None:
    try:
        status = client.get(f"{endpoint}/{rid}").status_code
    except TargetError as exc:
        return Leftover(endpoint, rid, f"could not check: {exc}")
    if status == 404:
        return None
    return Leftover(endpoint, rid, f"GET answered {status}, expected 404")
