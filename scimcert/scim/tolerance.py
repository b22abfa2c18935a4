"""IdP tolerances: what Entra ID, Okta and the SCIM Validator send that RFC 7643/7644 do not allow.

Each switch lets the core accept one such shape; with the switch off the core answers as the RFC
says, usually 400. A switch names the catalogue requirement it serves (fixtures/requirements/),
or, when no requirement covers it, the public document showing the client behaviour it answers.

What RFC 7643/7644 themselves allow is never a switch, however often an IdP relies on it: explicit
nulls are unassigned (RFC 7643 §2.5), attribute names match in any case (§2.1), path-less
`replace` of `active` (Okta) is RFC 7644 §3.5.2.3. `Tolerances.none()` must stay conformant.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


def _serves(requirement: str | None = None, *, source: str | None = None) -> Any:
    return field(default=False, metadata={"requirement": requirement, "source": source})


@dataclass(frozen=True)
class Tolerances:
    """One switch per tolerance; the default, every switch off, is plain RFC behaviour."""

    # PATCH `op` in any case: Entra ID sends "Add", "Replace", "Remove" where RFC 7644 §3.5.2
    # names the lower-case values.
    capitalised_op: bool = _serves("entra/patch/capitalised-op")
    # "True"/"False" strings for a boolean (Entra's default mapping Switch([IsSoftDeleted], ...)
    # yields strings; the SCIM Validator sends "primary": "True"); RFC 7643 §2.3.2 wants a JSON
    # literal. Applies to every boolean, in create, replace and PATCH alike.
    string_booleans: bool = _serves("entra/patch/string-boolean")
    # Keys of a path-less add/replace value that are attribute paths ("name.givenName",
    # "urn:...:User:employeeNumber"), Entra's aadOptscim062020 replace; RFC 7644 §3.5.2.1 makes
    # the value "a set of attributes".
    pathless_path_keys: bool = _serves("entra/patch/pathless-path-keys")
    # `remove` on a multi-valued attribute with a value list removes the listed values (Entra's
    # default member removal); RFC 7644 §3.5.2.2 gives remove no value: without a filter
    # "the attribute and all values are removed". Off, such a remove is refused rather than
    # read as "remove every member".
    remove_value_list: bool = _serves("entra/groups/remove-members-by-value")
    # A path-less replace may repeat a readOnly attribute with its current value: Okta's group
    # rename sends the group's own `id` (RFC 7644 §3.5.2: readOnly is never modified).
    read_only_echo: bool = _serves("okta/groups/pathless-rename")
    # `schemas` of a created or replaced resource may name URNs the resource type does not have:
    # Entra's group create adds the ADSCIM URN, an old Entra user create a misspelt extension URN.
    unknown_schema_urns: bool = _serves("entra/groups/adscim-schema")
    # A sub-attribute after a value filter in a query, `emails[type eq "work"].value eq "x"`,
    # Entra's uniqueness lookup; RFC 7644 §3.4.2.2 (Figure 1) has no such form.
    value_path_sub_attribute: bool = _serves("entra/filter/value-path-sub-attribute")
    # The enterprise manager (a singular reference) as a one-element array, as a bare id, and
    # an empty id meaning "no manager": RFC 7643 §4.3 makes it a complex attribute.
    manager_shapes: bool = _serves(
        source="https://learn.microsoft.com/entra/identity/app-provisioning/"
               "use-scim-to-provision-users-and-groups#handling-provisioning-and-deprovisioning-"
               "of-users (Example 5); SCIM Validator runs seen by third parties")
    # A PatchOp message without `schemas`: some Okta group PATCH examples omit it, where
    # RFC 7644 §3.5.2 names the PatchOp URN.
    patch_without_schemas: bool = _serves(
        source="https://developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20/"
               "#update-specific-group-membership (Okta's group PATCH examples)")
    # A PATCH path naming an extension attribute without its URN ("manager"), as Entra's
    # manager update does; RFC 7644 §3.10 lets clients omit only the core schema's URN.
    unqualified_extension_path: bool = _serves(
        source="https://learn.microsoft.com/entra/identity/app-provisioning/"
               "use-scim-to-provision-users-and-groups#handling-provisioning-and-deprovisioning-"
               "of-users (Entra's manager update, path \"manager\")")

    @classmethod
    def all(cls) -> Tolerances:
        """Every tolerance on: what the reference bridge accepts."""
        return cls(**{name: True for name in names()})

    @classmethod
    def none(cls) -> Tolerances:
        """Every tolerance off: strictly RFC 7643/7644."""
        return cls()

    def without(self, *switches: str) -> Tolerances:
        """These tolerances with `switches` turned off."""
        unknown = set(switches) - set(names())
        if unknown:
            raise ValueError(f"no such tolerance: {', '.join(sorted(unknown))}")
        return type(self)(**{name: getattr(self, name) and name not in switches
                             for name in names()})


STRICT = Tolerances()


def names() -> tuple[str, ...]:
    """The switch names, in declaration order."""
    return tuple(f.name for f in fields(Tolerances))


def requirement(name: str) -> str | None:
    """The catalogue requirement switch `name` serves, if the catalogue has one."""
    return _field(name).metadata["requirement"]


def source(name: str) -> str | None:
    """Where the behaviour of switch `name` is documented when no requirement covers it."""
    return _field(name).metadata["source"]


def _field(name: str) -> Any:
    for found in fields(Tolerances):
        if found.name == name:
            return found
    raise KeyError(name)
