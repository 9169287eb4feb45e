"""Locks of a round and the management units' reports (domain.md §7, R10, R11, R13).

A ``RoundLock`` is one act of locking (a school early, a unit, the department, or
the whole registry at the deadline); it locks the round of each school in its scope
that was still open, one ``SchoolRoundLock`` per school. A school's round is locked
once: later locks skip it. Both tables are append-only in the database.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hocbaso.records.models import (
    Department,
    ManagementUnit,
    Round,
    School,
    SchoolYear,
)
from hocbaso.registry import ids
from hocbaso.registry.models._base import actor_label_field, actor_user_field


class ScopeKind(models.TextChoices):
    REGISTRY = "registry", _("Whole registry")
    DEPARTMENT = "department", _("Department")
    UNIT = "unit", _("Management unit")
    SCHOOL = "school", _("School")


class RoundLock(models.Model):
    """One act of locking a round in a scope."""

    public_id = models.CharField(
        _("lock id"), max_length=40, unique=True, default=ids.new_lock_id
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="+"
    )
    round = models.CharField(_("round"), max_length=13, choices=Round.choices)
    scope = models.CharField(_("scope"), max_length=10, choices=ScopeKind.choices)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        ManagementUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    locked_at = models.DateTimeField(_("lock time"))
    locked_count = models.PositiveIntegerField(_("records locked"))
    missing_count = models.PositiveIntegerField(_("records missing"))
    actor_user = actor_user_field()
    actor_label = actor_label_field()

    class Meta:
        verbose_name = _("round lock")
        verbose_name_plural = _("round locks")
        ordering = ["-locked_at"]

    def __str__(self) -> str:
        return f"{self.school_year} · {self.get_round_display()} · {self.public_id}"


class SchoolRoundLock(models.Model):
    """The round of one school locked: its records became effective at locked_at."""

    lock = models.ForeignKey(
        RoundLock,
        on_delete=models.PROTECT,
        related_name="school_locks",
        verbose_name=_("lock"),
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    school_year = models.ForeignKey(
        SchoolYear,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("school year"),
    )
    round = models.CharField(_("round"), max_length=13, choices=Round.choices)
    locked_at = models.DateTimeField(_("lock time"))
    locked_count = models.PositiveIntegerField(_("records locked"))
    missing_count = models.PositiveIntegerField(_("records missing"))
    digest = models.CharField(_("SHA-256 of the locked submissions"), max_length=64)
    ledger_index = models.BigIntegerField(_("ledger entry"))

    class Meta:
        verbose_name = _("school round lock")
        verbose_name_plural = _("school round locks")
        ordering = ["-locked_at", "school"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "round"],
                name="registry_school_round_locked_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.school.code} · {self.school_year} · {self.round}"


class UnitReport(models.Model):
    """A management unit's report of a round to the department (R13)."""

    public_id = models.CharField(
        _("report id"), max_length=40, unique=True, default=ids.new_report_id
    )
    unit = models.ForeignKey(
        ManagementUnit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("management unit"),
    )
    school_year = models.ForeignKey(
        SchoolYear,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("school year"),
    )
    round = models.CharField(_("round"), max_length=13, choices=Round.choices)
    figures = models.JSONField(_("figures"))
    deadline = models.DateTimeField(_("deadline"))
    submitted_at = models.DateTimeField(_("submitted at"))
    late = models.BooleanField(_("late"))
    actor_user = actor_user_field(_("submitted by"))
    actor_label = actor_label_field()

    class Meta:
        verbose_name = _("unit report")
        verbose_name_plural = _("unit reports")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "school_year", "round"],
                name="registry_one_report_per_unit_round",
            ),
            models.CheckConstraint(
                condition=Q(round__in=["main", "supplementary"]),
                name="registry_report_round_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.school_year} · {self.round}"
