"""Fields shared by the registry's models: who acted, and when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def actor_user_field(verbose_name=None) -> models.ForeignKey:
    # PROTECT: the registry's history names its actors for good; logins are
    # deactivated, never deleted.
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name or _("login"),
    )


def actor_label_field(verbose_name=None) -> models.CharField:
    return models.CharField(verbose_name or _("actor"), max_length=150, blank=True)
