"""Yearly records: one page of a transcript, one school year each.

domain.md §6: each school year adds a yearly record, signed and locked on its
own; a repeated grade adds another record for the same grade (so records are
unique per year, not per grade). An edit of what was signed returns the record to
draft and drops its signatures (domain.md §7); a locked record is refused
(hocbaso.records.models.locks, R11). The transcript itself is in
``transcripts``, the lifecycle's states in ``record_states``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hocbaso.records.errors import RecordLockedError
from hocbaso.records.models._base import GRADES, SchoolLevel, level_of_grade
from hocbaso.records.models.assessments import build_assessment_input, round_of
from hocbaso.records.models.calendar import SchoolClass, SchoolYear
from hocbaso.records.models.locks import YearlyRecordQuerySet, refuse_locked
from hocbaso.records.models.organisations import School
from hocbaso.records.models.people import Person
from hocbaso.records.models.record_states import (
    COMPUTED_FIELDS,
    SIGNED_FIELDS,
    RecordStatus,
    Round,
)
from hocbaso.records.models.signatures import drop_signatures
from hocbaso.records.models.transcripts import Transcript
from hocbaso.records.pilot import is_in_pilot


class YearlyRecord(models.Model):
    """One page of a transcript: one school year, grade, school and class."""

    transcript = models.ForeignKey(
        Transcript,
        on_delete=models.PROTECT,
        related_name="yearly_records",
        verbose_name=_("transcript"),
    )
    school_year = models.ForeignKey(
        SchoolYear,
        on_delete=models.PROTECT,
        related_name="yearly_records",
        verbose_name=_("school year"),
    )
    grade = models.PositiveSmallIntegerField(_("grade"), choices=GRADES)
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="yearly_records",
        verbose_name=_("school"),
    )
    school_class = models.ForeignKey(
        SchoolClass,
        on_delete=models.PROTECT,
        related_name="yearly_records",
        verbose_name=_("class"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RecordStatus.choices,
        default=RecordStatus.DRAFT,
    )

    # --- raw data of the whole record (the subjects are SubjectAssessment rows)
    qualities = models.JSONField(
        _("qualities"), default=dict, blank=True, help_text=_('Primary: {"YN": "T", …}')
    )
    competencies = models.JSONField(
        _("competencies"),
        default=dict,
        blank=True,
        help_text=_('Primary: {"TCTH": "T", …}'),
    )
    conduct = models.JSONField(
        _("conduct per term"),
        default=dict,
        blank=True,
        help_text=_('Lower secondary: {"hk1": "T", "hk2": "K"}'),
    )
    absences = models.PositiveSmallIntegerField(
        _("absences (sessions)"), null=True, blank=True
    )
    retest = models.JSONField(
        _("re-test results"),
        null=True,
        blank=True,
        help_text=_('Lower secondary, after the summer: {"TOAN": 5.5}'),
    )
    summer_conduct = models.CharField(
        _("conduct after summer training"), max_length=2, blank=True
    )
    supplementary_assessed = models.BooleanField(
        _("re-assessed after the summer"),
        default=False,
        help_text=_("Primary: the results are those of the supplementary assessment."),
    )
    class_recognition = models.BooleanField(
        _("recognised by the class"),
        default=False,
        help_text=_("Primary: outstanding in a subject or clear progress (Art. 11)."),
    )
    class_recognition_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recognition decided by"),
    )
    class_recognition_note = models.TextField(_("recognition note"), blank=True)
    comments = models.JSONField(
        _("comments"),
        default=dict,
        blank=True,
        help_text=_('{"qualities": {"YN": "…"}, "competencies": {"TCTH": "…"}}'),
    )
    homeroom_comment = models.TextField(_("homeroom teacher's comment"), blank=True)
    ad_hoc_commendations = models.TextField(_("ad-hoc commendations"), blank=True)
    # What the official form prints and the national feed carries beside the
    # results (docs/forms.md; docs/packet.md, "Version 1.1"). Covered by the lock's
    # UPDATE trigger like every column of the row (migration 0005 re-creates it).
    absences_excused = models.PositiveSmallIntegerField(
        _("days absent with permission"), null=True, blank=True
    )
    absences_unexcused = models.PositiveSmallIntegerField(
        _("days absent without permission"), null=True, blank=True
    )
    height_cm = models.DecimalField(
        _("height (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    disability_not_assessed = models.BooleanField(
        _("pupil with disabilities not assessed in some subjects"),
        default=False,
        help_text=_("By the individual education plan (docs/decisions.md)."),
    )
    foreign_language = models.CharField(
        _("foreign language 1"), max_length=40, blank=True
    )
    certificates = models.TextField(
        _("certificates"), blank=True, help_text=_("One certificate a line.")
    )
    contests = models.TextField(_("contests and awards"), blank=True)
    # Circular 27, Art. 12: for a pupil who did not complete the grade, after the
    # summer's re-assessment, the principal decides: True goes up, False stays.
    principal_promotion = models.BooleanField(
        _("principal's promotion decision"), null=True, blank=True
    )

    # --- computed by recompute() from hocbaso.assessment.assess
    results = models.JSONField(
        _("computed results"), null=True, blank=True, editable=False
    )
    result_code = models.CharField(
        _("year result"), max_length=4, blank=True, editable=False
    )
    year_learning = models.CharField(
        _("year learning"), max_length=2, blank=True, editable=False
    )
    year_conduct = models.CharField(
        _("year conduct"), max_length=2, blank=True, editable=False
    )
    promotion = models.CharField(
        _("promotion"), max_length=30, blank=True, editable=False
    )
    title = models.CharField(_("title"), max_length=4, blank=True, editable=False)
    completed = models.BooleanField(
        _("completed the grade"), null=True, blank=True, editable=False
    )
    round = models.CharField(
        _("round"), max_length=13, choices=Round.choices, blank=True, editable=False
    )
    computed_at = models.DateTimeField(
        _("computed at"), null=True, blank=True, editable=False
    )

    # Set by the registry's lock, in its transaction (hocbaso.registry.locking):
    # from then on the database refuses any change to the row (migration 0003).
    locked_at = models.DateTimeField(
        _("locked at"), null=True, blank=True, editable=False
    )

    # A correction after the lock (docs/registry.md, "Correction after the lock"):
    # a new version of a locked record, made by the registry once the competent
    # level approved it; the locked original is never edited. The version carries
    # its own corrected identity (a name changed by law, say): the student's row
    # keeps the identity the locked records were signed with (migration 0004).
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="corrected_by",
        verbose_name=_("corrects"),
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1, editable=False)
    corrected_identity = models.JSONField(
        _("corrected identity"), default=dict, blank=True, editable=False
    )

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = YearlyRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("yearly record")
        verbose_name_plural = _("yearly records")
        ordering = ["-school_year", "school", "school_class", "transcript"]
        constraints = [
            models.UniqueConstraint(
                fields=["transcript", "school_year"],
                condition=models.Q(corrects__isnull=True),
                name="records_one_record_per_transcript_year",
            ),
            models.CheckConstraint(
                condition=models.Q(grade__gte=1, grade__lte=9),
                name="records_record_grade_1_9",
            ),
            models.CheckConstraint(
                condition=models.Q(height_cm__isnull=True)
                | models.Q(height_cm__gte=1, height_cm__lte=250),
                name="records_record_height_1_250",
            ),
            models.CheckConstraint(
                condition=models.Q(weight_kg__isnull=True)
                | models.Q(weight_kg__gte=1, weight_kg__lte=200),
                name="records_record_weight_1_200",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "school_year"]),
            models.Index(fields=["school_year", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.transcript.student} · {self.school_year} · {self.grade}"

    def save(self, *args, **kwargs) -> None:
        """Save; an edit of what was signed or finalised returns the record to draft.

        The signature steps and the packet are dropped in the same transaction as
        the edit (domain.md §7). A locked record raises RecordLockedError.
        """
        self.refuse_if_locked()
        edited = self._is_edited(kwargs.get("update_fields"))
        if edited:
            self.status = RecordStatus.DRAFT
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "status"}
        super().save(*args, **kwargs)
        if edited:
            drop_signatures(self.pk)

    def delete(self, *args, **kwargs):
        self.refuse_if_locked()
        return super().delete(*args, **kwargs)

    def refuse_if_locked(self) -> None:
        """Raise RecordLockedError if the stored record is locked (R11)."""
        if not self._state.adding and self.pk is not None:
            refuse_locked(type(self)._base_manager.filter(pk=self.pk))

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    def _is_edited(self, update_fields) -> bool:
        """Whether a saved, non-draft record's signed fields differ from the stored."""
        if self._state.adding or self.pk is None:
            return False
        attnames = [
            self._meta.get_field(name).attname
            for name in SIGNED_FIELDS
            if update_fields is None
            or name in update_fields
            or self._meta.get_field(name).attname in update_fields
        ]
        if not attnames:
            return False
        stored = (
            type(self)
            ._default_manager.filter(pk=self.pk)
            .values("status", *attnames)
            .first()
        )
        if stored is None or stored["status"] == RecordStatus.DRAFT:
            return False
        return any(stored[name] != getattr(self, name) for name in attnames)

    @property
    def level(self) -> SchoolLevel:
        return level_of_grade(self.grade)

    def clean(self) -> None:
        try:
            self.refuse_if_locked()
        except RecordLockedError as exc:
            raise ValidationError(str(exc)) from None
        errors: dict[str, Any] = {}
        if self.grade and not is_in_pilot(self.grade):
            errors["grade"] = _(
                "Grade %(grade)s is not in the digital transcript pilot."
            ) % {"grade": self.grade}
        if self.transcript_id and self.grade and self.transcript.level != self.level:
            errors["grade"] = _("The grade does not belong to the transcript's level.")
        if self.school_class_id:
            cls = self.school_class
            if (cls.school_id, cls.school_year_id, cls.grade) != (
                self.school_id,
                self.school_year_id,
                self.grade,
            ):
                errors["school_class"] = _(
                    "The class must be of the record's school, school year and grade."
                )
        if errors:
            raise ValidationError(errors)

    def to_assessment_input(self) -> dict[str, Any]:
        """The interchange input of domain.md §10, built from the raw rows."""
        return build_assessment_input(self, list(self.assessments.all()))

    def recompute(self, save: bool = True) -> dict[str, Any]:
        """Run the assessment rules on the raw data and store the results.

        Raises ``hocbaso.assessment.AssessmentInputError`` (with ``.problems``)
        when the raw data is incomplete or invalid; nothing is stored then.
        """
        # Imported here so the models load before the rules package is complete.
        from hocbaso.assessment import assess

        if save:
            self.refuse_if_locked()  # before the rules: the lock is the reason

        data = self.to_assessment_input()
        results = assess(data)
        self.apply_results(results, data)
        if save:
            self.save(update_fields=[*COMPUTED_FIELDS, "updated_at"])
        return results

    def apply_results(self, results: dict[str, Any], data: dict[str, Any]) -> None:
        """Copy the assess() output into the denormalised list fields."""
        self.results = results
        self.title = results.get("title") or ""
        if self.level == SchoolLevel.PRIMARY:
            self.result_code = results.get("result", "")
            self.completed = bool(results.get("completed"))
            self.year_learning = self.year_conduct = self.promotion = ""
        else:
            self.year_learning = (results.get("learning") or {}).get("year", "")
            self.year_conduct = (results.get("conduct") or {}).get("year", "")
            self.promotion = results.get("promotion", "")
            self.completed = self.promotion == "promoted"
            self.result_code = ""
        self.round = round_of(self.level, results, data, self.supplementary_assessed)
        self.computed_at = timezone.now()
