"""Target settings resolve option > environment > ini, each with its source; the token is masked."""

from __future__ import annotations

import pytest

from scimcert.harness.target import SettingError, mask_url, resolve
from tests.secret import absent

URL = "https://bridge.example/scim/v2"
TOKEN = "s3cret-token-value"


def test_option_wins_over_env_and_ini() -> None:
    target = resolve({"url": URL}, {"SCIM_URL": "https://env.example"},
                     {"url": "https://ini.example"})
    assert (target.url, target.sources["url"]) == (URL, "from option")


def test_env_wins_over_ini() -> None:
    target = resolve({}, {"SCIM_URL": URL}, {"url": "https://ini.example"})
    assert (target.url, target.sources["url"]) == (URL, "from env SCIM_URL")


def test_ini_is_used_last() -> None:
    target = resolve({}, {}, {"url": URL, "timeout": "2.5"})
    assert (target.url, target.sources["url"]) == (URL, "from ini scim_url")
    assert (target.timeout, target.sources["timeout"]) == (2.5, "from ini scim_timeout")


def test_defaults_without_any_setting() -> None:
    target = resolve({}, {}, {}, now=lambda: 12.345)
    assert target.url is None
    assert target.timeout == 10.0
    assert target.email_domain == "example.com"
    assert (target.seed, target.sources["seed"]) == (12345, "default: from the time")


def test_in_process_always_allows_writes() -> None:
    assert resolve({}, {}, {}).allow_writes is True


def test_url_without_allow_writes_is_read_only() -> None:
    assert resolve({"url": URL}, {}, {}).allow_writes is False
    assert resolve({"url": URL}, {"SCIM_ALLOW_WRITES": "true"}, {}).allow_writes is True


def test_header_masks_token_and_names_sources() -> None:
    target = resolve({"url": URL, "headers": ["X-Api-Key: k3y-value"]},
                     {"SCIM_TOKEN": TOKEN, "SCIM_SEED": "7"}, {})
    text = "\n".join(target.header_lines())
    assert f"scim target: {URL} (from option)" in text
    assert "scim token: *** (from env SCIM_TOKEN)" in text
    assert "scim seed: 7 (from env SCIM_SEED)" in text
    assert "X-Api-Key: ***" in text
    absent(TOKEN, header=text)
    absent("k3y-value", header=text)
    absent(TOKEN, repr=repr(target))


def test_secrets_include_token_headers_and_url_password() -> None:
    target = resolve({"url": "https://u:pa55word@h.example/scim"},
                     {"SCIM_TOKEN": TOKEN, "SCIM_HEADERS": "X-Key: hv-123"}, {})
    assert set(target.secrets()) == {TOKEN, "hv-123", "pa55word"}
    assert mask_url(target.url) == "https://***@h.example/scim"


@pytest.mark.parametrize(("env", "message"), [
    pytest.param({"SCIM_TIMEOUT": "soon"}, "not a number of seconds", id="timeout"),
    pytest.param({"SCIM_SEED": "x"}, "not an integer", id="seed"),
    pytest.param({"SCIM_STRICT": "maybe"}, "not a boolean", id="strict"),
    pytest.param({"SCIM_URL": "ftp://x"}, "not an http(s) URL", id="url"),
    pytest.param({"SCIM_HEADERS": "novalue"}, "a header is NAME:VALUE", id="header"),
])
def test_bad_values_name_the_setting(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingError, match="env SCIM_") as raised:
        resolve({}, env, {})
    assert message in str(raised.value)


def test_strict_bridge_is_off_by_default_and_shown_for_the_reference_bridge() -> None:
    default = resolve({}, {}, {})
    assert default.strict_bridge is False
    assert "scim bridge IdP tolerances: on: Entra, Okta and SCIM Validator shapes accepted " \
           "(default)" in default.header_lines()
    strict = resolve({}, {"SCIM_STRICT_BRIDGE": "1"}, {})
    assert (strict.strict_bridge, strict.strict) == (True, False)
    assert "scim bridge IdP tolerances: off: RFC 7643/7644 only (from env SCIM_STRICT_BRIDGE)" \
           in strict.header_lines()


@pytest.mark.parametrize("other", [{"url": URL}, {"app": "tests.bridge.rfc:rfc_bridge"}])
def test_strict_bridge_needs_the_in_process_reference_bridge(other) -> None:
    with pytest.raises(SettingError, match="in-process reference bridge"):
        resolve({**other, "strict_bridge": True}, {}, {})


def test_interop_grading_is_off_by_default_and_shown() -> None:
    default = resolve({}, {}, {})
    assert default.interop is False
    assert "scim interop profile: graded where the target claims it (default)" \
        in default.header_lines()
    asked = resolve({}, {"SCIM_INTEROP": "true"}, {})
    assert (asked.interop, asked.strict) == (True, False)
    assert "scim interop profile: graded as claimed (--scim-interop) (from env SCIM_INTEROP)" \
        in asked.header_lines()


def test_hypothesis_profile_defaults_to_ci_and_is_chosen_like_every_setting() -> None:
    assert resolve({}, {}, {}).hypothesis_profile == "ci"
    chosen = resolve({"hypothesis_profile": "Thorough"}, {"SCIM_HYPOTHESIS_PROFILE": "dev"}, {})
    assert chosen.hypothesis_profile == "thorough"
    assert any(line.startswith("scim hypothesis profile: thorough (from option): 25 times")
               for line in chosen.header_lines())
    with pytest.raises(SettingError, match="choose one of ci, dev, thorough"):
        resolve({}, {"SCIM_HYPOTHESIS_PROFILE": "nightly"}, {})
