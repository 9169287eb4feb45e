"""Fixtures of the notices' tests: a real SMTP server on 127.0.0.1 (aiosmtpd), the
registry tests' signed district (built once for this package), and a parent of
one of its pupils with an address for notices.

Events run their receivers' ``on_commit`` callbacks inside
``django_capture_on_commit_callbacks(execute=True)``: the district stays in one
open transaction, and on the tests' inline engine a notice's task is enqueued
after the event's commit (hocbaso.notices.receivers).
"""

from __future__ import annotations

import email
import email.policy
import logging
import re
import socket
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

from hocbaso.notices.models import Preference
from hocbaso.portal.citizen import consent
from hocbaso.portal.citizen.models import CitizenAccount, Guardianship, Relation
from hocbaso.records.models import Round
from hocbaso.registry.actors import Actor
from hocbaso.registry.clock import fixed_clock
from hocbaso.registry.tests.district import open_district

PARENT_ID = "001085012345"
PARENT_EMAIL = "me.an@example.vn"


@dataclass
class Received:
    sender: str
    recipients: list[str]
    subject: str
    body: str


@dataclass
class Mailbox:
    """What the server took, and how it answers (``refuse``: 550 to every
    recipient)."""

    messages: list[Received] = field(default_factory=list)
    refuse: bool = False

    async def handle_RCPT(self, server, session, envelope, address, options):
        if self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                str(parsed["subject"]).strip(),  # unfolded
                parsed.get_content(),
            )
        )
        return "250 OK"

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.recipients]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def _smtp_server():
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # each SMTP command
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, mailbox
    controller.stop()


@pytest.fixture
def smtp(_smtp_server, settings) -> Mailbox:
    """Django's SMTP backend pointed at the local server; its mailbox, emptied."""
    controller, mailbox = _smtp_server
    mailbox.messages.clear()
    mailbox.refuse = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "hocbaso@so.example.vn"
    return mailbox


@pytest.fixture
def smtp_down(settings) -> None:
    """Django's SMTP backend pointed at a port where nothing listens."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture(scope="package")
def district(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from open_district(django_db_blocker, tmp_path_factory.mktemp("district"))


@pytest.fixture(autouse=True)
def _registry_settings(request, settings, tmp_path_factory):
    settings.HOCBASO_LEDGER_KEY = tmp_path_factory.getbasetemp() / "ledger.key"
    if "district" in request.fixturenames:
        district = request.getfixturevalue("district")
        settings.DATA_DIR = district.root
        settings.HOCBASO_TRUST_STORE = district.trust_dir


@pytest.fixture
def clock(district):
    return fixed_clock(district.open_at)


@pytest.fixture
def system():
    return Actor.system("tests")


@pytest.fixture
def clerk(district):
    return Actor.of_user(district.user(district.primary.school))


@pytest.fixture
def pupil_record(district, db):
    """A main-round record of the district's primary class."""
    return district.records(district.primary, Round.MAIN)[1]


@pytest.fixture
def parent(district, pupil_record, django_user_model):
    """A parent of the pupil, logged in once, who consented to notifications and
    gave an address (every kind on)."""
    user = django_user_model.objects.create_user("citizen-parent-notices")
    account = CitizenAccount.objects.create(
        user=user, personal_id=PARENT_ID, full_name="Nguyễn Văn Hùng"
    )
    Guardianship.objects.create(
        student=pupil_record.transcript.student,
        guardian_personal_id=PARENT_ID,
        guardian_name="Nguyễn Văn Hùng",
        relation=Relation.FATHER,
    )
    consent.decide(
        account, pupil_record.transcript.student, "notifications", given=True
    )
    Preference.objects.create(
        account=account, email=PARENT_EMAIL, confirmed=PARENT_EMAIL
    )
    return account


def assert_nothing_personal(mail: Received, transcript) -> None:
    """Beyond the pupil's name, nothing about the pupil: no lookup code, student
    code, identification number, date of birth, nor a mark (a decimal)."""
    student = transcript.student
    text = f"{mail.subject}\n{mail.body}"
    compact = re.sub(r"[\s\-]", "", text).lower()
    born = student.date_of_birth
    assert student.full_name in text
    assert transcript.lookup_code not in compact
    assert student.personal_id not in compact
    assert student.student_code.lower() not in compact
    for shown in (f"{born:%d/%m/%Y}", f"{born:%Y-%m-%d}", f"{born:%d%m%Y}"):
        assert shown not in text
    assert not re.search(r"\d[.,]\d", text), "a mark-like number"
