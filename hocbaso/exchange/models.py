"""What the exchange keeps (docs/exchange.md).

Every installation:
- ``Identity``: who this installation is in the exchange (a department's code, or
  the national repository), one row, written by ``hocbaso exchange init``.
- ``Peer``: another installation this one trusts: its code, its exchange key (it
  signs manifests, receipts, transfer messages), its ledger key (it signs the
  checkpoints its manifests carry) and where it answers.

A department (the sender):
- ``OutboundBatch``: one signed batch of locked records on its way to the national
  repository: the bytes sent (kept, so a resend is the same batch), its state
  (waiting, sending, sent, failed, to resend), attempts and the signed receipt.
- ``OutboundRecord``: one record version in a batch; unique per record and version,
  so a record version is queued once whatever happens to the sender.

The national repository (the receiver):
- ``InboundBatch``: one batch received, unique by batch id (the idempotency key):
  a batch delivered twice is answered with the same signed receipt.
- ``NationalRecord``: one version of one record of the national feed, unique per
  department, record id and version; one current version per transcript-year
  (lookup code and school year), with the ledger proof it was accepted on.
- ``PeerKey``: every key a peer has had, with its validity period, so a
  checkpoint verifies with the key valid at its time after a rotation.
- ``AcceptedCheckpoint``: the ledger checkpoints accepted from each department; a
  new one must be consistent (RFC 6962 §2.1.2) with the largest of them.

Both, for transfers across provinces: ``CrossTransfer`` and ``CarriedPacket``.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hocbaso.records.models import School, Transcript


def new_batch_id() -> str:
    return f"bat-{secrets.token_hex(10)}"


def new_transfer_id() -> str:
    return f"xtr-{secrets.token_hex(10)}"


class Identity(models.Model):
    code = models.CharField(_("exchange code"), max_length=20)
    name = models.CharField(_("name"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("exchange identity")
        verbose_name_plural = _("exchange identities")

    def __str__(self) -> str:
        return self.code


class Peer(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department")
        NATIONAL = "national", _("National repository")

    code = models.CharField(_("code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    exchange_key = models.TextField(_("exchange verifier key"))
    ledger_key = models.TextField(_("ledger verifier key"), blank=True)
    # c2sp.org/tlog-cosignature key: the peer witnesses this installation's log
    witness_key = models.TextField(_("witness cosignature key"), blank=True)
    url = models.CharField(_("address"), max_length=300, blank=True)
    registered_at = models.DateTimeField(_("registered at"), auto_now=True)

    class Meta:
        verbose_name = _("trusted peer")
        verbose_name_plural = _("trusted peers")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class PeerKey(models.Model):
    """A key a peer had from ``valid_from`` until ``valid_until`` (open: still)."""

    class Kind(models.TextChoices):
        EXCHANGE = "exchange", _("Exchange key")
        LEDGER = "ledger", _("Ledger key")

    peer = models.CharField(_("peer"), max_length=20)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    key = models.TextField(_("verifier key"))
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("peer key")
        verbose_name_plural = _("peer keys")
        ordering = ["peer", "kind", "valid_from"]

    def __str__(self) -> str:
        return f"{self.peer} {self.kind} {self.valid_from:%Y-%m-%d}"


class AcceptedCheckpoint(models.Model):
    """A department's ledger checkpoint the national repository accepted."""

    department = models.CharField(_("department"), max_length=20)
    size = models.PositiveBigIntegerField(_("tree size"))
    root = models.CharField(_("root hash"), max_length=64)
    note = models.TextField(_("signed checkpoint"))
    accepted_at = models.DateTimeField(_("accepted at"))

    class Meta:
        verbose_name = _("accepted checkpoint")
        verbose_name_plural = _("accepted checkpoints")
        ordering = ["department", "-size"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "size"], name="exchange_checkpoint_size_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.size}"


class BatchState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent and acknowledged")
    FAILED = "failed", _("Failed, will retry")
    RESEND = "resend", _("To resend")


class OutboundBatch(models.Model):
    batch_id = models.CharField(
        _("batch id"), max_length=40, unique=True, default=new_batch_id
    )
    destination = models.CharField(_("destination"), max_length=20)
    school_year = models.CharField(_("school year"), max_length=9)
    round = models.CharField(_("round"), max_length=13)
    sequence = models.PositiveIntegerField(_("number in the round"))
    state = models.CharField(
        _("state"), max_length=10, choices=BatchState.choices, default="waiting"
    )
    body = models.BinaryField(_("bytes sent"))
    checkpoint = models.TextField(_("ledger checkpoint"), blank=True)
    body_sha256 = models.CharField(_("SHA-256 of the bytes"), max_length=64)
    record_count = models.PositiveIntegerField(_("records"))
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    receipt = models.TextField(_("signed receipt"), blank=True)
    stored_count = models.PositiveIntegerField(_("stored"), default=0)
    duplicate_count = models.PositiveIntegerField(_("already held"), default=0)

    class Meta:
        verbose_name = _("outgoing batch")
        verbose_name_plural = _("outgoing batches")
        ordering = ["-created_at", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["destination", "school_year", "round", "sequence"],
                name="exchange_batch_sequence_once",
            )
        ]

    def __str__(self) -> str:
        return self.batch_id


