"""Checks that a secret is absent from what a run showed. `assert TOKEN not in text` would print
both operands when it fails, putting the token and the text holding it into the very test report
the check guards; `absent` fails naming only where the secret was found."""

from __future__ import annotations


def absent(secret: str, **texts: str) -> None:
    """Raise AssertionError naming the `texts` (by keyword) that hold `secret`, if any do."""
    found = [name for name, text in texts.items() if secret in text]
    if found:
        raise AssertionError(f"a secret appears in: {', '.join(found)}")
