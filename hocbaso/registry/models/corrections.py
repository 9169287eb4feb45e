"""A correction after the lock (docs/registry.md, "Correction after the lock").

One row per request: the school asks, with its reason and evidence (kept as a
``Blob``, by SHA-256); the competent level approves with a decision (number, date,
who) or refuses; once approved, the registry makes the record's next version (a
draft yearly record) and, when the school sends it signed, issues it as a new
submission that supersedes the locked one. The locked record and its submission
are never changed: that they are superseded is read from this row and from the
ledger's ``record:correct`` entry. Each step appends its ledger entry.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hocbaso.records.models import School, YearlyRecord
from hocbaso.registry import ids
from hocbaso.registry.models._base import actor_label_field, actor_user_field
from hocbaso.registry.models.submissions import Blob, Submission


class Correction(models.Model):
    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested, awaiting a decision")
        APPROVED = "approved", _("Approved, awaiting the corrected version")
        REFUSED = "refused", _("Refused")
        ISSUED = "issued", _("Issued")

    public_id = models.CharField(
        _("correction id"), max_length=40, unique=True, default=ids.new_correction_id
    )
    record = models.ForeignKey(
        YearlyRecord,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("locked yearly record"),
    )
    locked = models.ForeignKey(
        Submission,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("locked submission"),
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    reason = models.TextField(_("reason"))
    identity = models.JSONField(_("corrected identity"), default=dict, blank=True)
    evidence = models.ForeignKey(
        Blob, on_delete=models.PROTECT, related_name="+", verbose_name=_("evidence")
    )
    evidence_name = models.CharField(_("evidence file name"), max_length=200)
    requested_at = models.DateTimeField(_("requested at"))
    request_ledger_index = models.BigIntegerField(_("ledger entry of the request"))
    requested_by = actor_user_field(_("requested by (login)"))
    requested_label = actor_label_field(_("requested by"))
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_signer = models.CharField(_("decided by"), max_length=150, blank=True)
    refusal_reason = models.TextField(_("reason for the refusal"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_ledger_index = models.BigIntegerField(
        _("ledger entry of the decision"), null=True, blank=True
    )
    decided_by = actor_user_field(_("decided by (login)"))
    decided_label = actor_label_field(_("decision recorded by"))
    version = models.OneToOneField(
        YearlyRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
        verbose_name=_("corrected version"),
    )
    issued = models.OneToOneField(
        Submission,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_correction",
        verbose_name=_("submission of the corrected version"),
    )

    class Meta:
        verbose_name = _("correction after the lock")
        verbose_name_plural = _("corrections after the lock")
        ordering = ["-requested_at"]
        constraints = [
            # One open or approved correction of a locked submission at a time.
            models.UniqueConstraint(
                fields=["locked"],
                condition=Q(state__in=["requested", "approved", "issued"]),
                name="registry_one_live_correction",
            ),
        ]

    def __str__(self) -> str:
        return self.public_id
