"""The portal's audit trail of every access to a transcript (domain.md §9).

Every view, download, print, export, verification and share is one
``AccessEvent``. The trail is append-only (database triggers refuse UPDATE and
DELETE) and never holds a lookup code: the transcript is referenced by its row,
and the client's address only as a keyed hash.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hocbaso.records.models import School, Transcript


class AccessAction(models.TextChoices):
    VIEW = "view", _("viewed")
    DOWNLOAD = "download", _("downloaded")
    PRINT = "print", _("printed")
    EXPORT = "export", _("exported")
    VERIFY = "verify", _("verified")
    SHARE = "share", _("shared")
    API = "api", _("read through the API")
    LOOKUP_FAILED = "lookup_failed", _("failed lookup")


class ActorKind(models.TextChoices):
    ANONYMOUS = "anonymous", _("someone holding the code")
    STAFF = "staff", _("staff")
    CITIZEN = "citizen", _("student or parent")
    SHARE_CODE = "share_code", _("holder of a share code")
    API = "api", _("another system")
    SYSTEM = "system", _("the system")


class AccessEvent(models.Model):
    at = models.DateTimeField(_("time"), db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=AccessAction.choices)
    transcript = models.ForeignKey(
        Transcript,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("transcript"),
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("managing school at the time"),
    )
    actor_kind = models.CharField(_("who"), max_length=20, choices=ActorKind.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor_label = models.CharField(_("name"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    client = models.CharField(
        _("client (keyed hash of the address)"),
        max_length=64,
        blank=True,
        db_index=True,
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["transcript", "at"]),
            models.Index(fields=["action", "at"]),
            # the throttle's count at every lookup (throttle.py): one client's
            # failures, however many other clients fail meanwhile
            models.Index(fields=["client", "action", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.actor_kind}"

    @property
    def purpose_label(self) -> str:
        """The purpose as shown: a system purpose's label, else as given."""
        from hocbaso.portal.purposes import purpose_label

        return purpose_label(self.purpose, self.detail)


class VerifierKey(models.Model):
    """An organisation's key for the lookup API (admissions offices, employers'
    registries…), issued by the department (``hocbaso verifier-key``).

    Only the SHA-256 of the key is stored; the key is shown once when it is
    issued. Its calls are counted and audited as the organisation, with their
    own allowance of failures and daily quota instead of the address's.
    """

    organisation = models.CharField(_("organisation"), max_length=200)
    prefix = models.CharField(_("key prefix"), max_length=10, unique=True)
    secret_sha256 = models.CharField(max_length=64, unique=True)
    daily_quota = models.PositiveIntegerField(
        _("lookups and verifications a day"), default=10_000
    )
    failure_allowance = models.PositiveIntegerField(
        _("failed lookups free within the throttle's window"), default=200
    )
    created_at = models.DateTimeField(_("issued at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("verifier API key")
        verbose_name_plural = _("verifier API keys")

    def __str__(self) -> str:
        return f"{self.organisation} ({self.prefix})"

    @property
    def client(self) -> str:
        """What the throttle and the audit trail count this key's calls under."""
        return f"key:{self.prefix}"
