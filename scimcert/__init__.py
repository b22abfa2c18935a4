"""scimcert: conformance suite for SCIM 2.0 provisioning bridges, with a reference bridge."""

__version__ = "0.1.0"
