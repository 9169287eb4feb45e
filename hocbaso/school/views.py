"""The school's pages: my class, my subjects, the school by grade, a record and its
corrections before the lock (docs/school.md, "Pages"). The JSON a page uses to run a
signing batch is in ``batch_views``."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hocbaso.portal import purposes
from hocbaso.portal.audit import record_access
from hocbaso.records import deferred_actions, remote_signing
from hocbaso.records.errors import RecordsError
from hocbaso.records.models import (
    Appointment,
    RecordStatus,
    Role,
    SchoolClass,
    SchoolLevel,
    YearlyRecord,
)
from hocbaso.records.permissions import may_export_schools
from hocbaso.records.scope import filter_for
from hocbaso.school import batches, corrections, review
from hocbaso.school.access import audit_records
from hocbaso.school.corrections import CorrectionError, field_value
from hocbaso.school.models import SigningBatch
from hocbaso.web.labels import subject_name

STATUSES = [
    (RecordStatus.DRAFT, RecordStatus.DRAFT.label),
    (RecordStatus.FINALISED, RecordStatus.FINALISED.label),
    (RecordStatus.SIGNING, RecordStatus.SIGNING.label),
    (RecordStatus.ISSUED, RecordStatus.ISSUED.label),
    (RecordStatus.SUBMITTED, RecordStatus.SUBMITTED.label),
]


def _person(request):
    return getattr(request.user, "person", None)


def _class_for(request, pk: int) -> SchoolClass:
    """A class in the user's scope, else 404 (its existence is not revealed)."""
    classes = filter_for(
        request.user, SchoolClass.objects.select_related("school", "school_year")
    )
    return get_object_or_404(classes, pk=pk)


