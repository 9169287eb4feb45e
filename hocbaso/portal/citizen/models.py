"""Students and parents: their login, their children, and the share codes they make.

- ``CitizenAccount`` links a Django user (never staff) to the 12-digit personal
  identification number the OpenID Connect provider vouched for.
- ``Guardianship`` says whose transcripts a parent or guardian reads; the school
  or department staff maintain it (admin), the demo seed fills it.
- ``ShareCode`` is a credential a citizen hands to another organisation (admission
  to grade 6, a school transfer): it expires, can be revoked, covers one transcript
  and the yearly records chosen, and is stored only as a SHA-256 digest.
- ``ShareUse`` ties every read through a share code to its audit event.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hocbaso.portal.models import AccessEvent
from hocbaso.records.models import Student, Transcript, YearlyRecord
from hocbaso.records.models.people import personal_id_format


class CitizenAccount(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="citizen",
        verbose_name=_("login"),
    )
    personal_id = models.CharField(
        _("personal identification number"),
        max_length=12,
        unique=True,
        validators=[personal_id_format],
    )
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    issuer = models.CharField(_("identity provider"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("first login"), auto_now_add=True)

    class Meta:
        verbose_name = _("citizen login")
        verbose_name_plural = _("citizen logins")
        ordering = ["full_name", "personal_id"]

    def __str__(self) -> str:
        return self.full_name or self.user.get_username()


class Relation(models.TextChoices):
    FATHER = "father", _("father")
    MOTHER = "mother", _("mother")
    GUARDIAN = "guardian", _("guardian")


class Guardianship(models.Model):
    student = models.ForeignKey(
        Student,
        on_delete=models.CASCADE,
        related_name="guardianships",
        verbose_name=_("student"),
    )
    guardian_personal_id = models.CharField(
        _("parent's or guardian's personal identification number"),
        max_length=12,
        validators=[personal_id_format],
        db_index=True,
    )
    guardian_name = models.CharField(_("parent's or guardian's name"), max_length=200)
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("parent or guardian")
        verbose_name_plural = _("parents and guardians")
        ordering = ["student", "relation"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "guardian_personal_id"],
                name="citizen_one_guardianship_per_pair",
            )
        ]

    def __str__(self) -> str:
        return f"{self.guardian_name} ({self.get_relation_display()}) · {self.student}"

    def clean(self) -> None:
        if self.student_id and self.guardian_personal_id == self.student.personal_id:
            raise ValidationError(
                {
                    "guardian_personal_id": _(
                        "This is the student's own personal identification number; "
                        "a student sees their own transcripts without a guardianship."
                    )
                }
            )


def visible_transcripts(personal_id: str):
    """The transcripts a citizen reads: their own and their children's."""
    own = models.Q(student__personal_id=personal_id)
    children = models.Q(
        student__in=Guardianship.objects.filter(
            guardian_personal_id=personal_id
        ).values("student")
    )
    return Transcript.objects.filter(own | children)


class ShareCodeQuerySet(models.QuerySet):
    def active(self, at=None):
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=at)


class ShareCode(models.Model):
    account = models.ForeignKey(
        CitizenAccount,
        on_delete=models.PROTECT,
        related_name="share_codes",
        verbose_name=_("made by"),
    )
    transcript = models.ForeignKey(
        Transcript,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("transcript"),
    )
    records = models.ManyToManyField(
        YearlyRecord, related_name="+", verbose_name=_("school years covered")
    )
    digest = models.CharField(_("SHA-256 of the code"), max_length=64, unique=True)
    hint = models.CharField(_("first characters"), max_length=8)
    recipient = models.CharField(_("given to"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("made at"))
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ShareCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("share code")
        verbose_name_plural = _("share codes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.hint}… ({self.transcript_id})"

    def state(self, at=None) -> str:
        at = at or timezone.now()
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= at:
            return "expired"
        return "active"

    def get_state_display(self) -> str:
        return str(
            {
                "revoked": _("revoked"),
                "expired": _("expired"),
                "active": _("active"),
            }[self.state()]
        )


class ShareUse(models.Model):
    share = models.ForeignKey(
        ShareCode, on_delete=models.PROTECT, related_name="uses", verbose_name=_("code")
    )
    event = models.OneToOneField(
        AccessEvent,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("access event"),
    )

    class Meta:
        verbose_name = _("use of a share code")
        verbose_name_plural = _("uses of share codes")
        ordering = ["-event__at", "-pk"]

    def __str__(self) -> str:
        return f"{self.share} · {self.event}"
