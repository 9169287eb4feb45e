"""On the database backend, as in production: the notice's task is written in the
event's transaction and a worker sends it after the commit."""

from __future__ import annotations

import pytest
from django.db import transaction

from hocbaso.notices.models import Notice, Preference
from hocbaso.notices.tests.conftest import PARENT_EMAIL
from hocbaso.registry import actions
from hocbaso.registry.tests.helpers import submit
from hocbaso.season.tests.conftest import DATABASE_BACKEND
from hocbaso.season.tests.support import run_ready, waiting

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(settings):
    settings.TASKS = DATABASE_BACKEND


def _submitted(district, record, clerk, clock):
    submit(district, record, clerk, clock)
    run_ready()  # the receipt's answer


def test_the_lock_enqueues_the_notice_and_a_worker_sends_it(
    district, pupil_record, parent, clerk, clock, system, smtp, queue
):
    _submitted(district, pupil_record, clerk, clock)

    actions.lock_round(
        district.year, "main", scope=pupil_record.school, actor=system, clock=clock
    )

    assert len(waiting("notify_effective")) == 1 and smtp.messages == []
    assert run_ready() == ["notify_effective"]
    (mail,) = smtp.to(PARENT_EMAIL)
    assert "đã có hiệu lực" in mail.subject
    assert Notice.objects.get(account=parent).delivered


def test_a_lock_rolled_back_leaves_no_task(
    district, pupil_record, parent, clerk, clock, system, smtp, queue
):
    _submitted(district, pupil_record, clerk, clock)

    with pytest.raises(RuntimeError), transaction.atomic():
        actions.lock_round(
            district.year, "main", scope=pupil_record.school, actor=system, clock=clock
        )
        raise RuntimeError("the lock's transaction fails after the signal")

    assert waiting("notify_effective") == []
    assert run_ready() == [] and smtp.messages == []


def test_with_no_confirmed_family_address_the_lock_enqueues_nothing(
    district, pupil_record, parent, clerk, clock, system, queue
):
    Preference.objects.update(confirmed="")
    _submitted(district, pupil_record, clerk, clock)

    actions.lock_round(
        district.year, "main", scope=pupil_record.school, actor=system, clock=clock
    )

    assert waiting("notify_effective") == []
