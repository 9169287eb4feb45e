"""Send one notice once, as the school reminders do (hocbaso.season.reminders).

The ``Notice`` row is written under its unique key in the transaction that sends
the mail: a second task with the same key waits on the key, then finds it taken and
sends nothing, and a task run again after its worker died finds its row (or, if
the worker died between the sending and the commit, sends once more: mail is at
least once, the row exactly once). A mail server that refuses or does not answer
leaves the row with ``delivered`` false, and the task goes on with the next one.
"""

from __future__ import annotations

import logging
from smtplib import SMTPException

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from hocbaso.notices.messages import Message
from hocbaso.notices.models import Notice

logger = logging.getLogger(__name__)


def send_once(key: str, kind: str, recipient: str, message: Message, **about) -> bool:
    """Send ``message`` to ``recipient`` unless the notice ``key`` was sent; True
    when this call wrote the row. ``about``: account, user, transcript."""
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                key=key,
                kind=kind,
                recipient=recipient,
                subject=message.subject[:300],
                body=message.body,
                sent_at=timezone.now(),
                **about,
            )
            notice.delivered = _mail(message, recipient)
            notice.save(update_fields=["delivered"])
    except IntegrityError:
        return False  # sent already (the task ran before)
    return True


def _mail(message: Message, recipient: str) -> bool:
    mail = EmailMessage(message.subject, message.body, None, [recipient])
    try:
        mail.send()
    except (OSError, SMTPException) as exc:  # kept as not delivered, listed so
        logger.warning("notice to %s not sent: %s", _masked(recipient), exc)
        return False
    return True


def _masked(address: str) -> str:
    """The address as logs show it: enough to find it, not to collect it."""
    name, _at, domain = address.partition("@")
    return f"{name[:2]}…@{domain}"
