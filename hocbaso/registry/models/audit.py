"""The registry's audit trail: who did what to which object, when. Append-only."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hocbaso.records.models import School
from hocbaso.registry.codes import EventType
from hocbaso.registry.models._base import actor_label_field, actor_user_field


class AuditEvent(models.Model):
    """One audited step. ``detail`` never holds a lookup code (domain.md §9)."""

    at = models.DateTimeField(_("time"))
    action = models.CharField(
        _("action"),
        max_length=40,
        choices=[(e.value, e.value) for e in EventType],
    )
    actor_user = actor_user_field()
    actor_label = actor_label_field()
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.CharField(_("object id"), max_length=40)
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school"),
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["school", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_id}"
