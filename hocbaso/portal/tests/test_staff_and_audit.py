"""Staff see transcripts in their scope only; the department searches the trail;
the trail is append-only in the database; codes never reach a log."""

from __future__ import annotations

import io
import logging

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from hocbaso.portal.audit import record_access
from hocbaso.portal.models import AccessEvent
from hocbaso.registry.models import Transfer

pytestmark = pytest.mark.django_db


def _page(world, who):
    return reverse("portal:staff-transcript", args=[who.transcript.pk])


def test_a_teacher_of_another_school_is_refused_with_a_clear_message(
    world, homeroom_teacher, staff_client
):
    response = staff_client(homeroom_teacher).get(_page(world, world.b))
    assert response.status_code == 403
    assert "Bạn không được xem học bạ này" in response.content.decode()
    assert not AccessEvent.objects.exists()


def test_staff_see_the_transcripts_of_their_scope_from_a_list(
    world, principal, staff_client
):
    client = staff_client(principal)
    listing = client.get(reverse("portal:staff-list")).content.decode()
    assert world.a.student.full_name in listing
    assert world.b.student.full_name not in listing
    response = client.get(_page(world, world.a))
    assert response.status_code == 200
    assert "Cơ sở dữ liệu chưa có bản ghi nào" in response.content.decode()
    event = AccessEvent.objects.get(action="view")
    assert (event.actor_kind, event.actor_user) == ("staff", principal)


def test_unit_and_department_officers_see_their_schools(
    world, unit_officer, department_officer, outsider, staff_client
):
    assert staff_client(unit_officer).get(_page(world, world.a)).status_code == 200
    assert staff_client(unit_officer).get(_page(world, world.b)).status_code == 403
    officer = staff_client(department_officer)
    assert officer.get(_page(world, world.b)).status_code == 200
    assert staff_client(outsider).get(_page(world, world.a)).status_code == 403


def test_the_receiving_school_sees_the_transcript_once_released(
    world, clerk, staff_client
):
    client = staff_client(clerk)  # clerk of school_b
    assert client.get(_page(world, world.a)).status_code == 403
    transfer = Transfer.objects.create(
        transcript=world.a.transcript,
        from_school=world.school_a,
        to_school=world.school_b,
        state=Transfer.State.REQUESTED,
        requested_at=timezone.now(),
        request_index=0,
    )
    assert client.get(_page(world, world.a)).status_code == 403
    transfer.state = Transfer.State.RELEASED
    transfer.save()
    assert client.get(_page(world, world.a)).status_code == 200
    listing = client.get(reverse("portal:staff-list")).content.decode()
    assert world.a.student.full_name in listing


def test_only_the_department_searches_the_audit_trail(
    world, principal, department_officer, staff_client, rf
):
    request = rf.post("/", REMOTE_ADDR="192.0.2.9")
    for _ in range(12):
        record_access(request, action="lookup_failed", transcript=None)
    record_access(
        request,
        action="view",
        transcript=world.a.transcript,
        organisation="Trường THCS Y",
    )
    assert staff_client(principal).get(reverse("portal:audit")).status_code == 403
    client = staff_client(department_officer)
    html = client.get(reverse("portal:audit")).content.decode()
    assert 'id="suspicious"' in html and ">12<" in html
    found = client.get(
        reverse("portal:audit"), {"action": "view", "school": world.school_a.code}
    ).content.decode()
    assert "Trường THCS Y" in found and world.a.student.full_name in found
    none = client.get(reverse("portal:audit"), {"school": world.school_b.code})
    assert "Không có lượt nào" in none.content.decode()
    day = timezone.localdate().isoformat()
    dated = client.get(reverse("portal:audit"), {"since": day, "until": day})
    assert "Trường THCS Y" in dated.content.decode()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE portal_accessevent SET purpose = 'changed'",
        "DELETE FROM portal_accessevent",
    ],
)
def test_the_access_trail_is_append_only_in_the_database(world, rf, sql):
    record_access(rf.get("/"), action="view", transcript=world.a.transcript)
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql)
    assert AccessEvent.objects.get().purpose == ""


def test_lookup_codes_never_reach_the_logs(world, client):
    handler = logging.getLogger("django").handlers[0]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    code = world.a.transcript.lookup_code
    try:
        client.post("/", {"code": code}, REMOTE_ADDR="192.0.2.1")
        client.get(f"/xac-minh/{code}/")  # a 404 that Django logs with its path
        client.get("/tai-ban-sao/", {"code": code})  # a 405 with the query string
        logging.getLogger("hocbaso").warning("code %s", code.upper())
        dashed = str(world.a.transcript.feed_identifier)
        logging.getLogger("django.request").error("uuid %s", dashed)
    finally:
        handler.setStream(previous)
    text = stream.getvalue()
    assert "Not Found" in text and "[code]" in text
    assert code not in text.lower() and "uuid [code]" in text


def test_gunicorns_access_log_masks_codes(tmp_path):
    from types import SimpleNamespace

    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    from hocbaso.portal import gunicorn_conf

    config = Config()
    for name in ("logconfig_dict", "access_log_format", "accesslog"):
        config.set(name, getattr(gunicorn_conf, name))
    logger = Logger(config)
    stream = io.StringIO()
    for handler in logger.access_log.handlers:
        handler.setStream(stream)
    code = "0123456789abcdef0123456789abcdef"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/?code={code}",
        "PATH_INFO": "/",
        "QUERY_STRING": f"code={code}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.1",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[])
    logger.access(response, request, environ, timezone.timedelta(seconds=0.01))
    line = stream.getvalue()
    assert "GET /?code=[code]" in line and code not in line


def test_failed_lookups_from_an_unknown_address_are_listed_on_the_audit_page(
    world, department_officer, staff_client, client, settings
):
    # gunicorn on a unix socket without HOCBASO_TRUSTED_PROXIES: no address
    settings.HOCBASO_LOOKUP_FAILURE_LIMIT = 3
    for n in range(3):
        client.post("/", {"code": f"{n:032x}"}, REMOTE_ADDR="")
    assert client.post("/", {"code": "a" * 32}, REMOTE_ADDR="").status_code == 429
    html = staff_client(department_officer).get(reverse("portal:audit")).content
    suspicious = html.decode().split('id="suspicious"')[1].split('id="events"')[0]
    assert "địa chỉ không xác định" in suspicious
    assert "?client=unknown&action=lookup_failed" in suspicious


def test_a_page_that_showed_a_class_reads_as_its_count_of_pupils(
    world, department_officer, staff_client, rf
):
    shown = {str(world.a.transcript.pk): True, str(world.b.transcript.pk): True}
    record_access(
        rf.get("/", REMOTE_ADDR="192.0.2.9"),
        action="view",
        transcript=None,
        school=world.school_a,
        organisation=world.school_a.name,
        actor_kind="staff",
        detail={"page": "school class review", "shown": shown},
    )
    html = staff_client(department_officer).get(reverse("portal:audit"))
    assert "2 học sinh hiển thị trên một trang" in html.content.decode()
