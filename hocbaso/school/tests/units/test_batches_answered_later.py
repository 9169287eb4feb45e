"""The school pages' submit path on the database task backend: the principal's
batch is done once its packages are received; a worker answers them and the
batch's status then counts the accepted records."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hocbaso.records import actions
from hocbaso.records.signers import signers_of
from hocbaso.registry.models import Receipt
from hocbaso.school.tests.units.test_batches import _leader_page
from hocbaso.season.tests.support import run_ready

pytestmark = pytest.mark.django_db


def test_the_batch_counts_the_records_once_a_worker_answered(
    district, staff_client, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    cls = district.primary
    homeroom = signers_of(cls).homeroom
    actions.sign_as_homeroom_teacher(
        homeroom.user,
        cls,
        district.keys.signer_for_person(homeroom),
        signing_time=district.now,
    )
    page, _person = _leader_page(district, staff_client, cls)
    batch = page.create("issue", [cls])["batch"]

    status = page.run(batch)

    assert status["status"] == "done" and status["accepted"] == 0
    assert status["items"][0]["answered"] is False
    assert Receipt.objects.get().status == "received"
    assert run_ready() == ["answer_receipt"]
    polled = page.client.get(reverse("school:batch", args=[batch])).json()
    assert polled["accepted"] == 3 and polled["items"][0]["answered"] is True
    again = page.client.get(reverse("school:batch", args=[batch])).json()
    assert again["accepted"] == 3  # counted once
