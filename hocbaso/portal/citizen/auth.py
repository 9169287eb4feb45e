"""Citizen login through an OpenID Connect provider (VNeID or the demo provider).

mozilla-django-oidc runs the authorization code flow with PKCE, state and
nonce, and checks the ID token's RS256 signature against the provider's JWKS.
This backend adds what it leaves out: the token's issuer, audience, expiry and
issue time are checked, and the citizen is identified by the personal
identification number in the *signed ID token* (the claim named by
``HOCBASO_OIDC_ID_CLAIM``), never by an e-mail address. A citizen is a Django
user that is not staff and has no usable password, linked to a
``CitizenAccount``; a staff login is never reached through this backend.
"""

from __future__ import annotations

import logging
import re

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from hocbaso.portal.citizen.models import CitizenAccount

LOGGER = logging.getLogger(__name__)
PERSONAL_ID = re.compile(r"^[0-9]{12}$")


def oidc_configured() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID and settings.OIDC_OP_AUTHORIZATION_ENDPOINT)


class CitizenOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if request is None or not oidc_configured():
            return None
        return super().authenticate(request, **kwargs)

    def retrieve_matching_jwk(self, token):
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"ID token unreadable: {exc}") from exc
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO or not header.get("kid"):
            raise SuspiciousOperation(
                f"ID token must be {self.OIDC_RP_SIGN_ALGO} with a key id"
            )
        return super().retrieve_matching_jwk(token)

    def _verify_jws(self, payload, key):
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(
                f"ID token algorithm {header.get('alg')!r} is not "
                f"{self.OIDC_RP_SIGN_ALGO}"
            )
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_OP_ISSUER,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
                leeway=30,
            )
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"ID token rejected: {exc}") from exc

    def get_or_create_user(self, access_token, id_token, payload):
        """The citizen named by the signed ID token's personal-id claim."""
        claim = settings.HOCBASO_OIDC_ID_CLAIM
        personal_id = str(payload.get(claim) or "")
        if not PERSONAL_ID.match(personal_id):
            raise SuspiciousOperation(
                f"The ID token's {claim!r} claim is not a 12-digit personal id"
            )
        # The user-info endpoint must describe the same subject (OIDC Core 5.3.2).
        info = self.get_userinfo(access_token, id_token, payload)
        if str(info.get("sub")) != str(payload.get("sub")):
            raise SuspiciousOperation("User info describes another subject")
        name = str(info.get("name") or payload.get("name") or "")[:200]
        return self._citizen_user(personal_id, name, str(payload["iss"]))

    @transaction.atomic
    def _citizen_user(self, personal_id: str, name: str, issuer: str):
        account = (
            CitizenAccount.objects.select_for_update()
            .select_related("user")
            .filter(personal_id=personal_id)
            .first()
        )
        if account is None:
            user_model = get_user_model()
            user = user_model(username=f"citizen-{personal_id}")
            user.set_unusable_password()
            user.is_staff = False
            user.is_superuser = False
            user.first_name = name[:150]
            user.save()
            account = CitizenAccount.objects.create(
                user=user, personal_id=personal_id, full_name=name, issuer=issuer
            )
            return user
        user = account.user
        if user.is_staff or user.is_superuser:
            # A citizen account never carries staff rights; refuse rather than
            # hand staff powers to whoever holds the citizen login.
            raise SuspiciousOperation("A citizen account is linked to a staff user")
        if name and account.full_name != name:
            account.full_name = name
            account.save(update_fields=["full_name"])
        return user
