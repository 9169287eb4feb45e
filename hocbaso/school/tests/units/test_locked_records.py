"""After the registry's lock, no school-side path changes a record (R11).

A class is signed, sealed and submitted through the pages, then its round is locked
by ``registry.lock_round``. The finding this guards against: an edit of a locked
record through the admin returned it to draft and dropped its signatures, and the
dashboards then disagreed with the registry.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from hocbaso.records.errors import RecordLockedError
from hocbaso.records.models import (
    RecordStatus,
    SignatureStep,
    SubjectAssessment,
    YearlyRecord,
    drop_signatures,
)
from hocbaso.registry.models import Submission
from hocbaso.school.tests.units.test_batches import _homeroom_page, _leader_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked_class(district, staff_client, settings):
    """The primary class signed, submitted and locked; (class, pages, lock)."""
    from hocbaso.registry import actions as registry
    from hocbaso.registry.actors import Actor
    from hocbaso.school import clock

    settings.HOCBASO_DEMO_SIGNING = True
    cls = district.primary
    homeroom, _p = _homeroom_page(district, staff_client, cls)
    homeroom.run(homeroom.create("homeroom", [cls], mode="demo")["batch"])
    leader, _p = _leader_page(district, staff_client, cls)
    assert leader.run(leader.create("issue", [cls], mode="demo")["batch"])[
        "accepted"
    ] == len(district.records(cls))
    lock = registry.lock_round(
        district.year,
        "main",
        scope=cls.school,
        actor=Actor.system("tests"),
        clock=clock.registry_clock(),
    )
    return cls, homeroom, leader, lock


def sent(cls):
    """The class's records the lock locked (the others stay drafts)."""
    return YearlyRecord.objects.filter(school_class=cls, locked_at__isnull=False)


def _state(cls) -> list:
    """Everything a change could touch, per record of the class."""
    records = sent(cls).order_by("pk")
    assert records.exists()
    return [
        (
            r.status,
            r.locked_at,
            r.homeroom_comment,
            r.results,
            sorted(r.assessments.values_list("subject_code", "term", "data")),
            sorted(r.signature_steps.values_list("signature_id", flat=True)),
            bytes(r.packet.data),
        )
        for r in records.prefetch_related("assessments", "signature_steps")
    ]


def test_the_lock_marks_the_records_it_locks(locked_class):
    cls, _h, _l, lock = locked_class
    submitted = Submission.objects.filter(record__school_class=cls, state="accepted")
    assert submitted.count() == sent(cls).count() == 3
    for record in YearlyRecord.objects.filter(registry_submissions__in=submitted):
        submission = Submission.objects.get(record=record, state="accepted")
        assert record.locked_at == submission.locked_at == lock.locked_at
        assert record.status == RecordStatus.SUBMITTED


def test_the_correction_page_refuses_a_locked_record(locked_class):
    cls, homeroom, _l, _lock = locked_class
    before = _state(cls)
    record = sent(cls).first()
    row = record.assessments.filter(term="hk2").first()
    key = next(iter(row.data))
    url = reverse("school:record", args=[record.pk])
    for action in ("preview", "save"):
        response = homeroom.client.post(
            url,
            {
                action: "1",
                "homeroom_comment": "Sửa sau khóa",
                f"row-{row.pk}-{key}": "",
            },
            follow=True,
        )
        assert response.status_code == 200
        assert "can no longer be corrected" in response.content.decode()
    assert _state(cls) == before


def test_finalising_and_signing_again_change_nothing(locked_class):
    cls, homeroom, leader, _lock = locked_class
    before = _state(cls)
    homeroom.client.post(reverse("school:finalise", args=[cls.pk]), {"confirm": "yes"})
    homeroom.create("homeroom", [cls], mode="demo")
    batch = leader.create("issue", [cls], mode="demo", reason="Sửa sau khóa")
    leader.run(batch["batch"])
    assert _state(cls) == before


def test_the_admin_cannot_edit_a_locked_subject_row(locked_class):
    """The finding, through /admin/ as a superuser: refused, nothing dropped."""
    cls, _h, _l, _lock = locked_class
    before = _state(cls)
    row = SubjectAssessment.objects.filter(record__in=sent(cls)).first()
    user = get_user_model().objects.create_superuser("root", password="x")
    client = Client()
    client.force_login(user)
    url = reverse("admin:records_subjectassessment_change", args=[row.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: form[name].value()
        for name in form.fields
        if form[name].value() not in (None, "")
    }
    data["data"] = '{"level": "C", "score": 4}'
    response = client.post(url, data)
    assert response.status_code == 200
    assert "đã khóa sổ" in " ".join(form_errors(response))  # the admin speaks vi
    assert _state(cls) == before


def form_errors(response) -> list[str]:
    form = response.context["adminform"].form
    return [str(e) for errors in form.errors.values() for e in errors]


def test_the_signatures_of_a_locked_record_stay(locked_class):
    cls, _h, _l, _lock = locked_class
    before = _state(cls)
    record = sent(cls).first()
    with pytest.raises(RecordLockedError):
        drop_signatures(record.pk)
    with pytest.raises(RecordLockedError):
        SignatureStep.objects.filter(record=record).update(signature_id="x")
    for sql in (
        "DELETE FROM records_signaturestep WHERE record_id = %s",
        "UPDATE records_signaturestep SET signature_id = 'x' WHERE record_id = %s",
        "DELETE FROM records_recordpacket WHERE record_id = %s",
        "UPDATE records_recordpacket SET data = data WHERE record_id = %s",
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [record.pk])
    assert _state(cls) == before


def test_a_lock_the_page_did_not_see_is_refused_by_the_records(
    locked_class, monkeypatch
):
    """Even past the page's own check, the save is refused with the sentence."""
    from hocbaso.school import corrections

    cls, homeroom, _l, _lock = locked_class
    monkeypatch.setattr(corrections, "check_open", lambda record: None)
    before = _state(cls)
    record = sent(cls).first()
    response = homeroom.client.post(
        reverse("school:record", args=[record.pk]),
        {"save": "1", "homeroom_comment": "Sửa sau khóa"},
        follow=True,
    )
    assert response.status_code == 200
    assert "is locked: its data can no longer change" in response.content.decode()
    assert _state(cls) == before


def test_the_migration_copies_the_lock_of_records_locked_before_it(
    district, staff_client, settings, monkeypatch
):
    """A database locked before records migration 0004: its locks are copied."""
    import importlib

    from hocbaso.registry import locking

    class Unmarked:
        objects = YearlyRecord.objects.none()

    monkeypatch.setattr(locking, "YearlyRecord", Unmarked)
    cls = locked_class.__wrapped__(district, staff_client, settings)[0]
    submitted = Submission.objects.filter(record__school_class=cls, state="accepted")
    assert submitted.count() == 3 and not sent(cls).exists()
    migration = importlib.import_module(
        "hocbaso.records.migrations.0004_locked_records"
    )
    migration.copy_locks(None, _Editor())
    for submission in submitted.select_related("record"):
        assert submission.record.locked_at == submission.locked_at is not None


class _Editor:
    """What copy_locks uses of a schema editor (SQLite's cannot open in a test's
    transaction)."""

    connection = connection

    def execute(self, sql, params=None):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
