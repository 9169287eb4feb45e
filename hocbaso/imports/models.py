"""The audit trail of imports: one row per attempt, whatever its outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hocbaso.records.models import School


class ImportRun(models.Model):
    """Who imported which file (by its SHA-256) into which school, and what it did.

    ``counts`` holds the created / updated / unchanged numbers per kind of row;
    the problems themselves are not kept (they quote personal data), only how
    many there were.
    """

    class Outcome(models.TextChoices):
        IMPORTED = "imported", _("Imported")
        CHECKED = "checked", _("Checked only (dry run)")
        INVALID = "invalid", _("Rows with problems: nothing imported")
        REFUSED = "refused", _("File refused")
        DENIED = "denied", _("Not allowed")

    at = models.DateTimeField(_("time"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor_label = models.CharField(_("by"), max_length=200)
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school"),
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    message = models.TextField(_("message"), blank=True)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["school", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.file_name} {self.outcome}"
