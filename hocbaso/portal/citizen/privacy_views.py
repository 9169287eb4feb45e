"""The family's privacy pages (docs/privacy.md): consent to the optional
processing, the download of everything held about a child, and the request that
the school review a record. Views are thin: consent.py, subject_access.py and
review.py decide."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hocbaso.portal.citizen import consent, review, subject_access
from hocbaso.portal.citizen.forms import ConsentForm, CorrectionAskForm
from hocbaso.portal.citizen.models import (
    CitizenAccount,
    ConsentPurpose,
    ParentRequest,
    visible_transcripts,
)
from hocbaso.portal.citizen.views import _require_account, citizen_page
from hocbaso.records.models import YearlyRecord


def privacy_context(account: CitizenAccount) -> dict:
    """What the family's page shows of privacy: the notice's version, each
    child's consents in force, their history and the requests to review."""
    students = list(consent.visible_students(account.personal_id))
    states = consent.current(students)
    return {
        "notice_version": consent.NOTICE_VERSION,
        "retention_years": settings.HOCBASO_ACCESS_RETENTION_YEARS,
        "share_grace_days": settings.HOCBASO_SHARE_GRACE_DAYS,
        "consent_rows": [
            {
                "student": s,
                "purposes": [
                    {"value": value, "label": label, "given": states[(s.pk, value)]}
                    for value, label in ConsentPurpose.choices
                ],
            }
            for s in students
        ],
        "consent_history": consent.history(students)[:50],
        "review_requests": ParentRequest.objects.filter(
            record__transcript__student__in=students
        )
        .select_related("record__school_year", "record__transcript__student")
        .order_by("-asked_at", "-pk"),
    }


@require_POST
@citizen_page
def consent_decide(request: HttpRequest) -> HttpResponse:
    account = _require_account(request)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The consent form was not filled in correctly."))
        return redirect("citizen:home")
    student = (
        consent.visible_students(account.personal_id)
        .filter(pk=form.cleaned_data["student"])
        .first()
    )
    if student is None:
        raise Http404(_("No such student among yours."))
    given = form.cleaned_data["decision"] == "give"
    try:
        consent.decide(account, student, form.cleaned_data["purpose"], given=given)
    except consent.ConsentError as exc:
        messages.error(request, exc.message)
        return redirect("citizen:home")
    messages.success(request, _given_words(given, form.cleaned_data["purpose"]))
    return redirect(f"{_home()}#privacy")


def _home() -> str:
    return reverse("citizen:home")


def _given_words(given: bool, purpose: str) -> str:
    if given:
        return _("Your consent is recorded. You may withdraw it at any time.")
    if purpose == ConsentPurpose.SHARING:
        return _(
            "Your consent is withdrawn: no share code can be made, and the open "
            "ones are revoked. The transcript itself is kept and processed as the "
            "law requires."
        )
    return _(
        "Your consent is withdrawn. The transcript itself is kept and processed "
        "as the law requires."
    )


@citizen_page
def data_download(request: HttpRequest, pk: int) -> HttpResponse:
    account = _require_account(request)
    try:
        data = subject_access.export(account, pk, request=request)
    except subject_access.SubjectAccessError:
        raise Http404(_("No such student among yours.")) from None
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    code = data["student"].get("student_code") or pk
    response["Content-Disposition"] = f'attachment; filename="du-lieu-{code}.json"'
    response["Cache-Control"] = "no-store"
    return response


@citizen_page
def correction_ask(request: HttpRequest, pk: int) -> HttpResponse:
    account = _require_account(request)
    record = (
        YearlyRecord.objects.filter(
            transcript__in=visible_transcripts(account.personal_id)
        )
        .select_related("school_year", "school", "transcript__student")
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise Http404(_("No such record among yours."))
    form = CorrectionAskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review.ask(account, record, form.cleaned_data["reason"])
        except review.ReviewError as exc:
            form.add_error("reason", exc.message)
        else:
            messages.success(
                request,
                _(
                    "Your request is sent to the school, which reviews it and "
                    "answers here."
                ),
            )
            return redirect(f"{_home()}#privacy")
    return render(
        request, "citizen/correction_ask.html", {"record": record, "form": form}
    )
