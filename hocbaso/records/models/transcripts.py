"""Transcripts: one per student per level.

domain.md §6: a transcript has one lookup code for its whole life; each school
year adds a yearly record (``yearly_records``), signed and locked on its own.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from hocbaso.records import identifiers
from hocbaso.records.errors import RecordLockedError
from hocbaso.records.models._base import SchoolLevel, refuse_changes
from hocbaso.records.models.locks import refuse_locked
from hocbaso.records.models.organisations import School
from hocbaso.records.models.students import Student


class TranscriptQuerySet(models.QuerySet):
    """Moving a transcript with a locked record to another student or level is
    refused; its managing school still changes with a transfer (R14, R15)."""

    def update(self, **kwargs: Any) -> int:
        # Imported here: yearly records refer to transcripts (yearly_records).
        from hocbaso.records.models.yearly_records import YearlyRecord

        if {"student", "student_id", "level", "lookup_code"} & set(kwargs):
            refuse_locked(YearlyRecord._base_manager.filter(transcript__in=self))
        return super().update(**kwargs)


class Transcript(models.Model):
    """A student's transcript (học bạ) for one school level."""

    student = models.ForeignKey(
        Student,
        on_delete=models.PROTECT,
        related_name="transcripts",
        verbose_name=_("student"),
    )
    level = models.CharField(_("level"), max_length=10, choices=SchoolLevel.choices)
    # A credential (domain.md §9): generated once, never edited, never reused.
    lookup_code = models.CharField(
        _("lookup code"),
        max_length=32,
        unique=True,
        editable=False,
        default=identifiers.new_lookup_code,
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="transcripts",
        verbose_name=_("managing school"),
        help_text=_("The school that manages the transcript now (R14, R15)."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TranscriptQuerySet.as_manager()

    class Meta:
        verbose_name = _("transcript")
        verbose_name_plural = _("transcripts")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "level"], name="records_one_transcript_per_level"
            ),
            models.CheckConstraint(
                condition=models.Q(lookup_code__regex=r"^[0-9a-f]{32}$"),
                name="records_lookup_code_is_32_hex",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.get_level_display()}"

    def save(self, *args, **kwargs) -> None:
        refuse_changes(self, "lookup_code")
        if self._moves_a_locked_record():
            refuse_locked(self.yearly_records.all())
        super().save(*args, **kwargs)

    def _moves_a_locked_record(self) -> bool:
        """Whether the student or level changes (a locked record would follow)."""
        if self._state.adding or self.pk is None:
            return False
        stored = (
            type(self)
            ._base_manager.filter(pk=self.pk)
            .values("student_id", "level")
            .first()
        )
        return stored is not None and (
            stored["student_id"] != self.student_id or stored["level"] != self.level
        )

    @property
    def feed_identifier(self) -> str:
        """The same UUID with hyphens: the national feed's madinhdanhhocba (§6.1)."""
        return str(uuid.UUID(hex=self.lookup_code))

    def clean(self) -> None:
        if self.school_id and self.level and self.school.level != self.level:
            raise ValidationError(
                {"school": _("The managing school must teach the transcript's level.")}
            )
        if self._moves_a_locked_record():
            try:
                refuse_locked(self.yearly_records.all())
            except RecordLockedError as exc:
                raise ValidationError(str(exc)) from None
