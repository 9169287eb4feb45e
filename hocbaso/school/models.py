"""Signing batches: what a page is signing, item by item, kept across interruptions.

A batch is one user's run of one kind of step over one or more classes of a school
year: subject teacher, homeroom teacher, or the principal's sign, seal and submit.
Each class is an item with its own state; the page drives the items one after the
other and polls the batch's status. An interrupted batch (page closed, agent stopped)
resumes at the first item not done: a done item is never signed again, and the
signing actions themselves skip what the person has already signed.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hocbaso.records.models import School, SchoolClass, SchoolYear


def _batch_id() -> str:
    return secrets.token_hex(12)


class SigningBatch(models.Model):
    class Kind(models.TextChoices):
        SUBJECT = "subject", _("Subject teacher confirms")
        HOMEROOM = "homeroom", _("Homeroom teacher signs")
        ISSUE = "issue", _("Principal signs, seals and submits")

    class Mode(models.TextChoices):
        AGENT = "agent", _("Own certificate (signing agent)")
        DEMO = "demo", _("Demo key held by the server")

    class Status(models.TextChoices):
        OPEN = "open", _("Running")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = models.CharField(
        _("batch id"), max_length=24, unique=True, default=_batch_id, editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="signing_batches",
        verbose_name=_("user"),
    )
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="+", verbose_name=_("school")
    )
    school_year = models.ForeignKey(
        SchoolYear,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("school year"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    mode = models.CharField(_("signing with"), max_length=10, choices=Mode.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    reason = models.TextField(
        _("reason for a replacement"),
        blank=True,
        help_text=_("Records already accepted are sent as replacements with it."),
    )
    signing_time = models.DateTimeField(_("signing time"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("signing batch")
        verbose_name_plural = _("signing batches")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.school} · {self.school_year}"


class BatchItem(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        PREPARED = "prepared", _("Waiting for signatures")
        LEADER_SIGNED = "leader", _("Waiting for the seal")
        SIGNED = "signed", _("Signed")
        SUBMITTED = "submitted", _("Submitted")
        FAILED = "failed", _("Refused")

    batch = models.ForeignKey(
        SigningBatch,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("batch"),
    )
    position = models.PositiveIntegerField(_("position"))
    school_class = models.ForeignKey(
        SchoolClass,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("class"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    # The prepared round: {"round", "digests": [{record, version, digest}], and for
    # the principal the leader's chain (PEM) and values (base64) by record id}.
    stage = models.JSONField(_("prepared signatures"), default=dict, blank=True)
    records = models.PositiveIntegerField(_("records signed"), default=0)
    accepted = models.PositiveIntegerField(_("records accepted"), default=0)
    receipt_ids = models.JSONField(_("receipts"), default=list, blank=True)
    error = models.TextField(_("why it was refused"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("batch item")
        verbose_name_plural = _("batch items")
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "school_class"], name="school_item_one_per_class"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_class} · {self.get_state_display()}"


class DecisionEvent(models.Model):
    """A decision taken on a record's page (class recognition, re-assessment after
    the summer, the principal's promotion decision): who, when, the values before
    and after. Append-only."""

    class Kind(models.TextChoices):
        RECOGNITION = "record:recognise", _("class recognition")
        SUPPLEMENTARY = "record:reassess", _("re-assessed after the summer")
        PROMOTION = "record:promote", _("principal's promotion decision")

    at = models.DateTimeField(_("time"), db_index=True)
    kind = models.CharField(_("decision"), max_length=30, choices=Kind.choices)
    record = models.ForeignKey(
        "records.YearlyRecord",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("yearly record"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
    )
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.record_id}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("decisions are append-only")
        super().save(*args, **kwargs)