class OutboundRecord(models.Model):
    class Event(models.TextChoices):
        NEW = "NEW", "NEW"
        UPDATE = "UPDATE", "UPDATE"
        CANCEL = "CANCEL", "CANCEL"

    batch = models.ForeignKey(
        OutboundBatch, on_delete=models.PROTECT, related_name="records"
    )
    destination = models.CharField(_("destination"), max_length=20)
    record_id = models.CharField(_("record id"), max_length=80)
    legacy_id = models.CharField(_("former record id"), max_length=80, blank=True)
    version = models.PositiveIntegerField(_("version"))
    event = models.CharField(_("event"), max_length=6, choices=Event.choices)
    submission_id = models.CharField(_("submission id"), max_length=40)
    packet_sha256 = models.CharField(_("packet SHA-256"), max_length=64)
    managing_school = models.CharField(_("managing school"), max_length=20)

    class Meta:
        verbose_name = _("outgoing record")
        verbose_name_plural = _("outgoing records")
        constraints = [
            models.UniqueConstraint(
                fields=["destination", "record_id", "version"],
                name="exchange_record_version_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_id} v{self.version}"


class InboundBatch(models.Model):
    batch_id = models.CharField(_("batch id"), max_length=40, unique=True)
    department = models.CharField(_("department"), max_length=20)
    school_year = models.CharField(_("school year"), max_length=9)
    round = models.CharField(_("round"), max_length=13)
    body_sha256 = models.CharField(_("SHA-256 of the bytes"), max_length=64)
    record_count = models.PositiveIntegerField(_("records"))
    stored_count = models.PositiveIntegerField(_("stored"))
    duplicate_count = models.PositiveIntegerField(_("already held"))
    unit_counts = models.JSONField(_("records per management unit"), default=dict)
    checkpoint = models.TextField(_("ledger checkpoint"))
    receipt = models.TextField(_("signed receipt"))
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("received batch")
        verbose_name_plural = _("received batches")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.batch_id


class NationalRecord(models.Model):
    """One version of a record of the national feed, with its signed packet."""

    department = models.CharField(_("department"), max_length=20)
    record_id = models.CharField(_("record id"), max_length=80)
    legacy_id = models.CharField(_("former record id"), max_length=80, blank=True)
    version = models.PositiveIntegerField(_("version"))
    event = models.CharField(_("event"), max_length=6)
    is_current = models.BooleanField(_("current"), default=True)
    status = models.PositiveSmallIntegerField(_("status (1 effective, 2 revoked)"))
    lookup_code = models.CharField(_("lookup code"), max_length=32, db_index=True)
    student_code = models.CharField(_("student code"), max_length=20, db_index=True)
    school_code = models.CharField(_("school code"), max_length=20)
    unit_code = models.CharField(_("management unit"), max_length=40, blank=True)
    school_year = models.CharField(_("school year"), max_length=9)
    grade = models.PositiveSmallIntegerField(_("grade"))
    row = models.JSONField(_("feed row"))
    packet = models.BinaryField(_("signed packet"))
    packet_sha256 = models.CharField(_("packet SHA-256"), max_length=64)
    lock_index = models.PositiveBigIntegerField(
        _("ledger index of the lock"), null=True, blank=True
    )
    proof = models.JSONField(_("ledger proof"), default=dict, blank=True)
    # a version corrected after the lock: the decision (id, number, date, signer)
    decision = models.JSONField(_("correction decision"), default=dict, blank=True)
    batch = models.ForeignKey(
        InboundBatch, on_delete=models.PROTECT, related_name="records"
    )
    stored_at = models.DateTimeField(_("stored at"))

    class Meta:
        verbose_name = _("national record")
        verbose_name_plural = _("national records")
        ordering = ["department", "record_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "record_id", "version"],
                name="exchange_national_version_once",
            ),
            models.UniqueConstraint(
                fields=["department", "record_id"],
                condition=Q(is_current=True),
                name="exchange_national_one_current",
            ),
            models.UniqueConstraint(
                fields=["lookup_code", "school_year"],
                condition=Q(is_current=True),
                name="exchange_national_one_per_transcript_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department}/{self.record_id} v{self.version}"


class CrossTransfer(models.Model):
    """A transfer of a transcript's management to a school of another province."""

    class Side(models.TextChoices):
        SENDING = "sending", _("Sending department")
        RECEIVING = "receiving", _("Receiving department")

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        RELEASED = "released", _("Released, records sent")
        COMPLETED = "completed", _("Completed: management moved")

    transfer_id = models.CharField(
        _("transfer id"), max_length=40, unique=True, default=new_transfer_id
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    peer = models.CharField(_("other department"), max_length=20)
    student_code = models.CharField(_("student code"), max_length=20)
    level = models.CharField(_("level"), max_length=10)
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    other_school_code = models.CharField(_("other school"), max_length=20)
    transcript = models.ForeignKey(
        Transcript, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registry_transfer = models.CharField(_("registry transfer"), max_length=40)
    consent = models.TextField(_("consent"))
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("transfer across provinces")
        verbose_name_plural = _("transfers across provinces")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.transfer_id


class CarriedPacket(models.Model):
    """A signed record that came with a transcript from another province."""

    transfer = models.ForeignKey(
        CrossTransfer, on_delete=models.PROTECT, related_name="packets"
    )
    transcript = models.ForeignKey(
        Transcript, on_delete=models.PROTECT, related_name="carried_packets"
    )
    school_year = models.CharField(_("school year"), max_length=9)
    grade = models.PositiveSmallIntegerField(_("grade"))
    packet = models.BinaryField(_("signed packet"))
    packet_sha256 = models.CharField(_("packet SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("carried record")
        verbose_name_plural = _("carried records")
        ordering = ["school_year", "grade"]
        constraints = [
            models.UniqueConstraint(
                fields=["transcript", "packet_sha256"], name="exchange_carried_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_year} grade {self.grade}"
