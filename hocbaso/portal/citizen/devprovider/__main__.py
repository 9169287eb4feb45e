"""Start the demo OpenID Connect provider; see the package docstring."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from pathlib import Path


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)


def prepare_data_dir(data_dir: Path) -> None:
    """Generate the provider's secret key and RSA signing key at first start."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    data_dir.mkdir(parents=True, exist_ok=True)
    if not (data_dir / "secret_key").exists():
        _write_private(data_dir / "secret_key", secrets.token_urlsafe(50))
    if not (data_dir / "oidc.key").exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        _write_private(data_dir / "oidc.key", pem)


def configure(
    *,
    client_id: str,
    client_secret: str,
    redirect_uris: list[str],
    users: list[dict],
    skip_consent: bool,
    name: str = "Học bạ số",
) -> None:
    """Create or update the client application and the citizens' logins."""
    from django.contrib.auth import get_user_model
    from oauth2_provider.models import get_application_model

    application_model = get_application_model()
    app = application_model.objects.filter(client_id=client_id).first()
    if app is None:
        app = application_model(client_id=client_id)
    app.name = name
    app.client_secret = client_secret
    app.hash_client_secret = True
    app.client_type = application_model.CLIENT_CONFIDENTIAL
    app.authorization_grant_type = application_model.GRANT_AUTHORIZATION_CODE
    app.algorithm = application_model.RS256_ALGORITHM
    app.redirect_uris = " ".join(redirect_uris)
    app.skip_authorization = skip_consent
    app.save()

    user_model = get_user_model()
    for entry in users:
        personal_id = str(entry["personal_id"])
        if not (len(personal_id) == 12 and personal_id.isdigit()):
            raise SystemExit(f"not a 12-digit personal id: {personal_id!r}")
        user, _ = user_model.objects.get_or_create(username=personal_id)
        user.first_name = str(entry.get("name", ""))[:150]
        user.set_password(str(entry["password"]))
        user.save()


def _exit_with_parent() -> None:
    """Stop when the process that started us ends (the demo's server)."""
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hocbaso.portal.citizen.devprovider"
    )
    parser.add_argument("--data-dir", required=True, type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--client-id", required=True)
    parser.add_argument(
        "--client-secret-file",
        required=True,
        type=Path,
        help="file holding the client secret (generated when missing)",
    )
    parser.add_argument("--redirect-uri", action="append", required=True)
    parser.add_argument("--users", type=Path, help="JSON list of citizens")
    parser.add_argument("--skip-consent", action="store_true")
    parser.add_argument(
        "--fast-password-hashing",
        action="store_true",
        help="MD5 password hashes, for throwaway test logins only",
    )
    args = parser.parse_args(argv)
    if args.host not in {"127.0.0.1", "localhost"}:
        parser.error("the demo provider serves on 127.0.0.1 only")

    data_dir = args.data_dir.resolve()
    prepare_data_dir(data_dir)
    if not args.client_secret_file.exists():
        args.client_secret_file.parent.mkdir(parents=True, exist_ok=True)
        _write_private(args.client_secret_file, secrets.token_urlsafe(32))
    client_secret = args.client_secret_file.read_text().strip()
    users = json.loads(args.users.read_text()) if args.users else []

    os.environ["DEVPROVIDER_DATA_DIR"] = str(data_dir)
    os.environ["DEVPROVIDER_ISSUER"] = f"http://{args.host}:{args.port}/o"
    if args.fast_password_hashing:
        os.environ["DEVPROVIDER_FAST_HASHING"] = "1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "hocbaso.portal.citizen.devprovider.settings"

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    configure(
        client_id=args.client_id,
        client_secret=client_secret,
        redirect_uris=args.redirect_uri,
        users=users,
        skip_consent=args.skip_consent,
    )

    from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format, *args):
            pass

    class Server(WSGIServer):
        daemon_threads = True

    import socketserver

    class ThreadingServer(socketserver.ThreadingMixIn, Server):
        pass

    httpd = ThreadingServer((args.host, args.port), QuietHandler)
    httpd.set_app(get_wsgi_application())
    _exit_with_parent()
    print(f"devprovider ready {os.environ['DEVPROVIDER_ISSUER']}", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
