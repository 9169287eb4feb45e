"""Who may finalise a class's drafts: a member of staff in the school's scope who is
neither the class's homeroom teacher nor the principal, a deputy or the clerk is
refused, and nothing changes (docs/school.md, "Pages")."""

from __future__ import annotations

import pytest

from hocbaso.records.deferred_actions import finalise_records
from hocbaso.records.errors import NotAllowedToSignError
from hocbaso.records.models import RecordStatus, YearlyRecord

pytestmark = pytest.mark.django_db


def test_a_subject_teacher_of_the_class_cannot_finalise_its_drafts(district):
    cls = district.secondary
    teacher = district.subject_teachers(cls)[0]
    record = district.records(cls).first()
    record.assessments.filter(term="hk2").first().delete()  # back to draft
    drafts = YearlyRecord.objects.filter(school_class=cls, status=RecordStatus.DRAFT)
    before = sorted(drafts.values_list("pk", "computed_at"))
    assert before
    with pytest.raises(NotAllowedToSignError) as caught:
        finalise_records(teacher, YearlyRecord.objects.filter(school_class=cls))
    assert teacher.person.full_name in str(caught.value)
    assert sorted(drafts.values_list("pk", "computed_at")) == before
