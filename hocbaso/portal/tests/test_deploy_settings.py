"""Production settings pass Django's deployment checks; the demo's relax only what
plain http on 127.0.0.1 needs; the API's docs load no script from elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

PRODUCTION = {
    "HOCBASO_DEBUG": "false",
    "HOCBASO_SECRET_KEY": "k" * 20
    + "-production-secret-key-of-sufficient-length-0123456789",
    "HOCBASO_ALLOWED_HOSTS": "hocba.example.vn",
    "HOCBASO_TRUSTED_PROXIES": "10.0.0.1",
    "HOCBASO_SSL_REDIRECT": "true",
}


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    # the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is theirs, not a deployment's
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("HOCBASO_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    full = {**inherited, **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _setting(env: dict[str, str], expression: str) -> str:
    code = f"from django.conf import settings; print({expression})"
    result = _run(env, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_the_production_settings_pass_the_deployment_checks(tmp_path):
    env = {**PRODUCTION, "HOCBASO_DATA_DIR": str(tmp_path)}
    result = _run(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_cookies_are_secure_with_hsts_and_the_proxy_header(tmp_path):
    env = {**PRODUCTION, "HOCBASO_DATA_DIR": str(tmp_path)}
    shown = _setting(
        env,
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SECURE_HSTS_SECONDS, settings.SECURE_PROXY_SSL_HEADER",
    )
    assert shown == "True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https')"


def test_the_demo_on_plain_http_keeps_cookies_it_can_send(tmp_path):
    demo = (ROOT / "scripts" / "demo").read_text()
    assert "export HOCBASO_HTTPS=false" in demo and "HOCBASO_SSL_REDIRECT" not in demo
    env = {"HOCBASO_DATA_DIR": str(tmp_path), "HOCBASO_HTTPS": "false"}
    shown = _setting(
        env,
        "settings.SESSION_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS, "
        "settings.SECURE_SSL_REDIRECT, getattr(settings, 'SECURE_PROXY_SSL_HEADER')",
    )
    assert shown == "False 0 False None"


def test_a_wrong_trusted_proxy_stops_the_program_at_start_up(tmp_path):
    env = {"HOCBASO_DATA_DIR": str(tmp_path), "HOCBASO_TRUSTED_PROXIES": "10.0.0.300"}
    result = _run(env, "check")
    assert result.returncode != 0
    assert "HOCBASO_TRUSTED_PROXIES must list addresses" in result.stderr


@pytest.mark.django_db
def test_the_api_docs_load_their_script_from_this_server(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in html.lower() and "https://" not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html
    script = client.get("/static/ninja/swagger-ui-bundle.js")
    assert script.status_code == 200