def _signing_context(request, kind: str, **where) -> dict:
    """The panel's settings and the user's interrupted batch of this kind, if any."""
    open_batch = (
        SigningBatch.objects.filter(
            user=request.user, kind=kind, status=SigningBatch.Status.OPEN, **where
        )
        .order_by("-created_at")
        .first()
    )
    return {
        "demo_keys": batches.demo_keys_allowed(),
        "remote_signing": remote_signing.is_enabled(),
        "open_batch": open_batch,
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    appointments = (
        Appointment.objects.filter(person=person)
        .select_related("school", "school_class", "school_year")
        .order_by("-school_year__name", "school_class__name")
        if person is not None
        else Appointment.objects.none()
    )
    homeroom, subjects, schools = [], defaultdict(list), []
    for a in appointments:
        if a.role == Role.HOMEROOM_TEACHER and a.school_class_id:
            homeroom.append(a)
        elif a.role == Role.SUBJECT_TEACHER and a.school_class_id:
            subjects[a.school_class].append(a.subject_code)
        elif a.role in review.LEADER_ROLES and a.school_id:
            schools.append(a)
    open_batches = SigningBatch.objects.filter(
        user=request.user, status=SigningBatch.Status.OPEN
    ).select_related("school", "school_year")
    return render(
        request,
        "school/home.html",
        {
            "homeroom": homeroom,
            "subjects": sorted(
                subjects.items(), key=lambda kv: (kv[0].school_year_id, kv[0].name)
            ),
            "schools": schools,
            "open_batches": open_batches,
        },
    )


@login_required
def class_page(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = _class_for(request, pk)
    roles = review.roles_in_class(_person(request), school_class)
    if not roles and not request.user.is_superuser:
        raise PermissionDenied
    rows = review.class_rows(school_class)
    audit_records(
        request, [r.record for r in rows], purposes.CLASS_REVIEW, school_class
    )
    counts = defaultdict(int)
    for row in rows:
        counts[row.record.status] += 1
    return render(
        request,
        "school/class.html",
        {
            "school_class": school_class,
            "rows": rows,
            "roles": roles,
            "counts": [(label, counts.get(code, 0)) for code, label in STATUSES],
            "drafts": counts.get(RecordStatus.DRAFT, 0),
            "ready": sum(1 for r in rows if r.ready),
            "can_sign": "homeroom" in roles,
            "can_export": may_export_schools(request.user),
            **_signing_context(
                request, SigningBatch.Kind.HOMEROOM, items__school_class=school_class
            ),
        },
    )


@login_required
@require_POST
def finalise(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = _class_for(request, pk)
    if request.POST.get("confirm") != "yes":
        # Finalised records go on to be signed and sent: the first POST only
        # asks again, on a page of its own, so it works without script.
        roles = review.roles_in_class(_person(request), school_class)
        if not roles & {"homeroom", "leader", "clerk"}:
            raise PermissionDenied
        drafts = review.current(
            YearlyRecord.objects.filter(
                school_class=school_class,
                status=RecordStatus.DRAFT,
                locked_at__isnull=True,
            )
        ).count()
        return render(
            request,
            "school/finalise_confirm.html",
            {"school_class": school_class, "drafts": drafts},
        )
    try:
        n = deferred_actions.finalise_records(
            request.user, YearlyRecord.objects.filter(school_class=school_class)
        )
    except RecordsError as exc:
        messages.error(request, str(exc))
        for problem in getattr(exc, "problems", [])[:20]:
            messages.warning(request, problem)
    else:
        messages.success(request, _("%(n)s records finalised") % {"n": n})
    return redirect("school:class", pk=school_class.pk)


@login_required
def subjects_page(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = _class_for(request, pk)
    person = _person(request)
    codes = set(
        Appointment.objects.filter(
            person=person, role=Role.SUBJECT_TEACHER, school_class=school_class
        ).values_list("subject_code", flat=True)
    )
    if not codes or school_class.level != SchoolLevel.SECONDARY:
        raise PermissionDenied
    rows = review.class_rows(school_class)
    audit_records(
        request, [r.record for r in rows], purposes.SUBJECT_REVIEW, school_class
    )
    lines = []
    for row in rows:
        subjects = (row.record.results or {}).get("subjects", {})
        raw = defaultdict(dict)
        for a in row.record.assessments.all():
            if a.subject_code in codes:
                raw[a.subject_code][a.term] = a.data
        lines.append(
            {
                "row": row,
                "subjects": [
                    (code, raw.get(code, {}), subjects.get(code))
                    for code in sorted(codes)
                ],
            }
        )
    return render(
        request,
        "school/subjects.html",
        {
            "school_class": school_class,
            "codes": [subject_name(code) for code in sorted(codes)],
            "lines": lines,
            **_signing_context(
                request, SigningBatch.Kind.SUBJECT, items__school_class=school_class
            ),
        },
    )


@login_required
def school_page(request: HttpRequest, school_year: int, school: int) -> HttpResponse:
    person = _person(request)
    lead = Appointment.objects.filter(
        person=person,
        school_id=school,
        school_year_id=school_year,
        role__in=review.LEADER_ROLES,
    ).select_related("school", "school_year")
    appointment = lead.first()
    if appointment is None:
        raise PermissionDenied
    grades = review.school_overview(appointment.school, appointment.school_year)
    totals = defaultdict(int)
    for classes in grades.values():
        for c in classes:
            for key, n in c.counts.items():
                totals[key] += n
    open_batches = SigningBatch.objects.filter(
        user=request.user,
        school=appointment.school,
        school_year=appointment.school_year,
        status=SigningBatch.Status.OPEN,
    )
    return render(
        request,
        "school/school.html",
        {
            "school": appointment.school,
            "year": appointment.school_year,
            "grades": sorted(grades.items()),
            "totals": totals,
            "can_sign": lead.filter(
                role__in=(Role.PRINCIPAL, Role.DEPUTY_PRINCIPAL)
            ).exists(),
            "open_batches": open_batches,
            **_signing_context(
                request,
                SigningBatch.Kind.ISSUE,
                school=appointment.school,
                school_year=appointment.school_year,
            ),
        },
    )


@login_required
def record_page(request: HttpRequest, pk: int) -> HttpResponse:
    records = filter_for(
        request.user,
        YearlyRecord.objects.select_related(
            "transcript__student", "school_class", "school", "school_year"
        ),
    )
    record = get_object_or_404(records, pk=pk)
    roles = review.roles_in_class(_person(request), record.school_class)
    if not roles and not request.user.is_superuser:
        raise PermissionDenied
    may_correct = bool(roles & {"homeroom", "leader", "clerk"})
    preview = None
    if request.method == "POST":
        if not may_correct:
            raise PermissionDenied
        form = request.POST.dict()
        try:
            if "save" in request.POST:
                corrections.apply(record, form, _person(request))
                messages.success(
                    request,
                    _(
                        "The correction is saved; the record is back to draft."
                        " Finalise and sign it again, then send the replacement."
                    ),
                )
                return redirect("school:class", pk=record.school_class_id)
            preview = corrections.preview(record, form)
        except (CorrectionError, RecordsError) as exc:
            messages.error(request, str(exc))
    record_access(
        request,
        action="view",
        transcript=record.transcript,
        actor_kind="staff",
        purpose=purposes.RECORD_REVIEW,
        detail={"record": record.pk, "purpose": purposes.RECORD_REVIEW},
    )
    rows = (
        preview.rows
        if preview
        else list(record.assessments.all().order_by("subject_code", "term"))
    )
    fields = [
        {
            "row": row,
            "values": [(key, field_value(value)) for key, value in row.data.items()],
        }
        for row in rows
    ]
    return render(
        request,
        "school/record.html",
        {
            "record": record,
            "row": review.RecordRow(
                record,
                review.problems_of(record),
                review.decisions_of(record),
                review.registry_states([record.pk]).get(record.pk, ""),
            ),
            "fields": fields,
            "homeroom_comment": preview.homeroom_comment
            if preview
            else record.homeroom_comment,
            "preview": preview,
            "may_correct": may_correct,
            "steps": record.signature_steps.select_related("person").order_by(
                "signed_at", "pk"
            ),
        },
    )
