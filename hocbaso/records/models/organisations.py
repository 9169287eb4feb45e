"""Organisations: department (Sở), management unit, school, and who managed whom when.

domain.md §2: the middle level is a *management unit* of some kind (the plan's
district office, or since 1/7/2025 a ward or commune committee). Which unit
managed a school is kept as dated periods, so records of 2024-2025 stay under
the district while later ones fall under the ward; a school with no period has
no middle level at all.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hocbaso.records.models._base import LEVEL_GROUP_CODES, SchoolLevel


class Department(models.Model):
    """A provincial department of education and training (Sở GD&ĐT)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    province_code = models.CharField(_("province code"), max_length=10)
    province_name = models.CharField(_("province name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ManagementUnit(models.Model):
    """The local level between the department and its schools."""

    class Kind(models.TextChoices):
        DISTRICT_OFFICE = "phong", _("District education office")
        WARD = "phuong", _("Ward People's Committee")
        COMMUNE = "xa", _("Commune People's Committee")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name=_("department"),
    )

    class Meta:
        verbose_name = _("management unit")
        verbose_name_plural = _("management units")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    """A primary or lower-secondary school (trường)."""

    code = models.CharField(
        _("school code"), max_length=20, unique=True, help_text=_("mã trường")
    )
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=SchoolLevel.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="schools",
        verbose_name=_("department"),
    )
    address = models.CharField(_("street address"), max_length=300, blank=True)
    commune_code = models.CharField(_("commune code"), max_length=10, blank=True)
    commune_name = models.CharField(_("commune or ward"), max_length=100, blank=True)
    province_code = models.CharField(_("province code"), max_length=10, blank=True)
    province_name = models.CharField(_("province"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def level_group_code(self) -> str:
        """The national feed's mã nhóm cấp học: 02 primary, 03 lower secondary."""
        return LEVEL_GROUP_CODES[SchoolLevel(self.level)]

    def unit_on(self, on_date: dt.date) -> ManagementUnit | None:
        return unit_of(self, on_date)


class SchoolUnitPeriod(models.Model):
    """A management unit managed a school from ``valid_from`` until ``valid_to``.

    The period is half-open: ``valid_to`` is the first day the unit no longer
    managed the school (the day the next period starts), or empty if it still
    does. A school moved to a ward on 1/7/2025 has a district period ending
    2025-07-01 and a ward period starting 2025-07-01, with no gap or overlap.
    """

    school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        related_name="unit_periods",
        verbose_name=_("school"),
    )
    unit = models.ForeignKey(
        ManagementUnit,
        on_delete=models.PROTECT,
        related_name="school_periods",
        verbose_name=_("management unit"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_(
            "The first day the unit no longer manages the school; empty if it "
            "still does."
        ),
    )

    class Meta:
        verbose_name = _("management period")
        verbose_name_plural = _("management periods")
        ordering = ["school", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "valid_from"], name="records_period_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="records_period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        until = self.valid_to or ""
        return f"{self.school.code} → {self.unit.code} ({self.valid_from}–{until})"

    def clean(self) -> None:
        # Overlaps are refused here rather than by a constraint because an
        # exclusion constraint exists only on PostgreSQL.
        if not self.school_id:
            return
        if self.valid_to and self.valid_to <= self.valid_from:
            raise ValidationError(
                {"valid_to": _("The period must end after it starts.")}
            )
        if _overlapping(self).exists():
            raise ValidationError(
                _("This period overlaps another management period of the school.")
            )


def _overlapping(period: SchoolUnitPeriod) -> models.QuerySet[SchoolUnitPeriod]:
    others = SchoolUnitPeriod.objects.filter(school_id=period.school_id).exclude(
        pk=period.pk
    )
    others = others.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=period.valid_from))
    if period.valid_to:
        others = others.filter(valid_from__lt=period.valid_to)
    return others


def unit_of(school: School, on_date: dt.date) -> ManagementUnit | None:
    """The management unit that managed ``school`` on ``on_date``, or None.

    None means the middle level is absent for that date: the department
    manages the school directly.
    """
    period = (
        SchoolUnitPeriod.objects.filter(school=school, valid_from__lte=on_date)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on_date))
        .select_related("unit")
        .order_by("-valid_from")
        .first()
    )
    return period.unit if period else None
