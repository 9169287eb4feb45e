"""Two tasks send the same notice at the same time (a task given back to the queue
while its first worker still runs it): the unique key lets one write its row and
send; the other waits for it, then sends nothing."""

from __future__ import annotations

import asyncio
import threading

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from hocbaso.notices.messages import Message
from hocbaso.notices.models import Kind, Notice
from hocbaso.notices.sending import send_once
from hocbaso.notices.tests.conftest import Mailbox, free_port

pytestmark = pytest.mark.postgres


class SlowMailbox(Mailbox):
    """Takes its time with each message: the first sender holds its row meanwhile."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.5)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp(settings):
    mailbox = SlowMailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    yield mailbox
    controller.stop()


def test_two_senders_of_one_notice_send_it_once(transactional_db, slow_smtp):
    start = threading.Barrier(2)
    results: list[bool] = []

    def send() -> None:
        try:
            start.wait()
            results.append(
                send_once(
                    "staff:C-RACE:requested:1",
                    Kind.STAFF,
                    "chuyenvien@so.example.vn",
                    Message("Đề nghị điều chỉnh", "Nội dung"),
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == [False, True]
    assert len(slow_smtp.messages) == 1
    assert Notice.objects.get().delivered
