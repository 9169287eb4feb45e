"""The year's deadlines as the dashboards show them: the two rounds' lock and
report dates, each against today in Vietnam time (docs/rollout.md, "Pages").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hocbaso.records.models import (
    SchoolYear,
)

DEADLINE_LABELS = {
    "main_lock_date": _("Schools lock the main round"),
    "main_report_date": _("Units report the main round"),
    "supplementary_lock_date": _("Schools lock the supplementary round"),
    "supplementary_report_date": _("Units report the supplementary round"),
}


@dataclass(frozen=True)
class Deadline:
    field: str
    label: str
    day: dt.date
    passes_at: dt.datetime
    days_left: int  # 0 on the day itself, negative once passed
    passed: bool
    round: str


def deadlines(year: SchoolYear, now: dt.datetime | None = None) -> list[Deadline]:
    """The year's four deadlines against today in Vietnam time."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    out = []
    for name, passes_at in year.deadlines().items():
        day = getattr(year, name)
        out.append(
            Deadline(
                name,
                str(DEADLINE_LABELS[name]),
                day,
                passes_at,
                (day - today).days,
                now >= passes_at,
                name.split("_")[0],
            )
        )
    return sorted(out, key=lambda d: d.day)
