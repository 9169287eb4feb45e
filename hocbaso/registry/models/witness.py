"""Witnessing (c2sp.org/tlog-witness, docs/ledger.md "Witnesses").

- ``WitnessedLog``: as a witness, the latest checkpoint this installation cosigned
  for each log origin. The add-checkpoint check and this row's update run under a
  row lock in one transaction, so two requests never roll a log back.
- ``LedgerCosignature``: as a log, the cosignatures witnesses returned for this
  log's checkpoints; a published checkpoint is the stored note with these lines.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WitnessedLog(models.Model):
    origin = models.CharField(_("log origin"), max_length=255, primary_key=True)
    size = models.BigIntegerField(_("tree size"), default=0)
    root = models.BinaryField(_("root hash"))
    note = models.TextField(_("signed checkpoint"), blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("witnessed log")
        verbose_name_plural = _("witnessed logs")
        ordering = ["origin"]

    def __str__(self) -> str:
        return f"{self.origin} {self.size}"


class LedgerCosignature(models.Model):
    size = models.BigIntegerField(_("tree size"))
    witness = models.CharField(_("witness"), max_length=255)
    line = models.TextField(_("cosignature line"))
    timestamp = models.BigIntegerField(_("cosigned at (seconds)"))
    created_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("ledger cosignature")
        verbose_name_plural = _("ledger cosignatures")
        ordering = ["-size", "witness"]
        constraints = [
            models.UniqueConstraint(
                fields=["size", "witness"], name="registry_cosignature_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.size} {self.witness}"
