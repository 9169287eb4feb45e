"""Registry messages read wholly in Vietnamese: a stored value interpolated into a
sentence (a round, a level) is translated first, never shown as "main"."""

import pytest
from django.utils import translation

from hocbaso.records.models import Round
from hocbaso.registry import actions
from hocbaso.registry.actors import Actor
from hocbaso.registry.errors import NotFoundError, ReportExistsError
from hocbaso.registry.rounds import round_name_in_text


@pytest.mark.parametrize(
    ("round_name", "english", "vietnamese"),
    [("main", "main", "chính"), ("supplementary", "supplementary", "bổ sung")],
)
def test_a_round_is_named_in_the_language_of_the_sentence(
    round_name, english, vietnamese
):
    assert round_name_in_text(round_name) == english
    with translation.override("vi"):
        assert round_name_in_text(round_name) == vietnamese


def test_a_second_report_is_refused_in_vietnamese(district, db, clock):
    unit = district.primary.school.unit_on(district.year.main_lock_date)
    officer = Actor.of_user(district.unit_officer(unit))
    actions.submit_unit_report(unit, district.year, "main", actor=officer, clock=clock)
    with translation.override("vi"), pytest.raises(ReportExistsError) as caught:
        actions.submit_unit_report(
            unit, district.year, "main", actor=officer, clock=clock
        )
    message = str(caught.value)
    assert f"đã gửi báo cáo đợt chính năm học {district.year.name}" in message
    assert "main" not in message


def test_a_transcript_of_another_level_is_named_in_vietnamese(district, db, clock):
    record = district.records(district.primary, Round.MAIN)[0]
    # A lower-secondary school asks for the primary pupil's lower-secondary
    # transcript, which does not exist: the level is named in Vietnamese.
    receiving = Actor.of_user(district.user(district.secondary.school))
    with translation.override("vi"), pytest.raises(NotFoundError) as caught:
        actions.request_transfer(
            student_code=record.transcript.student.student_code,
            level="secondary",
            to_school=district.secondary.school,
            actor=receiving,
            clock=clock,
        )
    message = str(caught.value)
    assert "không có học bạ cấp trung học cơ sở" in message
    assert "secondary" not in message
