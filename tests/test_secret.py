"""`absent` fails naming where a secret was found, never showing the secret or the text."""

from __future__ import annotations

import pytest

from tests.secret import absent

SECRET = "s3cret-bearer-token-value"


def test_absent_passes_when_no_text_holds_the_secret():
    absent(SECRET, stdout="nothing here", report="Bearer ***")


def test_absent_names_only_the_texts_holding_the_secret():
    with pytest.raises(AssertionError) as raised:
        absent(SECRET, stdout="clean", server_log=f"Authorization: Bearer {SECRET}")
    assert str(raised.value) == "a secret appears in: server_log"
