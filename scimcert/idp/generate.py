"""Synthetic Entra tenants of any size, deterministic by seed: user `i` (and group `g`) is
computed from (seed, i) whenever it is asked for, so a tenant of 100,000 users costs no memory
until a change overrides one of them. `python -m scimcert.idp.generate --users N` writes one as a
directory file."""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator, MutableMapping
from typing import IO, Any

from scimcert.idp.directory import ALL, Directory, Group

GIVEN = ("Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia",
         "Leslie", "Margaret", "Tim", "Hedy", "John", "Katherine", "Linus", "Shafi", "Whitfield")
FAMILY = ("Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson",
          "Perlman", "Lamport", "Hamilton", "Berners-Lee", "Lamarr", "Backus", "Johnson",
          "Torvalds", "Goldwasser", "Diffie")
LANGUAGES = ("en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "ja-JP", "pt-BR", "nl-NL")
DEPARTMENTS = ("Engineering", "Finance", "Sales", "Support", "Marketing", "Operations", "Legal")
DOMAIN = "synthetic.example"
# A user in ten reports to the user ten places before; the rest report to user 0.
SPAN = 10


def uid(seed: int, index: int) -> str:
    return f"{seed & 0xffffffff:08x}-0000-4000-8000-{index:012x}"


def gid(seed: int, index: int) -> str:
    return f"{seed & 0xffffffff:08x}-0000-4000-9000-{index:012x}"


def _index(text: str, seed: int, kind: str) -> int | None:
    head = f"{seed & 0xffffffff:08x}-0000-4000-{kind}-"
    if not text.startswith(head) or len(text) != len(head) + 12:
        return None
    try:
        return int(text[len(head):], 16)
    except ValueError:
        return None


def user(seed: int, index: int, *, disabled: float = 0.0) -> dict[str, Any]:
    rng = random.Random(f"{seed}:user:{index}")
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    nick = f"{given.lower()}.{family.lower()}.{index}"
    out: dict[str, Any] = {
        "id": uid(seed, index), "userPrincipalName": f"{nick}@{DOMAIN}",
        "mail": f"{nick}@{DOMAIN}", "mailNickname": nick,
        "displayName": f"{given} {family}", "givenName": given, "surname": family,
        "preferredLanguage": rng.choice(LANGUAGES),
        "accountEnabled": rng.random() >= disabled,
        "jobTitle": "Engineer", "department": rng.choice(DEPARTMENTS),
        "employeeId": str(100000 + index),
    }
    if index:
        out["manager"] = uid(seed, index - SPAN if index % SPAN == 0 else 0)
    return out


class Users(MutableMapping[str, dict[str, Any]]):
    """The users of a generated tenant by id, computed on access; changes override them."""

    def __init__(self, size: int, seed: int, disabled: float) -> None:
        self.size, self.seed, self.disabled = size, seed, disabled
        self.changed: dict[str, dict[str, Any]] = {}
        self.deleted: set[str] = set()

    def __getitem__(self, key: str) -> dict[str, Any]:
        if key in self.changed:
            return self.changed[key]
        index = _index(key, self.seed, "8000")
        if index is None or index >= self.size or key in self.deleted:
            raise KeyError(key)
        return user(self.seed, index, disabled=self.disabled)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        if key in self.changed:
            return True
        index = _index(key, self.seed, "8000")
        return index is not None and index < self.size and key not in self.deleted

    def __iter__(self) -> Iterator[str]:
        for index in range(self.size):
            key = uid(self.seed, index)
            if key not in self.deleted:
                yield key
        yield from (k for k in self.changed if _index(k, self.seed, "8000") is None)

    def __len__(self) -> int:
        extra = sum(1 for k in self.changed if _index(k, self.seed, "8000") is None)
        return self.size - len(self.deleted) + extra

    def __setitem__(self, key: str, value: dict[str, Any]) -> None:
        self.changed[key] = value
        self.deleted.discard(key)

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        self.changed.pop(key, None)
        self.deleted.add(key)


class Groups(MutableMapping[str, Group]):
    """Group `g` holds the users whose index is `g` modulo the number of groups."""

    def __init__(self, count: int, size: int, seed: int) -> None:
        self.count, self.size, self.seed = count, size, seed
        self.changed: dict[str, Group] = {}
        self.deleted: set[str] = set()

    def __getitem__(self, key: str) -> Group:
        if key in self.changed:
            return self.changed[key]
        index = _index(key, self.seed, "9000")
        if index is None or index >= self.count or key in self.deleted:
            raise KeyError(key)
        members = [uid(self.seed, i) for i in range(index, self.size, self.count)]
        return Group(key, f"Team {index:04d}", members)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        index = _index(key, self.seed, "9000")
        return key in self.changed or (index is not None and index < self.count
                                       and key not in self.deleted)

    def __iter__(self) -> Iterator[str]:
        for index in range(self.count):
            key = gid(self.seed, index)
            if key not in self.deleted:
                yield key
        yield from (k for k in self.changed if _index(k, self.seed, "9000") is None)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __setitem__(self, key: str, value: Group) -> None:
        self.changed[key] = value
        self.deleted.discard(key)

    def __delitem__(self, key: str) -> None:
        self.changed.pop(key, None)
        self.deleted.add(key)


def tenant(users: int, *, groups: int | None = None, seed: int = 0,
           disabled: float = 0.0) -> Directory:
    """A tenant of `users` users in `groups` groups (default one per 50 users), every user and
    group in scope ('Sync all users and groups'); `disabled` of the users have
    accountEnabled false."""
    count = max(1, users // 50) if groups is None else groups
    return Directory(Users(users, seed, disabled), Groups(count, users, seed), set(), ALL)


def write(directory: Directory, stream: IO[str]) -> None:
    """The tenant as a directory file, one user at a time."""
    stream.write('{\n  "scoping": "all",\n  "users": [\n')
    for number, key in enumerate(directory.users):
        comma = ",\n" if number else ""
        stream.write(comma + "    " + json.dumps(directory.users[key], ensure_ascii=False))
    stream.write('\n  ],\n  "groups": [\n')
    for number, key in enumerate(directory.groups):
        group = directory.groups[key]
        comma = ",\n" if number else ""
        stream.write(comma + "    " + json.dumps({"id": group.id, "displayName":
                                                  group.displayName, "members": group.members}))
    stream.write("\n  ]\n}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scimcert.idp.generate",
                                     description="Write a synthetic tenant as a directory file.")
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--groups", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--disabled", type=float, default=0.0,
                        help="share of users with accountEnabled false (0 to 1)")
    args = parser.parse_args(argv)
    write(tenant(args.users, groups=args.groups, seed=args.seed, disabled=args.disabled),
          sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
