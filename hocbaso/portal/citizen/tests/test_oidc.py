"""Citizen login against the real local OpenID Connect provider."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import SuspiciousOperation

from hocbaso.portal.citizen.auth import CitizenOIDCBackend
from hocbaso.portal.citizen.models import CitizenAccount, Guardianship, Relation
from hocbaso.portal.citizen.tests.conftest import (
    NOBODY,
    PARENT,
    citizen_login,
    provider_authorize,
)

pytestmark = pytest.mark.django_db


def _guardian(student, who=PARENT, relation=Relation.FATHER):
    return Guardianship.objects.create(
        student=student,
        guardian_personal_id=who[0],
        guardian_name=who[1],
        relation=relation,
    )


def test_a_parent_logs_in_and_sees_the_childs_transcript(client, oidc, world):
    _guardian(world.a.student)
    start = client.get("/me/oidc/start/?next=/me/")
    query = parse_qs(urlsplit(start["Location"]).query)
    # Authorization code flow with PKCE (S256), state and nonce.
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"] and query["nonce"] and query["code_challenge"]
    back = provider_authorize(start["Location"], PARENT[0], PARENT[2])
    parts = urlsplit(back)
    response = client.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 302
    assert response["Location"] == "/me/"

    account = CitizenAccount.objects.get(personal_id=PARENT[0])
    assert account.full_name == PARENT[1]
    assert not account.user.is_staff and not account.user.has_usable_password()

    page = client.get("/me/")
    assert page.status_code == 200
    assert world.a.student.full_name in page.content.decode()
    assert world.b.student.full_name not in page.content.decode()


def test_a_second_login_reuses_the_account(client, oidc, world):
    citizen_login(client, PARENT[0], PARENT[2])
    client.logout()
    citizen_login(client, PARENT[0], PARENT[2])
    assert CitizenAccount.objects.filter(personal_id=PARENT[0]).count() == 1


def test_a_citizen_with_no_transcripts_sees_a_clear_empty_state(client, oidc, world):
    citizen_login(client, NOBODY[0], NOBODY[2])
    page = client.get("/me/")
    text = page.content.decode()
    assert 'id="no-transcripts"' in text
    assert "Chưa có học bạ" in text  # Vietnamese by default


def test_a_bad_state_is_refused_and_logs_nobody_in(client, oidc, world):
    start = client.get("/me/oidc/start/?next=/me/")
    back = provider_authorize(start["Location"], PARENT[0], PARENT[2])
    query = parse_qs(urlsplit(back).query)
    response = client.get(
        "/me/oidc/callback/", {"code": query["code"][0], "state": "forged-state"}
    )
    assert response.status_code == 400
    assert not CitizenAccount.objects.exists()
    assert client.get("/me/").status_code == 302  # still anonymous


def test_a_callback_without_a_login_started_here_is_refused(client, oidc, world):
    start = client.get("/me/oidc/start/?next=/me/")
    back = provider_authorize(start["Location"], PARENT[0], PARENT[2])
    parts = urlsplit(back)
    other = client.__class__()  # another browser: no state in its session
    response = other.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 302
    assert response["Location"] == "/me/login/failed/"
    assert not CitizenAccount.objects.exists()


def test_a_token_from_another_issuer_is_refused_in_the_real_flow(
    client, oidc, settings, world
):
    settings.OIDC_OP_ISSUER = "http://127.0.0.1:9/o"  # not who signs the tokens
    response = citizen_login(client, PARENT[0], PARENT[2])
    assert response.status_code == 400
    assert "Đăng nhập không thành công" in response.content.decode()
    assert not CitizenAccount.objects.exists()
    assert client.get("/me/").status_code == 302


def _signed(provider, claims, *, key=None, kid=None):
    jwks = requests.get(f"{provider.issuer}/.well-known/jwks.json", timeout=5).json()
    kid = kid or jwks["keys"][0]["kid"]
    return jwt.encode(
        claims, key or provider.private_key_pem, algorithm="RS256", headers={"kid": kid}
    )


def _claims(provider, **changes):
    now = int(time.time())
    claims = {
        "iss": provider.issuer,
        "aud": provider.client_id,
        "sub": "1",
        "iat": now,
        "exp": now + 300,
        "nonce": "n-1",
        "personal_id": PARENT[0],
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def test_the_id_token_checks(oidc):
    backend = CitizenOIDCBackend()
    good = _signed(oidc, _claims(oidc))
    assert backend.verify_token(good, nonce="n-1")["personal_id"] == PARENT[0]

    refused = {
        "wrong audience": _signed(oidc, _claims(oidc, aud="another-client")),
        "wrong issuer": _signed(oidc, _claims(oidc, iss="http://evil.example/o")),
        "expired": _signed(oidc, _claims(oidc, exp=int(time.time()) - 3600)),
        "no audience": _signed(oidc, _claims(oidc, aud=None)),
    }
    for what, token in refused.items():
        with pytest.raises(SuspiciousOperation):
            backend.verify_token(token, nonce="n-1")
            pytest.fail(what)
    with pytest.raises(SuspiciousOperation):
        backend.verify_token(good, nonce="another-nonce")
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(SuspiciousOperation):
        backend.verify_token(_signed(oidc, _claims(oidc), key=stranger), nonce="n-1")
    hs = jwt.encode(_claims(oidc), oidc.client_secret, algorithm="HS256")
    with pytest.raises(SuspiciousOperation):
        backend.verify_token(hs, nonce="n-1")


def test_login_is_switched_off_without_configuration(client, settings, world):
    settings.OIDC_RP_CLIENT_ID = ""
    page = client.get("/me/login/")
    assert page.status_code == 200
    assert "chưa được thiết lập" in page.content.decode()
    assert client.get("/me/oidc/start/")["Location"] == "/me/login/"
