"""What schools send and what the registry keeps of it (domain.md §7, R12).

- ``Blob``: bytes exactly as received, addressed by their SHA-256; never changed.
- ``Receipt``: one call of submit or replace: received or refused at once, then
  processed into one ``RecordResult`` per packet (the two-step answer of Vietnamese
  e-document gateways).
- ``Submission``: one accepted packet of one yearly record. Every submission is
  kept; at most one per record is current (state accepted). A replacement
  supersedes it, a revocation withdraws it, both only before the lock; the lock
  sets ``locked_at``, the record's effective date. The database refuses any change
  to a locked or withdrawn submission, and any deletion (migration 0002).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hocbaso.records.models import Round, School, SchoolYear, YearlyRecord
from hocbaso.registry import ids
from hocbaso.registry.models._base import actor_label_field, actor_user_field


class Blob(models.Model):
    """Bytes as received: a packet or a package. Append-only."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, primary_key=True)
    data = models.BinaryField(_("bytes"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    stored_at = models.DateTimeField(_("stored at"))

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return self.sha256


class Operation(models.TextChoices):
    SUBMIT = "submit", _("Submission")
    REPLACE = "replace", _("Replacement")
    CORRECT = "correct", _("Correction after the lock")


class Receipt(models.Model):
    """One submit or replace call: the receipt (received or refused), then results."""

    class Kind(models.TextChoices):
        PACKET = "packet", _("One record")
        PACKAGE = "package", _("Class package")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, being processed")
        REFUSED = "refused", _("Refused")
        PROCESSED = "processed", _("Processed")

    public_id = models.CharField(
        _("receipt id"), max_length=40, unique=True, default=ids.new_receipt_id
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    operation = models.CharField(
        _("operation"), max_length=10, choices=Operation.choices
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    blob = models.ForeignKey(
        Blob, on_delete=models.PROTECT, related_name="+", verbose_name=_("bytes")
    )
    reason = models.TextField(_("reason"), blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    record_count = models.PositiveIntegerField(_("records"), default=0)
    accepted_count = models.PositiveIntegerField(_("accepted"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected"), default=0)
    received_at = models.DateTimeField(_("received at"))
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    actor_user = actor_user_field()
    actor_label = actor_label_field()
    # The task answering a packet sent alone, written when a worker claims it
    # (hocbaso.season.grouping): two workers never take the same receipt.
    claimed_by = models.UUIDField(
        _("answering task"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["school", "operation", "blob"]),
            # the receipts waiting for their answer, oldest first: a few rows
            models.Index(
                fields=["id"],
                condition=Q(status="received"),
                name="registry_receipt_waiting",
            ),
        ]

    def __str__(self) -> str:
        return self.public_id


class RecordResult(models.Model):
    """The answer for one packet of a receipt: accepted, or rejected with reasons."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    receipt = models.ForeignKey(
        Receipt,
        on_delete=models.PROTECT,
        related_name="results",
        verbose_name=_("receipt"),
    )
    position = models.PositiveIntegerField(_("position"))
    packet_sha256 = models.CharField(_("packet SHA-256"), max_length=64)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    record = models.ForeignKey(
        YearlyRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("yearly record"),
    )
    submission = models.ForeignKey(
        "Submission",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submission"),
    )
    duplicate = models.BooleanField(
        _("already accepted before"),
        default=False,
        help_text=_("The same packet was accepted earlier; nothing new was stored."),
    )

    class Meta:
        verbose_name = _("record result")
        verbose_name_plural = _("record results")
        ordering = ["receipt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["receipt", "position"], name="registry_result_unique_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.receipt} #{self.position}: {self.outcome}"


class Submission(models.Model):
    """One accepted packet of one yearly record, as received."""

    class State(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted (current)")
        SUPERSEDED = "superseded", _("Replaced")
        REVOKED = "revoked", _("Revoked")

    public_id = models.CharField(
        _("submission id"), max_length=40, unique=True, default=ids.new_submission_id
    )
    record = models.ForeignKey(
        YearlyRecord,
        on_delete=models.PROTECT,
        related_name="registry_submissions",
        verbose_name=_("yearly record"),
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="registry_submissions",
        verbose_name=_("submitting school"),
    )
    record_school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("school of the record"),
    )
    school_year = models.ForeignKey(
        SchoolYear,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("school year"),
    )
    round = models.CharField(_("round"), max_length=13, choices=Round.choices)
    grade = models.PositiveSmallIntegerField(_("grade"))
    receipt = models.ForeignKey(
        Receipt,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("receipt"),
    )
    blob = models.OneToOneField(
        Blob, on_delete=models.PROTECT, related_name="+", verbose_name=_("packet")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.ACCEPTED
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("replaces"),
    )
    reason = models.TextField(_("reason for the replacement"), blank=True)
    accepted_at = models.DateTimeField(_("accepted at"))
    ledger_index = models.BigIntegerField(_("ledger entry"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.TextField(_("reason for the revocation"), blank=True)
    withdraw_ledger_index = models.BigIntegerField(
        _("ledger entry of the revocation"), null=True, blank=True
    )
    locked_at = models.DateTimeField(
        _("effective date"),
        null=True,
        blank=True,
        help_text=_("The lock time: from then the record is effective (R11)."),
    )
    lock = models.ForeignKey(
        "SchoolRoundLock",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("lock"),
    )

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"],
                condition=Q(state="accepted"),
                name="registry_one_current_submission",
            ),
            models.CheckConstraint(
                condition=Q(locked_at__isnull=True) | Q(state="accepted"),
                name="registry_only_current_submissions_lock",
            ),
        ]
        indexes = [
            models.Index(fields=["record_school", "school_year", "round", "state"]),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None
