"""Students and their enrollments in classes, transfers in and out included."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hocbaso.records import identifiers
from hocbaso.records.errors import RecordLockedError
from hocbaso.records.models._base import refuse_changes
from hocbaso.records.models.calendar import SchoolClass
from hocbaso.records.models.locks import (
    LOCKED_IDENTITY_FIELDS,
    StudentQuerySet,
    changed_identity,
    identity_locked_error,
    locked_record_of_student,
)
from hocbaso.records.models.organisations import School
from hocbaso.records.models.people import (
    name_errors,
    personal_id_errors,
    personal_id_format,
)


class Sex(models.IntegerChoices):
    """QCVN 109:2017 codes."""

    UNKNOWN = 0, _("Unknown")
    MALE = 1, _("Male")
    FEMALE = 2, _("Female")


class Student(models.Model):
    """A student's identity page (domain.md §6): who they are, not their results."""

    student_code = models.CharField(
        _("student code"),
        max_length=20,
        unique=True,
        help_text=_("Education-database code (mã học sinh); never changes."),
    )
    personal_id = models.CharField(
        _("personal identification number"),
        max_length=12,
        unique=True,
        validators=[personal_id_format],
    )
    full_name = models.CharField(_("full name"), max_length=200)
    sex = models.PositiveSmallIntegerField(_("sex"), choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"))
    ethnicity = models.CharField(_("ethnicity"), max_length=50, default="Kinh")
    nationality = models.CharField(_("nationality"), max_length=50, default="Việt Nam")
    place_of_birth = models.CharField(_("place of birth"), max_length=300, blank=True)
    home_town = models.CharField(_("home town"), max_length=300, blank=True)
    current_address = models.CharField(_("current address"), max_length=300, blank=True)
    father_name = models.CharField(_("father's name"), max_length=200, blank=True)
    father_occupation = models.CharField(
        _("father's occupation"), max_length=100, blank=True
    )
    mother_name = models.CharField(_("mother's name"), max_length=200, blank=True)
    mother_occupation = models.CharField(
        _("mother's occupation"), max_length=100, blank=True
    )
    guardian_name = models.CharField(_("guardian's name"), max_length=200, blank=True)
    guardian_occupation = models.CharField(
        _("guardian's occupation"), max_length=100, blank=True
    )
    policy_category = models.CharField(
        _("policy category"),
        max_length=100,
        blank=True,
        help_text=_("Đối tượng chính sách, if any."),
    )

    objects = StudentQuerySet.as_manager()

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["full_name", "student_code"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.student_code})"

    def save(self, *args, **kwargs) -> None:
        # The student code identifies the student across levels for life
        # (Circular 42/2021); a changed code would orphan the national record.
        refuse_changes(self, "student_code")
        for name in ("full_name", "father_name", "mother_name", "guardian_name"):
            setattr(self, name, identifiers.normalise_name(getattr(self, name)))
        self.refuse_locked_identity()
        edited = self._identity_edited()
        super().save(*args, **kwargs)
        if edited:
            _return_signed_records_to_draft(self)

    def delete(self, *args, **kwargs):
        record = locked_record_of_student(self.pk)
        if record is not None:
            raise identity_locked_error(record, LOCKED_IDENTITY_FIELDS)
        return super().delete(*args, **kwargs)

    def refuse_locked_identity(self) -> None:
        """Raise RecordLockedError if a locked record carries a changed field (R11)."""
        if self._state.adding or self.pk is None:
            return
        names = [self._meta.get_field(n).attname for n in LOCKED_IDENTITY_FIELDS]
        stored = type(self)._base_manager.filter(pk=self.pk).values(*names).first()
        changed = changed_identity(self, stored)
        if changed and (record := locked_record_of_student(self.pk)) is not None:
            raise identity_locked_error(record, changed)

    def _identity_edited(self) -> bool:
        """Whether a saved student's identity (printed in every packet) changed."""
        if self._state.adding or self.pk is None:
            return False
        names = [f.attname for f in self._meta.concrete_fields if f.name != "id"]
        stored = type(self)._default_manager.filter(pk=self.pk).values(*names).first()
        return stored is not None and any(stored[n] != getattr(self, n) for n in names)

    def clean(self) -> None:
        for name in ("full_name", "father_name", "mother_name", "guardian_name"):
            setattr(self, name, identifiers.normalise_name(getattr(self, name)))
        names = {
            name: errors
            for name in ("full_name", "father_name", "mother_name", "guardian_name")
            if (errors := name_errors(getattr(self, name)))
        }
        if names:
            raise ValidationError(names)
        try:
            self.refuse_locked_identity()
        except RecordLockedError as exc:
            raise ValidationError(str(exc)) from None
        if self.personal_id:
            errors = personal_id_errors(self.personal_id, self.date_of_birth, self.sex)
            if errors:
                raise ValidationError({"personal_id": errors})


def _return_signed_records_to_draft(student: Student) -> None:
    """The identity is part of every packet: signed, unsent records go back to draft.

    Records already submitted stay as the registry holds them: the school corrects
    them with a replacement before the lock (domain.md §7), never silently.
    """
    from hocbaso.records.models.assessments import return_to_draft
    from hocbaso.records.models.yearly_records import RecordStatus, YearlyRecord

    signed = YearlyRecord.objects.filter(
        transcript__student=student,
        status__in=(
            RecordStatus.FINALISED,
            RecordStatus.SIGNING,
            RecordStatus.ISSUED,
        ),
    )
    for record_id in signed.values_list("pk", flat=True):
        return_to_draft(record_id)


class Enrollment(models.Model):
    """A student's stay in one class, from a date until a date.

    A student who moves mid-year has two enrollments that year: one at the old
    school ending with kind ``transferred_out``, one at the new school of kind
    ``transferred_in`` naming the source school (domain.md §7, R15).
    """

    class Kind(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        TRANSFERRED_IN = "transferred_in", _("Transferred in")
        TRANSFERRED_OUT = "transferred_out", _("Transferred out")

    student = models.ForeignKey(
        Student,
        on_delete=models.PROTECT,
        related_name="enrollments",
        verbose_name=_("student"),
    )
    school_class = models.ForeignKey(
        SchoolClass,
        on_delete=models.PROTECT,
        related_name="enrollments",
        verbose_name=_("class"),
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(
        _("until"),
        null=True,
        blank=True,
        help_text=_("Last day in the class, if left."),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.ENROLLED
    )
    source_school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers_out",
        verbose_name=_("source school"),
        help_text=_("For a transfer in: the school the student came from."),
    )
    source_school_name = models.CharField(
        _("source school (outside the system)"), max_length=200, blank=True
    )
    register_number = models.CharField(_("register number"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        ordering = ["student", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="records_enrollment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(kind="transferred_out") | Q(end_date__isnull=False),
                name="records_transfer_out_has_end_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.school_class}"

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("The enrollment must end after it starts.")}
            )
        if self.kind == self.Kind.TRANSFERRED_OUT and not self.end_date:
            raise ValidationError(
                {"end_date": _("A transfer out needs the last day in the class.")}
            )
        if self.kind == self.Kind.TRANSFERRED_IN and not (
            self.source_school_id or self.source_school_name
        ):
            raise ValidationError(
                {
                    "source_school": _(
                        "A transfer in needs the school the student came from."
                    )
                }
            )
