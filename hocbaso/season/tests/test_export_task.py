"""A class's soft copies exported by a task (season/exporting.py): the page
enqueues it, a worker writes the zip and its manifest, the job shows the counts,
only its starter downloads it, and a run again after a crash exports nothing
twice."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.test import Client

from hocbaso.portal.management.commands import export as exporter
from hocbaso.portal.models import AccessEvent
from hocbaso.records.models import Round
from hocbaso.registry import actions
from hocbaso.registry.clock import fixed_clock
from hocbaso.season import exporting
from hocbaso.season.models import Job
from hocbaso.season.tests.support import run_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(district, primary_clerk):
    """The primary class's main-round records, accepted by the registry."""
    records = district.records(district.primary, Round.MAIN)
    for record in records:
        receipt = actions.submit(
            district.packet(record),
            school=record.school,
            actor=primary_clerk,
            clock=fixed_clock(district.open_at),
        )
        assert receipt.accepted and not receipt.rejected
    return records


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _start(client, district) -> Job:
    school_class = district.primary
    response = client.post(
        "/jobs/export/",
        {
            "school": school_class.school.code,
            "year": district.year.name,
            "class": school_class.name,
        },
    )
    job = Job.objects.get(kind=Job.Kind.EXPORT)
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.public_id}/"
    return job


def _manifest(path) -> list[dict[str, str]]:
    with zipfile.ZipFile(path) as archive:
        text = archive.read(exporter.MANIFEST).decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert sorted(archive.namelist()) == sorted(
            [exporter.MANIFEST, *(r["file"] for r in rows if r["file"])]
        )
    return rows


def _exports():
    return AccessEvent.objects.filter(action="export")


def test_the_export_task_writes_the_zip_and_the_job_counts_it(
    queue, district, submitted, primary_clerk
):
    client = _client(primary_clerk.user)
    job = _start(client, district)
    assert job.state == Job.State.WAITING  # waits for a worker
    assert "Tải tệp zip" not in client.get(f"/jobs/{job.public_id}/").content.decode()

    assert run_ready() == ["export_soft_copies"]

    job.refresh_from_db()
    rows = _manifest(exporting.zip_path(job))
    ok = [r for r in rows if r["status"] == exporter.STATUS_OK]
    assert len(ok) == len(submitted) and ok
    assert job.state == Job.State.DONE and job.done == job.total == len(rows)
    assert job.result == {"ok": len(ok), "empty": len(rows) - len(ok), "failed": 0}
    assert _exports().count() == len(ok)
    page = client.get(f"/jobs/{job.public_id}/").content.decode()
    assert "Tải tệp zip" in page and "data-refresh" not in page
    download = client.get(f"/jobs/{job.public_id}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == exporting.zip_path(job).read_bytes()


def test_only_the_starter_sees_the_job_and_downloads_the_zip(
    district, submitted, primary_clerk
):
    job = _start(_client(primary_clerk.user), district)
    assert Job.objects.get(pk=job.pk).state == Job.State.DONE
    other = _client(district.user(district.secondary.school))
    colleague = _client(district.user(district.primary.school, role="principal"))
    for client in (other, colleague):
        assert client.get(f"/jobs/{job.public_id}/").status_code == 404
        assert client.get(f"/jobs/{job.public_id}/download/").status_code == 404


def test_a_rerun_after_a_crash_with_the_zip_in_place_does_not_export_again(
    district, submitted, primary_clerk, monkeypatch
):
    job = _start(_client(primary_clerk.user), district)
    job.refresh_from_db()
    zip_bytes = exporting.zip_path(job).read_bytes()
    exported = _exports().count()
    # The worker died after the zip was renamed into place, before the job's end.
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, result={}, file="")

    def export_again(*args, **kwargs):
        raise AssertionError("exported twice")

    monkeypatch.setattr(exporter, "export", export_again)
    result = exporting.export_soft_copies.call(job.public_id)

    job.refresh_from_db()
    assert job.state == Job.State.DONE and result == job.result
    assert result == {
        "ok": len(submitted),
        "empty": job.total - len(submitted),
        "failed": 0,
    }
    assert job.file == f"exports/{job.public_id}.zip"
    assert exporting.zip_path(job).read_bytes() == zip_bytes
    assert _exports().count() == exported


def test_a_seal_that_cannot_load_fails_the_job_and_writes_no_zip(
    district, submitted, primary_clerk, settings, tmp_path
):
    settings.HOCBASO_SEAL_P12 = str(tmp_path / "missing.p12")
    client = _client(primary_clerk.user)
    job = _start(client, district)

    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.errors
    assert not exporting.zip_path(job).exists() and not _exports().exists()
    assert client.get(f"/jobs/{job.public_id}/download/").status_code == 404


def test_the_school_and_unit_pages_link_to_the_export_with_the_school_chosen(
    district,
):
    school = district.primary.school
    principal = _client(district.user(school, role="principal"))
    page = principal.get(f"/school/year/{district.year.pk}/school/{school.pk}/")
    link = f"/jobs/export/?school={school.code}&amp;year={district.year.name}"
    assert f'href="{link}"' in page.content.decode()
    form = principal.get(link.replace("&amp;", "&")).content.decode()
    assert f'<option value="{school.code}" selected>' in form
    assert f'value="{district.year.name}"' in form

    unit = school.unit_on(district.open_at.date())
    officer = _client(district.unit_officer(unit))
    page = officer.get(f"/rollout/unit/{unit.code}/?year={district.year.name}")
    assert 'id="soft-copies-link"' in page.content.decode()
    assert 'href="/jobs/export/"' in page.content.decode()


def test_a_teacher_may_not_export_the_whole_school(district):
    teacher = _client(district.user(district.primary.school, role="homeroom_teacher"))
    assert teacher.get("/jobs/export/").status_code == 403
    assert teacher.post("/jobs/export/", {"school": "x"}).status_code == 403
    assert not Job.objects.filter(kind=Job.Kind.EXPORT).exists()


def test_the_class_page_links_leaders_to_the_export_of_the_class(district):
    school_class = district.primary
    principal = _client(district.user(school_class.school, role="principal"))
    page = principal.get(f"/school/class/{school_class.pk}/").content.decode()
    link = (
        f"/jobs/export/?school={school_class.school.code}"
        f"&amp;year={district.year.name}&amp;class={school_class.name}"
    )
    assert f'id="class-soft-copies" href="{link}"' in page
    form = principal.get(link.replace("&amp;", "&")).content.decode()
    assert f'value="{school_class.name}"' in form

    teacher = _client(district.user(school_class.school, role="homeroom_teacher"))
    response = teacher.get(f"/school/class/{school_class.pk}/")
    assert response.status_code == 200
    assert "class-soft-copies" not in response.content.decode()  # leaders' only
