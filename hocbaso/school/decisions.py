"""Decisions the rules leave to people, taken on the class's page (primary).

Circular 27/2020 (domain.md §3.4 as docs/decisions.md records it):

- Art. 11-13, class recognition: a pupil whose year result is HTT may be
  recognised by the class for an outstanding subject or clear progress, which
  makes the title Học sinh Tiêu biểu. Stored as the import stores it
  (``class_recognition``, ``class_recognition_note``, ``class_recognition_by``).
- Art. 12, a pupil who did not complete (CHT) gets a supplementary assessment
  after the summer; the record then holds those results and is reported in the
  supplementary round (``supplementary_assessed``, the import's column
  "Re-assessed after the summer").
- Art. 12, a pupil still not completing after that re-assessment goes up (được
  lên lớp) or stays (ở lại lớp) by the principal's decision, the principal's
  alone (``principal_promotion``; the packet's ``duoclenlop``, docs/packet.md).

Each decision is one transaction: the record's fields, its recomputed results and
a ``DecisionEvent`` with the values before and after. A locked record is refused
by the records themselves (RecordLockedError); a signed one returns to draft and
loses its signatures, as any edit of what was signed does (domain.md §7).
"""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocbaso.assessment import AssessmentInputError
from hocbaso.records.errors import RecordsError
from hocbaso.records.models import Appointment, Role, SchoolLevel, YearlyRecord
from hocbaso.school.models import DecisionEvent

# Who decides: the homeroom teacher proposes for the class, the school's leaders
# decide (docs/school.md, "Decisions").
DECIDING_ROLES = frozenset({"homeroom", "leader"})


class DecisionError(RecordsError):
    """A decision the rules do not allow for this record; nothing changed."""


class DecisionForm(forms.Form):
    record = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        choices=[
            ("recognition", "recognition"),
            ("supplementary", "supplementary"),
            ("promotion", "promotion"),
        ],
        widget=forms.HiddenInput,
    )
    value = forms.BooleanField(required=False, label=gettext_lazy("Yes"))
    note = forms.CharField(
        required=False,
        max_length=1000,
        label=gettext_lazy("Note (the subject or the progress recognised)"),
        widget=forms.TextInput,
    )
    # Two explicit answers, no default: a promotion decision is never read from
    # an unticked box.
    promotion = forms.ChoiceField(
        required=False,
        choices=[("up", gettext_lazy("Goes up")), ("stay", gettext_lazy("Stays"))],
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == "promotion":
            if not data.get("promotion"):
                self.add_error(
                    "promotion", _("Choose whether the pupil goes up or stays.")
                )
            data["value"] = data.get("promotion") == "up"
        return data


def is_principal(user, school_class) -> bool:
    """Whether ``user`` is the principal of the class's school that year."""
    return Appointment.objects.filter(
        person__user=user,
        role=Role.PRINCIPAL,
        school=school_class.school_id,
        school_year=school_class.school_year_id,
    ).exists()


def decide(record: YearlyRecord, kind: str, value: bool, note: str, user) -> None:
    """Store one decision on a primary record, recompute it and audit it."""
    if record.level != SchoolLevel.PRIMARY:
        raise DecisionError(_("These decisions are taken for primary pupils only."))
    with transaction.atomic():
        record = YearlyRecord.objects.select_for_update().get(pk=record.pk)
        before = _values(record)
        if kind == "recognition":
            _recognise(record, value, note.strip(), user)
        elif kind == "promotion":
            _promote(record, value, user)
        else:
            _reassess(record, value)
        _recompute(record)
        DecisionEvent.objects.create(
            at=timezone.now(),
            kind=_KINDS[kind],
            record=record,
            user=user,
            before=before,
            after=_values(record),
        )


_KINDS = {
    "recognition": DecisionEvent.Kind.RECOGNITION,
    "supplementary": DecisionEvent.Kind.SUPPLEMENTARY,
    "promotion": DecisionEvent.Kind.PROMOTION,
}


def _values(record: YearlyRecord) -> dict:
    return {
        "class_recognition": record.class_recognition,
        "class_recognition_note": record.class_recognition_note,
        "supplementary_assessed": record.supplementary_assessed,
        "principal_promotion": record.principal_promotion,
        "title": record.title,
        "status": record.status,
    }


def _recognise(record: YearlyRecord, value: bool, note: str, user) -> None:
    # Art. 11: recognition is for an HTT pupil; withdrawing it is always allowed.
    if value and record.result_code != "HTT":
        raise DecisionError(
            _(
                "Only a pupil whose year result is HTT (completed well) can be"
                " recognised by the class; this pupil's result is %(result)s."
            )
            % {"result": record.result_code or _("not computed yet")}
        )
    if value and not note:
        raise DecisionError(
            _("Write what the class recognises: the subject or the progress.")
        )
    record.class_recognition = value
    record.class_recognition_note = note if value else ""
    record.class_recognition_by = getattr(user, "person", None) if value else None
    record.save(
        update_fields=[
            "class_recognition",
            "class_recognition_note",
            "class_recognition_by",
            "updated_at",
        ]
    )


def _reassess(record: YearlyRecord, value: bool) -> None:
    # Art. 12: the supplementary assessment is for a pupil who did not complete
    # in June; once recorded, the record keeps the flag even if now completed.
    if value and not record.supplementary_assessed and record.result_code != "CHT":
        raise DecisionError(
            _(
                "Only a pupil who did not complete the grade (CHT) is re-assessed"
                " after the summer; this pupil's result is %(result)s."
            )
            % {"result": record.result_code or _("not computed yet")}
        )
    record.supplementary_assessed = value
    record.save(update_fields=["supplementary_assessed", "updated_at"])


def _promote(record: YearlyRecord, value: bool, user) -> None:
    # Art. 12: only the principal, and only for a pupil re-assessed after the
    # summer who still did not complete; a completed pupil goes up by the rules.
    if not is_principal(user, record.school_class):
        raise DecisionError(_("Only the principal decides whether a pupil goes up."))
    if record.result_code != "CHT" or not record.supplementary_assessed:
        raise DecisionError(
            _(
                "The principal decides only for a pupil re-assessed after the"
                " summer who still did not complete the grade (CHT); this"
                " pupil's result is %(result)s."
            )
            % {"result": record.result_code or _("not computed yet")}
        )
    record.principal_promotion = value
    record.save(update_fields=["principal_promotion", "updated_at"])


def _recompute(record: YearlyRecord) -> None:
    """The title and round follow the decision; missing data refuses it whole."""
    try:
        record.recompute()
    except AssessmentInputError as exc:
        raise DecisionError(
            _("The record's data is incomplete, so the decision is not saved: %(p)s")
            % {"p": "; ".join(exc.problems)}
        ) from None
