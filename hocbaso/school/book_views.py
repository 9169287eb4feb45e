"""The class's mark book and the signing progress of a school's classes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from hocbaso.portal import purposes
from hocbaso.records.models import YearlyRecord
from hocbaso.school import markbook, signers_status
from hocbaso.school.access import (
    audit_records,
    class_with_roles,
    leader_appointment,
)


@login_required
def mark_book_page(request: HttpRequest, pk: int) -> HttpResponse:
    school_class, _roles = class_with_roles(request, pk)
    term = request.GET.get("term", markbook.TERMS[-1])
    if term not in markbook.TERMS:
        return HttpResponseBadRequest(
            _("The term must be hk1 (term I) or hk2 (term II), not %(term)s.")
            % {"term": term[:20]}
        )
    book = markbook.mark_book(school_class, term)
    shown = YearlyRecord.objects.filter(pk__in=[line.record_id for line in book.lines])
    audit_records(request, shown, purposes.MARK_BOOK, school_class)
    return render(
        request,
        "school/markbook.html",
        {"school_class": school_class, "book": book, "terms": markbook.TERMS},
    )


@login_required
def signers_page(request: HttpRequest, school_year: int, school: int) -> HttpResponse:
    """Per class and role slot: signed, waiting or blocked, and on what."""
    appointment = leader_appointment(request, school_year, school)
    return render(
        request,
        "school/signers.html",
        {
            "school": appointment.school,
            "year": appointment.school_year,
            "classes": signers_status.school_signing(
                appointment.school, appointment.school_year
            ),
        },
    )
