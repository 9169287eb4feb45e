"""The rollout duties a school reports: readiness items and difficulties.

docs/rollout.md, "Readiness" and "Difficulties", has the plan's list, the
default due dates and who writes what. Every write goes through
``hocbaso.rollout.actions``, which records a ``RolloutEvent`` beside it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hocbaso.records.models import Department, School, SchoolYear

NOTE_LENGTH = 500
HEADING_LENGTH = 200
MESSAGE_LENGTH = 4000


class ReadinessItem(models.TextChoices):
    """The plan's conditions a school meets before it goes digital (section V.2)."""

    WORKING_GROUP = "working_group", _("Transcript working group set up")
    INFRASTRUCTURE = "infrastructure", _("Computers, network and school software")
    SIGNING_DEVICES = (
        "signing_devices",
        _("Signing devices (USB tokens or remote signing)"),
    )
    CERTIFICATES = (
        "certificates",
        _("Certificates for every teacher, the principal and the seal"),
    )
    STAFF_TRAINED = "staff_trained", _("Every teacher and clerk trained")
    REGULATION = "regulation", _("The school's rules for digital transcripts")
    DATA_COMPLETE = "data_complete", _("Students' data and results complete")


class ReadinessDue(models.Model):
    """A department's due date for one item in one school year."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="+"
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.CASCADE, related_name="+"
    )
    item = models.CharField(max_length=40, choices=ReadinessItem.choices)
    due_on = models.DateField(_("due date"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["department", "school_year", "item"],
                name="rollout_one_due_date_per_item",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.due_on:%d/%m/%Y}"


class ReadinessReport(models.Model):
    """What a school declares of one item in one school year."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="+"
    )
    item = models.CharField(max_length=40, choices=ReadinessItem.choices)
    done = models.BooleanField(_("done"), default=False)
    done_on = models.DateField(_("date done"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=NOTE_LENGTH, blank=True)
    updated_at = models.DateTimeField(_("updated at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "item"],
                name="rollout_one_report_per_item",
            ),
            # A date without "done", or "done" without a date, says two things.
            models.CheckConstraint(
                condition=Q(done=True, done_on__isnull=False)
                | Q(done=False, done_on__isnull=True),
                name="rollout_done_has_a_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.item} {self.done}"


class Category(models.TextChoices):
    INFRASTRUCTURE = "infrastructure", _("Computers and network")
    SIGNING = "signing", _("Digital signatures and certificates")
    SOFTWARE = "software", _("Software")
    DATA = "data", _("Students' data and results")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class Side(models.TextChoices):
    SCHOOL = "school", _("School")
    UNIT = "unit", _("Management unit")
    DEPARTMENT = "department", _("Department")


class Difficulty(models.Model):
    """A difficulty a school reports, answered by its unit or the department."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    heading = models.CharField(_("heading"), max_length=HEADING_LENGTH)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        return self.heading


class Message(models.Model):
    """One message of a difficulty: the school's text, an answer or a reply."""

    difficulty = models.ForeignKey(
        Difficulty, on_delete=models.PROTECT, related_name="messages"
    )
    side = models.CharField(max_length=10, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    author_label = models.CharField(max_length=200)
    text = models.TextField(_("text"), max_length=MESSAGE_LENGTH)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.difficulty_id} {self.side} {self.at:%Y-%m-%d %H:%M}"


class EventType(models.TextChoices):
    """Stable ``subject:action`` names of the rollout's audit trail."""

    READINESS_REPORT = "readiness:report", _("readiness reported")
    READINESS_DUE = "readiness:due", _("readiness due date set")
    DIFFICULTY_OPEN = "difficulty:open", _("difficulty reported")
    DIFFICULTY_ANSWER = "difficulty:answer", _("difficulty answered")
    DIFFICULTY_REPLY = "difficulty:reply", _("school replied")
    DIFFICULTY_CLOSE = "difficulty:close", _("difficulty closed")


class RolloutEvent(models.Model):
    """Who changed which readiness item or difficulty, when: append-only."""

    at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=40, choices=EventType.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, related_name="+"
    )
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_id}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError(_("The rollout audit trail is append-only."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The rollout audit trail is append-only."))
