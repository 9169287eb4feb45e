"""One notice, once: the row under its key whatever the mail server does."""

from __future__ import annotations

import socket

import pytest

from hocbaso.notices.messages import Message
from hocbaso.notices.models import Kind, Notice
from hocbaso.notices.sending import send_once

pytestmark = pytest.mark.django_db
MESSAGE = Message("Đề nghị điều chỉnh", "Nội dung")


def test_a_mail_server_that_never_answers_costs_the_timeout_not_the_worker(settings):
    with socket.socket() as silent:  # accepts connections, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = silent.getsockname()
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 1

        assert send_once("staff:C-1:requested:1", Kind.STAFF, "a@x.vn", MESSAGE)

    assert not Notice.objects.get().delivered


def test_the_same_key_sends_once(smtp):
    first = send_once("staff:C-2:requested:1", Kind.STAFF, "a@x.vn", MESSAGE)
    again = send_once("staff:C-2:requested:1", Kind.STAFF, "a@x.vn", MESSAGE)

    assert (first, again) == (True, False)
    assert len(smtp.to("a@x.vn")) == 1
    assert Notice.objects.get().delivered
