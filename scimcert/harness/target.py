"""What the run is pointed at, resolved option > environment > ini, each value with its source.

The pattern is pytest-django's `_get_option_with_source`: the report header says where every
setting came from, so a CI log answers "why did it test that URL?".
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scimcert.harness import profile as profiles
from scimcert.harness.properties import profiles as hypothesis
from scimcert.idp.dialect import Dialect

DEFAULT_TIMEOUT = 10.0
DEFAULT_EMAIL_DOMAIN = "example.com"
TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off", ""})


class SettingError(ValueError):
    """A setting has a value that cannot be used."""


@dataclass(frozen=True)
class Setting:
    """One option: its pytest flag, environment variable, ini key, and how to parse text."""

    name: str
    flag: str
    env: str
    ini: str
    parse: Callable[[str], Any]
    help: str


def parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise SettingError(f"not a boolean: {text!r} (use true/false)")


def parse_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise SettingError(f"not an integer: {text!r}") from None


def parse_timeout(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise SettingError(f"not a number of seconds: {text!r}") from None
    if value <= 0:
        raise SettingError(f"timeout must be positive, got {text!r}")
    return value


def parse_url(text: str) -> str:
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingError(f"not an http(s) URL: {mask_url(text)!r}")
    return text.strip().rstrip("/")


def parse_headers(text: str) -> tuple[tuple[str, str], ...]:
    return tuple(parse_header(line) for line in text.splitlines() if line.strip())


def parse_header(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise SettingError(f"a header is NAME:VALUE, got {text.partition(':')[0]!r}…")
    return name.strip(), value.strip()


def _text(value: str) -> str:
    return value


def parse_app(text: str) -> str:
    where, sep, name = text.strip().rpartition(":")
    if not sep or not where or not name.isidentifier():
        raise SettingError(f"an app is MODULE:FACTORY or path/to/file.py:FACTORY, got {text!r}")
    return text.strip()


def parse_hypothesis_profile(text: str) -> str:
    """A hypothesis profile of the property suites (harness/properties/profiles.py)."""
    try:
        return hypothesis.parse(text)
    except ValueError as exc:
        raise SettingError(str(exc)) from None


def parse_dialects(text: str) -> tuple[str, ...]:
    """Dialect names or aliases, separated by commas or spaces, as their canonical names."""
    try:
        return tuple(dict.fromkeys(Dialect.load(name).name
                                   for name in text.replace(",", " ").split()))
    except KeyError as exc:
        raise SettingError(str(exc.args[0])) from None


def parse_profile(text: str) -> str:
    try:
        return profiles.load(text.strip().lower()).name
    except KeyError as exc:
        raise SettingError(str(exc.args[0])) from None


SETTINGS = (
    Setting("profile", "--scim-profile", "SCIM_PROFILE", "scim_profile", parse_profile,
            "what the run is for: smoke (discovery, auth, read-only checks; with writes one "
            "canary user), full (every check, the default) or certification (full, strict, "
            "every dialect)"),
    Setting("url", "--scim-url", "SCIM_URL", "scim_url", parse_url,
            "SCIM base URL of the target (default: the reference bridge in-process)"),
    Setting("token", "--scim-token", "SCIM_TOKEN", "scim_token", _text,
            "bearer token for the target (prefer the environment variable)"),
    Setting("allow_writes", "--scim-allow-writes", "SCIM_ALLOW_WRITES", "scim_allow_writes",
            parse_bool, "let tests create, change and delete resources on a URL target"),
    Setting("strict", "--scim-strict", "SCIM_STRICT", "scim_strict", parse_bool,
            "grading: fail on SHOULD/MAY deviations instead of reporting them"),
    Setting("interop", "--scim-interop", "SCIM_INTEROP", "scim_interop", parse_bool,
            "grading: hold the target to the IETF draft interop profile "
            "(draft-zollner-scim-interop-profile-01) even when its ServiceProviderConfig does "
            "not claim it (interopProfileConformant); unclaimed, its requirements are "
            "deviations at most"),
    Setting("strict_bridge", "--scim-strict-bridge", "SCIM_STRICT_BRIDGE", "scim_strict_bridge",
            parse_bool, "target: the in-process reference bridge with every IdP tolerance off, "
            "answering only as RFC 7643/7644 allow (changes the bridge, not the grading; "
            "see --scim-strict)"),
    Setting("dialects", "--scim-dialect", "SCIM_DIALECT", "scim_dialect", parse_dialects,
            "the IdP dialects suites/provisioning replays (names or aliases, comma separated; "
            "default: every dialect)"),
    Setting("hypothesis_profile", "--scim-hypothesis-profile", "SCIM_HYPOTHESIS_PROFILE",
            "scim_hypothesis_profile", parse_hypothesis_profile,
            "how hard suites/properties tries: ci (default: bounded, derandomised), dev, or "
            "thorough (25 times the examples of ci)"),
    Setting("seed", "--scim-seed", "SCIM_SEED", "scim_seed", parse_int,
            "seed of the test-data generator (default: derived from the time, printed)"),
    Setting("timeout", "--scim-timeout", "SCIM_TIMEOUT", "scim_timeout", parse_timeout,
            "seconds to wait for each answer (default 10)"),
    Setting("insecure", "--scim-insecure", "SCIM_INSECURE", "scim_insecure", parse_bool,
            "do not verify the target's TLS certificate"),
    Setting("ca_bundle", "--scim-ca-bundle", "SCIM_CA_BUNDLE", "scim_ca_bundle", _text,
            "CA bundle file to verify the target's TLS certificate"),
    Setting("headers", "--scim-header", "SCIM_HEADERS", "scim_headers", parse_headers,
            "extra request header NAME:VALUE, repeatable (values are redacted)"),
    Setting("email_domain", "--scim-email-domain", "SCIM_EMAIL_DOMAIN", "scim_email_domain", _text,
            "domain of the e-mail addresses of created users (default example.com)"),
    Setting("report", "--scim-report", "SCIM_REPORT", "scim_report", _text,
            "write the conformance report (json, md, html) into this folder"),
    Setting("app", "--scim-app", "SCIM_APP", "scim_app", parse_app,
            "in-process target: MODULE:FACTORY (or file.py:FACTORY) returning an ASGI app, "
            "called as FACTORY(tokens=[token]) (default: the reference bridge)"),
)
BOOLEAN = frozenset({"allow_writes", "strict", "interop", "strict_bridge", "insecure"})


@dataclass(frozen=True)
class Target:
    """The resolved settings of a run. `url` None means the in-process reference bridge."""

    url: str | None
    token: str | None = field(repr=False)
    allow_writes: bool
    strict: bool
    seed: int
    run_id: str
    email_domain: str = DEFAULT_EMAIL_DOMAIN
    timeout: float = DEFAULT_TIMEOUT
    insecure: bool = False
    ca_bundle: str | None = None
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    report: str | None = None
    app: str | None = None
    strict_bridge: bool = False
    interop: bool = False
    dialects: tuple[str, ...] = ()
    profile: str = profiles.DEFAULT
    hypothesis_profile: str = hypothesis.DEFAULT
    sources: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def in_process(self) -> bool:
        return self.url is None

    def secrets(self) -> tuple[str, ...]:
        """Every value that must never be shown: token, header values, URL password."""
        found = [self.token or "", *(value for _, value in self.headers)]
        if self.url:
            found.append(urlsplit(self.url).password or "")
        return tuple(s for s in found if s)

    def header_lines(self) -> list[str]:
        """The report-header lines: every setting with its source, the token masked."""
        if self.url is not None:
            where = mask_url(self.url)
        else:
            where = f"in-process app {self.app}" if self.app else "in-process reference bridge"
        writes = "allowed" if self.allow_writes else "not allowed (read-only)"
        token = "***" if self.token else "none"
        header_names = ", ".join(f"{name}: ***" for name, _ in self.headers) or "none"
        strict = "on" if self.strict else "off"
        lines = [
            f"scim target: {where} ({self._source('url')})",
            f"scim profile: {self.profile} ({self._source('profile')})",
            f"scim token: {token} ({self._source('token')})",
            f"scim writes: {writes} ({self._source('allow_writes')})",
            f"scim strict: {strict} ({self._source('strict')})",
            f"scim interop profile: {self._interop()} ({self._source('interop')})",
            f"scim seed: {self.seed} ({self._source('seed')}), run id {self.run_id}",
            f"scim hypothesis profile: {self.hypothesis_profile} "
            f"({self._source('hypothesis_profile')}): "
            f"{hypothesis.PROFILES[self.hypothesis_profile].description}",
            f"scim timeout: {self.timeout:g} s ({self._source('timeout')}), "
            f"tls: {self._tls()}, headers: {header_names}",
            f"scim email domain: {self.email_domain} ({self._source('email_domain')})",
        ]
        if self.in_process and self.app is None:
            tolerances = ("off: RFC 7643/7644 only" if self.strict_bridge
                          else "on: Entra, Okta and SCIM Validator shapes accepted")
            lines.append(f"scim bridge IdP tolerances: {tolerances} "
                         f"({self._source('strict_bridge')})")
        return lines

    def _interop(self) -> str:
        return ("graded as claimed (--scim-interop)" if self.interop
                else "graded where the target claims it")

    def _source(self, name: str) -> str:
        return self.sources.get(name, "default")

    def _tls(self) -> str:
        if self.insecure:
            return "not verified"
        return f"CA bundle {self.ca_bundle}" if self.ca_bundle else "verified"


def mask_url(url: str) -> str:
    """`url` without any user:password part."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, f"***@{host}", parts.path, parts.query, parts.fragment))


