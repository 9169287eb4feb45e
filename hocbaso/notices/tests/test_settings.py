"""The e-mail settings: the console without a host (the demo), SMTP with one, and a
contradiction stops the program at start-up."""

from __future__ import annotations

from hocbaso.tests.test_project import _python

SHOW = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, "
    "s.EMAIL_USE_SSL, s.EMAIL_HOST_PASSWORD, s.DEFAULT_FROM_EMAIL)"
)


def test_without_a_host_mail_goes_to_the_console(tmp_path):
    result = _python(SHOW, HOCBASO_DATA_DIR=str(tmp_path))

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0].endswith("console.EmailBackend")


def test_a_host_sends_through_smtp_with_starttls_and_a_password_file(tmp_path):
    secret = tmp_path / "smtp-password"
    secret.write_text("mat-khau\n")

    result = _python(
        SHOW,
        HOCBASO_DATA_DIR=str(tmp_path),
        HOCBASO_EMAIL_HOST="smtp.so.example.vn",
        HOCBASO_EMAIL_PASSWORD_FILE=str(secret),
        HOCBASO_EMAIL_FROM="hocba@so.example.vn",
    )

    assert result.returncode == 0, result.stderr
    backend, host, port, tls, ssl, password, sender = result.stdout.split()
    assert backend.endswith("smtp.EmailBackend") and host == "smtp.so.example.vn"
    assert (port, tls, ssl) == ("587", "True", "False")
    assert (password, sender) == ("mat-khau", "hocba@so.example.vn")


def test_starttls_and_implicit_tls_together_stop_the_program(tmp_path):
    result = _python(
        SHOW,
        HOCBASO_DATA_DIR=str(tmp_path),
        HOCBASO_EMAIL_SSL="true",
        HOCBASO_EMAIL_STARTTLS="true",
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "cannot both be true" in result.stderr


def test_a_password_file_that_cannot_be_read_stops_the_program(tmp_path):
    result = _python(
        SHOW,
        HOCBASO_DATA_DIR=str(tmp_path),
        HOCBASO_EMAIL_HOST="smtp.so.example.vn",
        HOCBASO_EMAIL_PASSWORD_FILE=str(tmp_path / "missing"),
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured: HOCBASO_EMAIL_PASSWORD_FILE" in result.stderr
