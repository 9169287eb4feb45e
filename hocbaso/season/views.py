"""A job's page (its progress, followed in place by season/job.js), its zip, and the
page that starts a school's soft-copy export. A job is shown only to whom
started it (and superusers): its results quote pupils' data."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render

from hocbaso.records.permissions import may_export_schools
from hocbaso.records.scope import schools_visible_to
from hocbaso.season import exporting, progress
from hocbaso.season.models import Job

REFRESH_SECONDS = 2


def _own_job(request, public_id: str) -> Job:
    found = progress.job(public_id)
    if found is None or not (
        request.user.is_superuser or found.user_id == request.user.pk
    ):
        raise Http404
    return found


@login_required
def job_page(request, public_id: str):
    found = _own_job(request, public_id)
    context = {
        "job": found,
        "percent": progress.percent(found),
        "refresh": None if found.is_finished else REFRESH_SECONDS,
    }
    return render(request, "season/job.html", context)


@login_required
def job_download(request, public_id: str):
    found = _own_job(request, public_id)
    if found.kind != Job.Kind.EXPORT or found.state != Job.State.DONE:
        raise Http404
    path = Path(settings.DATA_DIR) / found.file
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


@login_required
def export_start(request):
    if not may_export_schools(request.user):
        raise PermissionDenied
    schools = schools_visible_to(request.user).order_by("code")
    if not schools.exists():
        raise Http404
    if request.method == "POST":
        school = schools.filter(code=request.POST.get("school", "")).first()
        if school is not None:
            found = exporting.start_export(
                request.user,
                school,
                request.POST.get("year", "").strip()[:9],
                request.POST.get("class", "").strip()[:20],
            )
            return redirect("season:job", found.public_id)
    # A link from a school's page names the school and year to start from.
    chosen = {k: request.GET.get(k, "") for k in ("school", "year", "class")}
    return render(request, "season/export.html", {"schools": schools, "chosen": chosen})
