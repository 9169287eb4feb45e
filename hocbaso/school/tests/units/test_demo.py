"""hocbaso demo-school: this year's demo classes can be finalised, signed, submitted."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from hocbaso.records import actions
from hocbaso.records.deferred_actions import finalise_records
from hocbaso.records.models import RecordStatus, YearlyRecord
from hocbaso.records.signers import signers_of
from hocbaso.school import clock

pytestmark = pytest.mark.django_db


def test_a_demo_class_of_this_year_goes_through_the_whole_flow(district, capsys):
    clock.freeze(None)  # this year, today: its round is open
    call_command("demo-school")
    assert "classes ready to finalise and sign" in capsys.readouterr().out
    records = YearlyRecord.objects.exclude(school_year=district.year).filter(
        homeroom_comment="Chăm ngoan, tiến bộ trong học tập."
    )
    primary = records.filter(grade=4).first().school_class
    people = signers_of(primary)
    n = finalise_records(people.homeroom.user, actions.class_records(primary))
    assert n == actions.class_records(primary).count() > 0
    actions.sign_as_homeroom_teacher(
        people.homeroom.user, primary, district.keys.signer_for_person(people.homeroom)
    )
    actions.sign_and_issue(
        people.leader.user,
        actions.class_records(primary),
        district.keys.signer_for_person(people.leader),
        district.keys.signer_for_school(primary.school),
    )
    assert set(actions.class_records(primary).values_list("status", flat=True)) == {
        RecordStatus.ISSUED
    }