def lookup(setting: Setting, option: Any, env: Mapping[str, str], ini: Any) -> tuple[Any, str]:
    """The value of one setting and where it came from: option > env > ini > default."""
    if option not in (None, [], ()):
        if setting.name == "headers":
            return tuple(parse_header(h) for h in option), "from option"
        value = option if not isinstance(option, str) else setting.parse(option)
        return value, "from option"
    if env.get(setting.env, "") != "":
        return _parsed(setting, env[setting.env], f"env {setting.env}"), f"from env {setting.env}"
    if ini not in (None, "", []):
        text = "\n".join(ini) if isinstance(ini, list) else str(ini)
        return _parsed(setting, text, f"ini {setting.ini}"), f"from ini {setting.ini}"
    return None, "default"


def _parsed(setting: Setting, text: str, where: str) -> Any:
    try:
        return setting.parse(text)
    except SettingError as exc:
        raise SettingError(f"{where}: {exc}") from None


def resolve(options: Mapping[str, Any], env: Mapping[str, str], ini: Mapping[str, Any],
            *, run_id: str | None = None, now: Callable[[], float] = time.time) -> Target:
    """Build the `Target` from option values, the environment and ini values (keyed by name)."""
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for setting in SETTINGS:
        try:
            value, source = lookup(setting, options.get(setting.name), env, ini.get(setting.name))
        except SettingError as exc:
            raise SettingError(f"{setting.flag}: {exc}") from None
        values[setting.name] = value
        sources[setting.name] = source
    if values["seed"] is None:
        values["seed"] = int(now() * 1000) % 1_000_000
        sources["seed"] = "default: from the time"
    url = values["url"]
    strict_bridge = bool(values["strict_bridge"])
    if strict_bridge and (url is not None or values["app"]):
        # Tolerances are a switch of the reference bridge: a URL or another app has its own.
        raise SettingError("the strict bridge is the in-process reference bridge without its "
                           "IdP tolerances; a URL or app target has its own (serve a strict "
                           "one with: scimcert serve --strict)")
    chosen = profiles.load(values["profile"] or profiles.DEFAULT)
    if chosen.every_dialect and values["dialects"]:
        raise SettingError(f"the {chosen.name} profile replays every dialect; leave out "
                           "--scim-dialect (scimcert run --dialect)")
    if chosen.strict and not values["strict"]:
        values["strict"] = True
        sources["strict"] = f"profile {chosen.name}"
    allow_writes = bool(values["allow_writes"])
    if url is None:
        allow_writes = True
        sources["allow_writes"] = "in-process: always"
    return Target(
        url=url,
        token=values["token"] or None,
        allow_writes=allow_writes,
        strict=bool(values["strict"]),
        seed=values["seed"],
        run_id=run_id or make_run_id(now),
        email_domain=values["email_domain"] or DEFAULT_EMAIL_DOMAIN,
        timeout=values["timeout"] or DEFAULT_TIMEOUT,
        insecure=bool(values["insecure"]),
        ca_bundle=values["ca_bundle"] or None,
        headers=values["headers"] or (),
        report=values["report"] or None,
        app=values["app"] or None,
        strict_bridge=strict_bridge,
        interop=bool(values["interop"]),
        dialects=values["dialects"] or (),
        profile=chosen.name,
        hypothesis_profile=values["hypothesis_profile"] or hypothesis.DEFAULT,
        sources=sources,
    )


def make_run_id(now: Callable[[], float] = time.time) -> str:
    """A short prefix unique to this run: `sc-` and six hex digits of the time and process."""
    stamp = (int(now() * 1_000_000) ^ (os.getpid() << 20)) & 0xFFFFFF
    return f"sc-{stamp:06x}-"
