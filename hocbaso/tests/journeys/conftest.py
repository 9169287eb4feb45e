"""Fixtures of the journeys: the demo provider for the parent's login."""

from hocbaso.portal.citizen.tests.conftest import oidc, provider  # noqa: F401
