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


# --- consent to the optional processing (docs/privacy.md) ---------------------------


class ConsentPurpose(models.TextChoices):
    """The optional processing; what the law requires (the transcript, its
    lookup, the access trail) needs no consent and is not listed here."""

    NOTIFICATIONS = "notifications", _("e-mail notifications")
    SHARING = "sharing", _("sharing soft copies with organisations (share codes)")


class Consent(models.Model):
    """One decision to give or withdraw consent for one child and one purpose,
    with the version of the privacy notice shown. Rows are never changed: the
    history is the record, the newest row per child and purpose is in force."""

    account = models.ForeignKey(
        CitizenAccount,
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("given or withdrawn by"),
    )
    student = models.ForeignKey(
        Student,
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("student"),
    )
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=ConsentPurpose.choices
    )
    given = models.BooleanField(_("consent given"))
    notice_version = models.CharField(_("version of the privacy notice"), max_length=20)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["student", "purpose", "-at"])]

    def __str__(self) -> str:
        return f"{self.student} · {self.purpose} · {self.given}"


class ParentRequest(models.Model):
    """A student's or parent's request that the school review a yearly record
    (the data subject's right to have their data corrected): the school either
    starts the correction procedure (``correction_id``) or declines with a reason
    the family reads."""

    class State(models.TextChoices):
        OPEN = "open", _("awaiting the school's review")
        FORWARDED = "forwarded", _("the school requested a correction")
        DECLINED = "declined", _("declined by the school")

    account = models.ForeignKey(
        CitizenAccount,
        on_delete=models.PROTECT,
        related_name="correction_requests",
        verbose_name=_("asked by"),
    )
    record = models.ForeignKey(
        YearlyRecord,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("yearly record"),
    )
    reason = models.TextField(_("what is wrong"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.OPEN
    )
    asked_at = models.DateTimeField(_("asked at"))
    correction_id = models.CharField(_("correction"), max_length=40, blank=True)
    answer = models.TextField(_("the school's answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.CharField(_("answered by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("request to correct a record")
        verbose_name_plural = _("requests to correct a record")
        ordering = ["-asked_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.record_id} · {self.state}"
