"""Failed staff logins counted per account and per client (throttle.py)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginFailures(models.Model):
    """Failures of one account or one client within the current window.

    ``key`` is a keyed hash ("account:…" or "client:…"): neither usernames nor
    addresses are kept in clear.
    """

    key = models.CharField(_("key"), max_length=80, unique=True)
    failures = models.PositiveIntegerField(_("failures"), default=0)
    window_start = models.DateTimeField(_("window start"))
    blocked_until = models.DateTimeField(_("blocked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("failed logins")
        verbose_name_plural = _("failed logins")

    def __str__(self) -> str:
        return self.key
