"""The homeroom teacher's "this record is ready": the drafts' results recomputed from
their raw data, draft → finalised, all or none (docs/school.md, "Pages").
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hocbaso.records import signing_steps as steps
from hocbaso.records.errors import NotAllowedToSignError, RecordNotReadyError
from hocbaso.records.models import Appointment, RecordStatus, Role, YearlyRecord


@transaction.atomic
def finalise_records(user, records: QuerySet[YearlyRecord]) -> int:
    """Recompute the draft records and mark them finalised; all or none.

    Only the homeroom teacher of the records' class, the principal, a deputy or the
    clerk of the school may. Raises RecordNotReadyError listing every record whose
    raw data is incomplete (the rules' problems), and nothing changes then.
    """
    person = steps.person_of(user)
    steps.check_records_in_scope(user, records)
    drafts = list(
        # A locked record is final, whatever its status (R11).
        records.filter(status=RecordStatus.DRAFT, locked_at__isnull=True)
        .select_for_update()
        .select_related("transcript__student", "school_year", "school_class")
        .order_by("pk")
    )
    for record in drafts:
        _check_may_finalise(person, record)
    problems = _recompute(drafts)
    if problems:
        raise RecordNotReadyError(
            _("some records cannot be finalised: %(n)s") % {"n": len(problems)},
            problems,
        )
    steps.set_status(drafts, RecordStatus.FINALISED)
    return len(drafts)


def _check_may_finalise(person, record: YearlyRecord) -> None:
    """The class's homeroom teacher, or the school's principal, deputy or clerk."""
    allowed = Appointment.objects.filter(person=person, school_year=record.school_year)
    if not (
        allowed.filter(
            role=Role.HOMEROOM_TEACHER, school_class=record.school_class
        ).exists()
        or allowed.filter(
            role__in=(Role.PRINCIPAL, Role.DEPUTY_PRINCIPAL, Role.CLERK),
            school=record.school,
        ).exists()
    ):
        raise NotAllowedToSignError(
            _("%(name)s may not finalise %(record)s")
            % {"name": person.full_name, "record": record}
        )


def _recompute(drafts: list[YearlyRecord]) -> list[str]:
    """Recompute and save every draft; the problems of those whose data is
    incomplete (the transaction is rolled back when there are any)."""
    from hocbaso.assessment import AssessmentInputError

    problems = []
    for record in drafts:
        try:
            record.recompute(save=True)
        except AssessmentInputError as exc:
            problems.append(
                _("%(record)s: %(problems)s")
                % {
                    "record": record,
                    "problems": "; ".join(str(p) for p in exc.problems) or str(exc),
                }
            )
    return problems
