"""School years, their reporting calendar, and classes.

domain.md §7 and R10/R13: the main round locks by 30/6 and the unit reports
by 5/7; the supplementary round locks by 15/8 and the unit reports by 20/8.
The dates are editable per year; these are the defaults. A deadline means the
end of that day in Vietnam time.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hocbaso.records.models._base import GRADES, SchoolLevel, level_of_grade
from hocbaso.records.models.organisations import School

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
_YEAR_NAME = re.compile(r"^(\d{4})-(\d{4})$")

# (field, month, day) of each deadline, in the school year's second calendar year.
DEADLINE_DEFAULTS = {
    "main_lock_date": (6, 30),
    "main_report_date": (7, 5),
    "supplementary_lock_date": (8, 15),
    "supplementary_report_date": (8, 20),
}
# Default first and last day of teaching when a year is created from its name.
DEFAULT_START, DEFAULT_END = (9, 5), (5, 31)


class SchoolYearQuerySet(models.QuerySet["SchoolYear"]):
    def active(self, on_date: dt.date | None = None) -> SchoolYearQuerySet:
        """Years whose appointments grant access on ``on_date`` (default: today).

        The latest year that has begun, any year whose calendar still runs
        (until its supplementary report deadline, since summer work belongs
        to it), and years not yet begun (being prepared).
        """
        on_date = on_date or timezone.localdate()
        latest = self.filter(start_date__lte=on_date).order_by("-start_date")[:1]
        return self.filter(
            Q(start_date__gt=on_date)
            | Q(supplementary_report_date__gte=on_date)
            | Q(pk__in=models.Subquery(latest.values("pk")))
        )


class SchoolYear(models.Model):
    """A school year such as "2024-2025", with its reporting calendar."""

    name = models.CharField(
        _("school year"),
        max_length=9,
        unique=True,
        help_text=_("For example 2024-2025."),
    )
    start_date = models.DateField(_("first day"), blank=True)
    end_date = models.DateField(_("last day"), blank=True)
    main_lock_date = models.DateField(
        _("main round lock deadline"), blank=True, help_text=_("Default 30/6.")
    )
    main_report_date = models.DateField(
        _("main round unit report deadline"), blank=True, help_text=_("Default 5/7.")
    )
    supplementary_lock_date = models.DateField(
        _("supplementary round lock deadline"), blank=True, help_text=_("Default 15/8.")
    )
    supplementary_report_date = models.DateField(
        _("supplementary round unit report deadline"),
        blank=True,
        help_text=_("Default 20/8."),
    )

    objects = SchoolYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        ordering = ["-name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.fill_defaults()
        super().save(*args, **kwargs)

    @property
    def first_year(self) -> int:
        return int(self.name[:4])

    def clean(self) -> None:
        match = _YEAR_NAME.match(self.name or "")
        if not match or int(match[2]) != int(match[1]) + 1:
            raise ValidationError(
                {"name": _("A school year is written like 2024-2025.")}
            )
        self.fill_defaults()
        if self.end_date <= self.start_date:
            raise ValidationError({"end_date": _("The year must end after it starts.")})

    def fill_defaults(self) -> None:
        """Fill every empty date from the year's name and the default calendar."""
        first, second = self.first_year, self.first_year + 1
        if self.start_date is None:
            self.start_date = dt.date(first, *DEFAULT_START)
        if self.end_date is None:
            self.end_date = dt.date(second, *DEFAULT_END)
        for field, (month, day) in DEADLINE_DEFAULTS.items():
            if getattr(self, field) is None:
                setattr(self, field, dt.date(second, month, day))

    def deadline(self, field: str) -> dt.datetime:
        """The aware UTC instant a deadline passes: the end of that day in Vietnam.

        ``field`` is one of ``main_lock_date``, ``main_report_date``,
        ``supplementary_lock_date``, ``supplementary_report_date``. The end
        of 30/6 is midnight starting 1/7 in Vietnam, 2025-06-30 17:00 UTC; a
        deadline has passed when ``now >= deadline``.
        """
        if field not in DEADLINE_DEFAULTS:
            raise ValueError(f"unknown deadline {field!r}")
        day = getattr(self, field)
        end_local = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), VIETNAM)
        return end_local.astimezone(dt.UTC)

    def deadlines(self) -> dict[str, dt.datetime]:
        return {field: self.deadline(field) for field in DEADLINE_DEFAULTS}


class SchoolClass(models.Model):
    """A class of one school in one school year, such as 6A1."""

    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="classes",
        verbose_name=_("school"),
    )
    school_year = models.ForeignKey(
        SchoolYear,
        on_delete=models.PROTECT,
        related_name="classes",
        verbose_name=_("school year"),
    )
    grade = models.PositiveSmallIntegerField(_("grade"), choices=GRADES)
    name = models.CharField(_("class name"), max_length=20)

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["school_year", "school", "grade", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "name"],
                name="records_class_unique_name",
            ),
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=9), name="records_class_grade_1_9"
            ),
        ]
        indexes = [models.Index(fields=["school", "school_year"])]

    def __str__(self) -> str:
        return f"{self.name} · {self.school.code} · {self.school_year}"

    @property
    def level(self) -> SchoolLevel:
        return level_of_grade(self.grade)

    def clean(self) -> None:
        if self.school_id and self.grade and self.school.level != self.level:
            raise ValidationError(
                {
                    "grade": _("Grade %(grade)s is not taught at this school's level.")
                    % {"grade": self.grade}
                }
            )
