"""The difficulty channel by URL: who writes, who answers, who sees what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_staff
from hocbaso.records.models import Role, SchoolUnitPeriod
from hocbaso.rollout import actions
from hocbaso.rollout.models import Difficulty, Message, RolloutEvent, Status


def _open(client, code="TH-A", **fields):
    data = {
        "heading": "Chưa có USB token",
        "category": "signing",
        "text": "Hai giáo viên chưa có thiết bị ký số.\r\nĐề nghị hỗ trợ.",
        **fields,
    }
    return client.post(reverse("rollout:difficulty_new", args=[code]), data)


def _act(client, difficulty, action, text=""):
    url = reverse("rollout:difficulty", args=[difficulty.pk])
    return client.post(url, {"action": action, "text": text})


@pytest.fixture
def other_unit_officer(django_user_model, world):
    return make_staff(
        django_user_model,
        "cb_tm",
        "Cán bộ TM",
        Role.UNIT_OFFICER,
        world.year,
        unit=world.unit_b,
    )


def test_a_school_writes_its_unit_answers_the_school_replies_and_closes(
    world, principal, unit_officer, staff_client
):
    response = _open(staff_client(principal))
    assert response.status_code == 302
    difficulty = Difficulty.objects.get()
    assert difficulty.status == Status.OPEN
    assert Message.objects.get().text.splitlines() == [
        "Hai giáo viên chưa có thiết bị ký số.",
        "Đề nghị hỗ trợ.",
    ]

    officer = staff_client(unit_officer)
    assert _act(officer, difficulty, "answer", "Phòng sẽ cấp.").status_code == 302
    difficulty.refresh_from_db()
    assert difficulty.status == Status.ANSWERED

    school = staff_client(principal)
    assert _act(school, difficulty, "reply", "Cảm ơn.").status_code == 302
    difficulty.refresh_from_db()
    assert difficulty.status == Status.OPEN
    assert _act(school, difficulty, "close").status_code == 302
    difficulty.refresh_from_db()
    assert difficulty.status == Status.CLOSED

    sides = list(Message.objects.values_list("side", flat=True))
    assert sides == ["school", "unit", "school"]
    events = RolloutEvent.objects.order_by("at", "pk")
    assert [(e.action, e.actor_user.username) for e in events] == [
        ("difficulty:open", "ht_a"),
        ("difficulty:answer", "cb_xp"),
        ("difficulty:reply", "ht_a"),
        ("difficulty:close", "ht_a"),
    ]


def test_nothing_is_written_to_a_closed_difficulty(
    world, principal, unit_officer, staff_client
):
    _open(staff_client(principal))
    difficulty = Difficulty.objects.get()
    _act(staff_client(principal), difficulty, "close")

    officer = staff_client(unit_officer)
    response = _act(officer, difficulty, "answer", "Muộn rồi.")

    assert response.status_code == 302
    page = officer.get(response.url).content.decode()
    assert "đã đóng: không thể viết thêm" in page
    assert Message.objects.count() == 1
    with pytest.raises(actions.RolloutError):
        actions.reply(principal, difficulty, "Mở lại?")


def test_each_party_sees_only_its_scope(
    world,
    principal,
    clerk,
    unit_officer,
    other_unit_officer,
    department_officer,
    outsider,
    staff_client,
):
    _open(staff_client(principal), heading="Trường A")
    _open(staff_client(clerk), code="TH-B", heading="Trường B")
    _a, b = Difficulty.objects.order_by("pk")

    def listed(user):
        page = staff_client(user).get(reverse("rollout:difficulties"))
        return {
            h for h in ("Trường A", "Trường B") if f">{h}</a>" in page.content.decode()
        }

    assert listed(principal) == {"Trường A"}
    assert listed(clerk) == {"Trường B"}
    assert listed(unit_officer) == {"Trường A"}
    assert listed(other_unit_officer) == {"Trường B"}
    assert listed(department_officer) == {"Trường A", "Trường B"}
    assert listed(outsider) == set()
    url = reverse("rollout:difficulty", args=[b.pk])
    assert staff_client(unit_officer).get(url).status_code == 404
    assert staff_client(principal).get(url).status_code == 404
    assert staff_client(department_officer).get(url).status_code == 200


def test_the_wrong_side_is_refused(
    world, principal, homeroom_teacher, unit_officer, other_unit_officer, staff_client
):
    _open(staff_client(principal))
    difficulty = Difficulty.objects.get()

    # The school does not answer itself; the unit neither replies nor closes.
    assert (
        _act(staff_client(principal), difficulty, "answer", "Tự trả lời").status_code
        == 403
    )
    assert _act(staff_client(unit_officer), difficulty, "close").status_code == 403
    assert _act(staff_client(unit_officer), difficulty, "reply", "x").status_code == 403
    # Another unit's officer and a teacher do not even see it.
    assert (
        _act(staff_client(other_unit_officer), difficulty, "answer", "x").status_code
        == 404
    )
    assert (
        _act(staff_client(homeroom_teacher), difficulty, "reply", "x").status_code
        == 404
    )
    # Nor may a teacher or an officer open one in the school's name.
    assert _open(staff_client(homeroom_teacher)).status_code == 404
    assert _open(staff_client(unit_officer)).status_code == 403
    assert Message.objects.count() == 1 and Difficulty.objects.count() == 1


def test_the_department_answers_as_the_department(
    world, principal, department_officer, staff_client
):
    _open(staff_client(principal))
    difficulty = Difficulty.objects.get()
    _act(staff_client(department_officer), difficulty, "answer", "Sở đã nhận.")
    assert Message.objects.order_by("pk").last().side == "department"


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"heading": " "}, "Hãy viết tiêu đề"),
        ({"text": ""}, "Hãy mô tả khó khăn"),
        ({"heading": "Máy\u202etính"}, "U+202E"),
        ({"heading": "x" * 201}, "201"),
        ({"text": "Nội dung\x00ẩn"}, "U+0000"),
        ({"text": "x" * 4001}, "4001"),
        ({"category": "urgent"}, "urgent"),
    ],
)
def test_a_bad_difficulty_is_refused_in_vietnamese_and_nothing_is_written(
    world, principal, staff_client, fields, words
):
    response = _open(staff_client(principal), **fields)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not Difficulty.objects.exists() and not RolloutEvent.objects.exists()


def test_an_empty_answer_is_refused(world, principal, unit_officer, staff_client):
    _open(staff_client(principal))
    difficulty = Difficulty.objects.get()
    response = _act(staff_client(unit_officer), difficulty, "answer", "   ")
    assert response.status_code == 400
    assert "Hãy viết nội dung trước khi gửi" in response.content.decode()
    difficulty.refresh_from_db()
    assert difficulty.status == Status.OPEN


def test_the_dashboards_count_the_open_difficulties(
    world, principal, clerk, unit_officer, department_officer, staff_client
):
    _open(staff_client(principal))
    _open(staff_client(clerk), code="TH-B")

    def shown(user, name, code):
        page = staff_client(user).get(reverse(f"rollout:{name}", args=[code]))
        html = page.content.decode()
        return html.split('id="open-difficulties" data-open="')[1].split('"')[0]

    assert shown(principal, "school", "TH-A") == "1"
    assert shown(unit_officer, "unit", "XP") == "1"
    assert shown(department_officer, "department", "01") == "2"


def test_the_audit_trail_is_append_only(world, principal, staff_client):
    from django.core.exceptions import ValidationError

    _open(staff_client(principal))
    event = RolloutEvent.objects.get()
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_the_unit_that_no_longer_manages_the_school_sees_but_does_not_answer(
    world, clerk, unit_officer, other_unit_officer, staff_client
):
    """School B moves from unit B to unit A today, within the school year."""
    today = timezone.localdate()
    world.year.start_date = today - dt.timedelta(days=60)
    world.year.save()
    SchoolUnitPeriod.objects.filter(school=world.school_b).update(valid_to=today)
    SchoolUnitPeriod.objects.create(
        school=world.school_b, unit=world.unit_a, valid_from=today
    )
    _open(staff_client(clerk), code="TH-B")
    difficulty = Difficulty.objects.get()

    former = staff_client(other_unit_officer)
    url = reverse("rollout:difficulty", args=[difficulty.pk])
    assert former.get(url).status_code == 200  # the year's records are still theirs
    assert _act(former, difficulty, "answer", "x").status_code == 403
    assert (
        _act(staff_client(unit_officer), difficulty, "answer", "Đã nhận.").status_code
        == 302
    )
