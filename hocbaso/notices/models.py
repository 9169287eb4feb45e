"""What the notices keep (docs/notices.md).

- ``Preference``: a student's or parent's address and the kinds of notice they
  take; every kind is on once an address is given, until they switch it off.
  Nothing is sent to an address until its owner typed back the code mailed to it
  (``confirmed``): a typo must not send a child's notices to a stranger.
- ``Notice``: one message sent, once, under its unique ``key`` (the event, the
  recipient): the row is written in the transaction that sends the mail, so a task
  run again sends nothing new (mail is at least once, the row exactly once). A mail
  server that refuses leaves ``delivered`` false; the notice is still listed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hocbaso.portal.citizen.models import CitizenAccount
from hocbaso.records.models import Transcript


class Kind(models.TextChoices):
    EFFECTIVE = "effective", _("a school year's record became effective")
    LOOKUP = "lookup", _("an organisation looked the transcript up")
    SHARE = "share", _("a share code was used")
    CORRECTION = "correction", _("a correction was requested or decided")
    READER = "reader", _("a transcript looked up earlier was corrected")
    STAFF = "staff", _("a correction to decide, or decided")
    CONFIRM = "confirm", _("the code that confirms an address")


FAMILY_KINDS = (Kind.EFFECTIVE, Kind.LOOKUP, Kind.SHARE, Kind.CORRECTION)


class Preference(models.Model):
    account = models.OneToOneField(
        CitizenAccount,
        on_delete=models.CASCADE,
        related_name="notice_preference",
        verbose_name=_("login"),
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    confirmed = models.EmailField(_("confirmed address"), blank=True)
    effective = models.BooleanField(Kind.EFFECTIVE.label, default=True)
    lookup = models.BooleanField(Kind.LOOKUP.label, default=True)
    share = models.BooleanField(Kind.SHARE.label, default=True)
    correction = models.BooleanField(Kind.CORRECTION.label, default=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")

    def __str__(self) -> str:
        return f"{self.account_id}: {self.email or '-'}"

    @property
    def is_confirmed(self) -> bool:
        return bool(self.email) and self.email == self.confirmed

    def wants(self, kind: str) -> bool:
        return self.is_confirmed and kind in FAMILY_KINDS and getattr(self, kind)


class Notice(models.Model):
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    recipient = models.CharField(_("sent to"), max_length=254)
    account = models.ForeignKey(
        CitizenAccount,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    transcript = models.ForeignKey(
        Transcript, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(_("message subject"), max_length=300)
    body = models.TextField(_("message text"))
    sent_at = models.DateTimeField(_("sent at"), db_index=True)
    delivered = models.BooleanField(_("accepted by the mail server"), default=False)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["account", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient} ({self.sent_at:%Y-%m-%d %H:%M})"
