"""Whether a run holds the target to the draft interop profile (draft-zollner-scim-interop-
profile-01): when the target claims it in its ServiceProviderConfig (§4), or the run asks for it
(--scim-interop). Otherwise a profile requirement not met is a deviation, never a failure, even
under --scim-strict: a bridge is not wrong for not keeping a draft it does not claim (Entra ID
needs the path-less PATCH the profile forbids)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

FLAG = "interopProfileConformant"
NOT_CLAIMED = "interop profile not claimed"


def claims(spc: Mapping[str, Any] | None) -> bool:
    """Whether a ServiceProviderConfig claims the profile. §4: a provider not keeping it "MUST
    either omit this attribute or set its value to false", so any other value is a claim (one
    that is not `true` is then the flag requirement's finding)."""
    return spc is not None and spc.get(FLAG) not in (None, False)


@dataclass(frozen=True)
class Standing:
    """Where the run stands with the profile: asked for, claimed by the target, or neither."""

    asked: bool
    claimed: bool

    @property
    def graded(self) -> bool:
        """A profile requirement not met fails (a MUST) rather than being a deviation."""
        return self.asked or self.claimed

    def note(self) -> str:
        """The line a profile failure or deviation carries."""
        if self.claimed:
            return (f"the target claims the interop profile ({FLAG} in ServiceProviderConfig): "
                    "this failure shows the claim false")
        if self.asked:
            return "the interop profile is asked for (--interop): graded as a claim"
        return (f"{NOT_CLAIMED}: a deviation, not a failure (--interop holds the target to "
                "the profile)")

    def header(self) -> str:
        """The terminal's summary line on the profile."""
        if self.claimed:
            return "claimed by the target: its requirements are graded"
        if self.asked:
            return "asked for (--interop): its requirements are graded"
        return "not claimed by the target: its requirements are deviations at most"
