"""API tokens: how a school's own system authenticates to the JSON API (docs/api.md).

An administrator issues a token for one school and revokes it; the full token is
shown once, at issue time, and never stored. The row keeps a short public prefix (to
find it) and the SHA-256 of the whole token (to check it): a token carries 256
random bits, so an unsalted hash is as strong as a password hash would be and costs
nothing per request (as GitHub and PyPI do). See hocbaso.registry.api.tokens.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hocbaso.records.models import School
from hocbaso.registry.models._base import actor_label_field, actor_user_field


class ApiToken(models.Model):
    """One school's API token: its prefix and hash, who issued it, when it was used."""

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for.")
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_sha256 = models.CharField(_("SHA-256 of the token"), max_length=64)
    created_at = models.DateTimeField(_("issued at"))
    created_by = actor_user_field(_("issued by"))
    created_label = actor_label_field(_("issued by (actor)"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = actor_user_field(_("revoked by"))
    revoked_label = actor_label_field(_("revoked by (actor)"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["school", "-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix} ({self.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
