"""Signing in the records: the packet of each yearly record and every signing step.

domain.md §6.2, §7: subject teachers (lower secondary), then the homeroom teacher, then
the principal or a deputy, then the school's seal over the data and the issuance block.
The packet bytes are kept with the record as they grow, one signature at a time; each
step says who signed, in which role, with which registered certificate, and when.

Any edit of a record's raw data returns it to draft and drops both
(``drop_signatures``); a locked record's never change (``RecordRowGuard``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hocbaso.records.models.locks import RecordRowGuard, RecordRowQuerySet
from hocbaso.records.models.organisations import School
from hocbaso.records.models.people import Certificate, Person


class SignerRole(models.TextChoices):
    """The signer roles of the packet; values equal hocbaso.signing.Role."""

    SUBJECT_TEACHER = "subject_teacher", _("Subject teacher")
    HOMEROOM_TEACHER = "homeroom_teacher", _("Homeroom teacher")
    LEADER = "leader", _("Principal or deputy")
    SEAL = "seal", _("School seal")


class RecordPacket(RecordRowGuard):
    """The current packet of a yearly record: unsigned, partly signed, or issued.

    ``leader`` is who the packet names to sign for the school (the principal, or a
    deputy on the principal's behalf); it is fixed when the packet is built because
    the homeroom teacher's signature covers it. ``subject_teacher_ids`` lists the
    personal ids of the subject teachers who must sign before the homeroom teacher.
    """

    record = models.OneToOneField(
        "records.YearlyRecord",
        on_delete=models.CASCADE,
        related_name="packet",
        verbose_name=_("yearly record"),
    )
    data = models.BinaryField(_("packet (XML)"))
    sha256 = models.CharField(_("SHA-256 of the packet"), max_length=64)
    leader = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signs for the school"),
    )
    subject_teacher_ids = models.JSONField(
        _("subject teachers who sign"), default=list, blank=True
    )
    issuance_seq = models.PositiveIntegerField(
        _("issuance sequence"), null=True, blank=True
    )
    issuance_number = models.CharField(_("issuance number"), max_length=60, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issuance_place = models.CharField(_("issuance place"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RecordRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("record packet")
        verbose_name_plural = _("record packets")
        constraints = [
            models.UniqueConstraint(
                fields=["issuance_number"],
                condition=~Q(issuance_number=""),
                name="records_packet_unique_issuance_number",
            ),
        ]

    def __str__(self) -> str:
        return str(self.record)


class SignatureStep(RecordRowGuard):
    """One signature added to a record's packet: who, in which role, with what, when.

    For the seal, ``school`` owns the certificate and ``person`` is who applied it.
    """

    record = models.ForeignKey(
        "records.YearlyRecord",
        on_delete=models.CASCADE,
        related_name="signature_steps",
        verbose_name=_("yearly record"),
    )
    role = models.CharField(_("role"), max_length=20, choices=SignerRole.choices)
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="signature_steps",
        verbose_name=_("signed by"),
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school (seal)"),
    )
    certificate = models.ForeignKey(
        Certificate,
        on_delete=models.PROTECT,
        related_name="signature_steps",
        verbose_name=_("certificate"),
    )
    subject_codes = models.JSONField(_("subjects"), default=list, blank=True)
    signature_id = models.CharField(_("signature Id"), max_length=100)
    signed_at = models.DateTimeField(_("signed at"))

    objects = RecordRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature step")
        verbose_name_plural = _("signature steps")
        ordering = ["record", "signed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role=SignerRole.SEAL, school__isnull=False)
                | (~Q(role=SignerRole.SEAL) & Q(school__isnull=True)),
                name="records_step_seal_has_school",
            ),
            models.UniqueConstraint(
                fields=["record", "signature_id"],
                name="records_step_unique_signature",
            ),
        ]
        indexes = [models.Index(fields=["person", "signed_at"])]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.person} · {self.signed_at:%Y-%m-%d}"


def drop_signatures(record_id: int) -> None:
    """Delete a record's signature steps and packet (its status is the caller's)."""
    SignatureStep.objects.filter(record_id=record_id).delete()
    RecordPacket.objects.filter(record_id=record_id).delete()
