"""Transfers of a transcript's management between schools (domain.md §7, R15).

The receiving school requests, the sending school releases, the receiving school
acknowledges; at the acknowledgement ``Transcript.school`` becomes the receiving
school. Each step is audited and appended to the ledger.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hocbaso.records.models import School, Transcript
from hocbaso.registry import ids
from hocbaso.registry.models._base import actor_label_field, actor_user_field


class Transfer(models.Model):
    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested by the receiving school")
        RELEASED = "released", _("Released by the sending school")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged: management transferred")

    public_id = models.CharField(
        _("transfer id"), max_length=40, unique=True, default=ids.new_transfer_id
    )
    transcript = models.ForeignKey(
        Transcript,
        on_delete=models.PROTECT,
        related_name="registry_transfers",
        verbose_name=_("transcript"),
    )
    from_school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sending school"),
    )
    to_school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("receiving school"),
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices)
    note = models.TextField(_("note"), blank=True)
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = actor_user_field(_("requested by"))
    requested_label = actor_label_field(_("requested by (actor)"))
    request_index = models.BigIntegerField(_("ledger entry of the request"))
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = actor_user_field(_("released by"))
    released_label = actor_label_field(_("released by (actor)"))
    release_index = models.BigIntegerField(
        _("ledger entry of the release"), null=True, blank=True
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = actor_user_field(_("acknowledged by"))
    acknowledged_label = actor_label_field(_("acknowledged by (actor)"))
    acknowledge_index = models.BigIntegerField(
        _("ledger entry of the acknowledgement"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["transcript"],
                condition=Q(state__in=["requested", "released"]),
                name="registry_one_open_transfer_per_transcript",
            ),
            models.CheckConstraint(
                condition=~Q(from_school=models.F("to_school")),
                name="registry_transfer_between_two_schools",
            ),
        ]

    def __str__(self) -> str:
        return self.public_id
