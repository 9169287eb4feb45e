"""Raw assessments per subject and term, and the interchange input built from them.

The raw data is kept in the interchange shape of domain.md §10 so that the
rules package reads it unchanged:

- primary: ``{"level": "T", "score": 9}`` (score only for tested subjects);
- lower secondary: ``{"tx": [8, 9, 7, 10], "gk": 7.5, "ck": 8}``;
- either level: ``{"exempt": true}`` for an exempt subject.

A primary record's transcript shows the end-of-year assessment, which is the
term II row; the term I row is kept for the school's own use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from hocbaso.records.errors import RecordLockedError
from hocbaso.records.models._base import SchoolLevel
from hocbaso.records.models.locks import RecordRowGuard, RecordRowQuerySet
from hocbaso.records.models.organisations import School
from hocbaso.records.models.people import Person

if TYPE_CHECKING:
    from hocbaso.records.models.yearly_records import YearlyRecord


class Term(models.TextChoices):
    HK1 = "hk1", _("Term I")
    HK2 = "hk2", _("Term II (end of year)")


class SubjectAssessment(RecordRowGuard):
    """The raw assessments of one subject in one term of one yearly record.

    A locked record's rows never change (``RecordRowGuard``, docs/security.md).
    """

    record = models.ForeignKey(
        "records.YearlyRecord",
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("yearly record"),
    )
    subject_code = models.CharField(_("subject code"), max_length=10)
    term = models.CharField(_("term"), max_length=3, choices=Term.choices)
    data = models.JSONField(
        _("assessments"),
        default=dict,
        help_text=_(
            'Primary {"level": "T", "score": 9}; lower secondary '
            '{"tx": [8, 9], "gk": 7.5, "ck": 8}; or {"exempt": true}.'
        ),
    )
    comment = models.TextField(_("comment"), blank=True)
    entered_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    # domain.md §7 [decision]: term I results of a student who moved mid-year
    # travel to the new school's record, marked with where they came from.
    source_school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source school"),
        help_text=_("Set when the results were brought from a previous school."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RecordRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("subject assessment")
        verbose_name_plural = _("subject assessments")
        ordering = ["record", "subject_code", "term"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "subject_code", "term"],
                name="records_one_assessment_per_subject_term",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_code} {self.get_term_display()}"

    def save(self, *args, **kwargs) -> None:
        """Save; a new or changed row returns its record to draft (domain.md §7)."""
        edited = self._state.adding or self._differs_from_stored()
        super().save(*args, **kwargs)
        if edited:
            return_to_draft(self.record_id)

    def delete(self, *args, **kwargs):
        record_id = self.record_id
        deleted = super().delete(*args, **kwargs)
        return_to_draft(record_id)
        return deleted

    def clean(self) -> None:
        try:
            self.refuse_if_record_locked()
        except RecordLockedError as exc:
            raise ValidationError(str(exc)) from None

    def _differs_from_stored(self) -> bool:
        names = ("record_id", "subject_code", "term", "data", "comment")
        names += ("source_school_id",)
        stored = type(self)._default_manager.filter(pk=self.pk).values(*names).first()
        return stored is None or any(stored[n] != getattr(self, n) for n in names)

    @property
    def is_exempt(self) -> bool:
        return bool(isinstance(self.data, dict) and self.data.get("exempt"))


def return_to_draft(record_id: int) -> None:
    """An edit of a record's subject rows: back to draft, signatures dropped."""
    from hocbaso.records.models.signatures import drop_signatures
    from hocbaso.records.models.yearly_records import RecordStatus, YearlyRecord

    records = YearlyRecord.objects.filter(pk=record_id)
    if records.exclude(status=RecordStatus.DRAFT).update(status=RecordStatus.DRAFT):
        drop_signatures(record_id)


EXEMPT = {"exempt": True}


def build_assessment_input(
    record: YearlyRecord, rows: list[SubjectAssessment]
) -> dict[str, Any]:
    """The §10 input dict of a yearly record and its raw subject rows."""
    if record.level == SchoolLevel.PRIMARY:
        return _primary_input(record, rows)
    return _secondary_input(record, rows)


def _primary_input(
    record: YearlyRecord, rows: list[SubjectAssessment]
) -> dict[str, Any]:
    subjects: dict[str, Any] = {}
    for row in rows:
        if row.is_exempt:
            subjects[row.subject_code] = dict(EXEMPT)
        elif row.term == Term.HK2 and subjects.get(row.subject_code) != EXEMPT:
            subjects[row.subject_code] = dict(row.data)
    return {
        "level": SchoolLevel.PRIMARY.value,
        "grade": record.grade,
        "subjects": subjects,
        "qualities": dict(record.qualities or {}),
        "competencies": dict(record.competencies or {}),
        "class_recognition": bool(record.class_recognition),
    }


def _secondary_input(
    record: YearlyRecord, rows: list[SubjectAssessment]
) -> dict[str, Any]:
    subjects: dict[str, Any] = {}
    for row in rows:
        # An exemption in either term exempts the subject (it is written in
        # place of its assessments, §10).
        if row.is_exempt or subjects.get(row.subject_code) == EXEMPT:
            subjects[row.subject_code] = dict(EXEMPT)
        else:
            subjects.setdefault(row.subject_code, {})[row.term] = dict(row.data)
    data: dict[str, Any] = {
        "level": SchoolLevel.SECONDARY.value,
        "grade": record.grade,
        "subjects": subjects,
        "conduct": dict(record.conduct or {}),
        "absences": record.absences or 0,
    }
    if record.retest:
        data["retest"] = dict(record.retest)
    if record.summer_conduct:
        data["summer_conduct"] = record.summer_conduct
    return data


def round_of(
    level: str, results: dict[str, Any], data: dict[str, Any], reassessed: bool
) -> str:
    """Main round iff the student completed the grade without summer work (§7).

    Primary: HT or better on the June assessment. Lower secondary: promoted
    with no re-test and no summer conduct training. Everything else (summer
    work, the decision to repeat) is the supplementary round.
    """
    if level == SchoolLevel.PRIMARY:
        main = bool(results.get("completed")) and not reassessed
    else:
        main = (
            results.get("promotion") == "promoted"
            and not data.get("retest")
            and not data.get("summer_conduct")
        )
    return "main" if main else "supplementary"
