"""A real OpenID Connect provider for the citizen tests, started once per run.

The demo provider (hocbaso.portal.citizen.devprovider) runs as a subprocess on
127.0.0.1 with its own SQLite file and an RSA key generated in a temporary
directory. Its citizens (personal id, password) are below; a test links them to
students with a Guardianship. ``running_provider`` starts another one with other
citizens (the demo's, in test_demo_start_here.py).
"""

from __future__ import annotations

import contextlib
import html.parser
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

CLIENT_ID = "hocbaso-test"
PARENT = ("001085012345", "Nguyễn Văn Hùng", "parent-pass-1")
OTHER_PARENT = ("001185054321", "Trần Thị Lan", "parent-pass-2")
NOBODY = ("001090011111", "Lê Văn Không", "nobody-pass-3")


@dataclass(frozen=True)
class Provider:
    base: str
    issuer: str
    client_id: str
    client_secret: str
    data_dir: Path

    @property
    def private_key_pem(self) -> bytes:
        return (self.data_dir / "oidc.key").read_bytes()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_provider(root: Path, citizens: list[dict]) -> Iterator[Provider]:
    """The demo provider as a subprocess with these citizens (personal_id, name,
    password), its data under ``root``; stopped on exit."""
    root.mkdir(parents=True, exist_ok=True)
    users = root / "users.json"
    users.write_text(json.dumps(citizens, ensure_ascii=False), encoding="utf-8")
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hocbaso.portal.citizen.devprovider",
            "--data-dir",
            str(root / "data"),
            "--port",
            str(port),
            "--client-id",
            CLIENT_ID,
            "--client-secret-file",
            str(root / "client_secret"),
            "--redirect-uri",
            "http://testserver/me/oidc/callback/",
            "--redirect-uri",
            "http://127.0.0.1/me/oidc/callback/",
            "--redirect-uri",
            "http://localhost/me/oidc/callback/",
            "--users",
            str(users),
            "--fast-password-hashing",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = process.stdout.readline()
        if not line.startswith("devprovider ready"):
            raise RuntimeError(
                f"the provider did not start: {line}{process.stdout.read()}"
            )
        base = f"http://127.0.0.1:{port}"
        for _ in range(50):
            try:
                requests.get(f"{base}/o/.well-known/jwks.json", timeout=30)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        yield Provider(
            base=base,
            issuer=f"{base}/o",
            client_id=CLIENT_ID,
            client_secret=(root / "client_secret").read_text().strip(),
            data_dir=root / "data",
        )
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def provider(tmp_path_factory):
    citizens = [
        {"personal_id": p, "name": n, "password": pw}
        for p, n, pw in (PARENT, OTHER_PARENT, NOBODY)
    ]
    with running_provider(tmp_path_factory.mktemp("oidc-provider"), citizens) as p:
        yield p


def point_at(settings, provider: Provider) -> Provider:
    """Point hocbaso's citizen login at ``provider``."""
    settings.OIDC_OP_ISSUER = provider.issuer
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider.issuer}/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider.issuer}/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider.issuer}/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider.issuer}/.well-known/jwks.json"
    settings.OIDC_RP_CLIENT_ID = provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = provider.client_secret
    return provider


@pytest.fixture
def oidc(settings, provider):
    """Point hocbaso's citizen login at the test provider."""
    return point_at(settings, provider)


class _Form(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("type") == "hidden" and a.get("name"):
            self.fields[a["name"]] = a.get("value") or ""


def hidden_fields(text: str) -> dict[str, str]:
    parser = _Form()
    parser.feed(text)
    return parser.fields


def provider_authorize(authorize_url: str, username: str, password: str) -> str:
    """Log in at the provider and consent, like a person would; answer the URL
    the provider redirects back to (hocbaso's callback with code and state)."""
    s = requests.Session()
    r = s.get(authorize_url, allow_redirects=False, timeout=10)
    assert r.status_code == 302, r.text
    login_url = urljoin(authorize_url, r.headers["Location"])
    assert urlsplit(login_url).path == "/accounts/login/"
    page = s.get(login_url, timeout=10)
    form = hidden_fields(page.text)
    form.update(username=username, password=password)
    r = s.post(login_url, data=form, allow_redirects=False, timeout=10)
    assert r.status_code == 302, "the provider refused the login"
    r = s.get(urljoin(login_url, r.headers["Location"]), allow_redirects=False)
    if r.status_code == 200:  # the consent page
        form = hidden_fields(r.text)
        form["allow"] = "Authorize"
        r = s.post(r.url, data=form, allow_redirects=False, timeout=10)
    assert r.status_code == 302, r.text
    return r.headers["Location"]


def citizen_login(client, username: str, password: str):
    """Drive the whole flow with Django's test client; answer the callback's
    response."""
    start = client.get("/me/oidc/start/?next=/me/")
    assert start.status_code == 302
    back = provider_authorize(start["Location"], username, password)
    parts = urlsplit(back)
    assert parts.path == "/me/oidc/callback/"
    return client.get(f"{parts.path}?{parts.query}")


# What real organisations type: a long name, and a purpose holding a word wider
# than a phone's line (the phone-layout browser tests).
LONG_ORGANISATION = "Phòng Tuyển sinh, Trường THPT chuyên Hà Nội – Amsterdam"
LONG_PURPOSE = (
    "Xét tuyển lớp 10 theo hồ sơ https://tuyensinh.example.vn/ho-so/2026/" + "a" * 60
)


def browser_login(page, username: str = PARENT[0], password: str = PARENT[2]):
    """Log a citizen in through the identity provider's pages in the browser,
    allow sharing the identity, and land on /me/."""
    page.goto("/me/")
    with page.expect_navigation():
        page.click("#citizen-login")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.click("button[name=allow]")
    page.wait_for_url("**/me/")


@pytest.fixture(autouse=True)
def _append_only_rows_removed(request):
    """After a transactional test on SQLite, empty the append-only tables."""
    from hocbaso.portal.tests.append_only import append_only_cleanup

    yield from append_only_cleanup(request)
