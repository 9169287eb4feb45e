"""The page where a primary class's decisions are taken (school/decisions.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hocbaso.portal import purposes
from hocbaso.records.errors import RecordsError
from hocbaso.records.models import SchoolLevel, YearlyRecord
from hocbaso.school import decisions
from hocbaso.school.access import audit_records, class_with_roles
from hocbaso.school.review import current, in_class_list_order


@login_required
def decisions_page(request: HttpRequest, pk: int) -> HttpResponse:
    school_class, roles = class_with_roles(request, pk)
    if school_class.level != SchoolLevel.PRIMARY:
        raise Http404
    may_decide = bool(roles & decisions.DECIDING_ROLES)
    may_promote = decisions.is_principal(request.user, school_class)
    if request.method == "POST":
        promoting = request.POST.get("kind") == "promotion"
        if not (may_promote if promoting else may_decide):
            raise PermissionDenied
        _take(request, school_class)
        return redirect("school:decisions", pk=school_class.pk)
    records = in_class_list_order(
        current(YearlyRecord.objects.filter(school_class=school_class))
        .exclude(result_code__in=("", "HTXS", "HT"), supplementary_assessed=False)
        .select_related("transcript__student")
    )
    # A class page of the school: the families read its label in their list.
    audit_records(request, records, purposes.CLASS_REVIEW, school_class)
    return render(
        request,
        "school/decisions.html",
        {
            "school_class": school_class,
            "recognition": [r for r in records if r.result_code == "HTT"],
            "reassessment": [
                r for r in records if r.result_code == "CHT" or r.supplementary_assessed
            ],
            # Circular 27, Art. 12: still CHT after the re-assessment.
            "promotion": [
                r
                for r in records
                if r.result_code == "CHT" and r.supplementary_assessed
            ],
            "may_decide": may_decide,
            "may_promote": may_promote,
        },
    )


def _take(request: HttpRequest, school_class) -> None:
    form = decisions.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("The decision form is incomplete: %(errors)s")
            % {
                "errors": "; ".join(
                    f"{k}: {' '.join(v)}" for k, v in form.errors.items()
                )
            },
        )
        return
    data = form.cleaned_data
    record = (
        YearlyRecord.objects.filter(school_class=school_class, pk=data["record"])
        .select_related("transcript__student")
        .first()
    )
    if record is None:
        raise Http404  # a record of another class is not revealed
    try:
        decisions.decide(
            record, data["kind"], data["value"], data["note"], request.user
        )
    except RecordsError as exc:
        messages.error(request, f"{record.transcript.student.full_name}: {exc}")
    else:
        messages.success(
            request,
            _("%(name)s: the decision is saved; finalise the record again.")
            % {"name": record.transcript.student.full_name},
        )
