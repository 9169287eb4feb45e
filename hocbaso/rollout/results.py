"""Results statistics as the end-of-year reports have them (docs/rollout.md).

Per school, grade or class, the pupils by level, counted in the database from
the results stored on each yearly record (``YearlyRecord.recompute``):

- primary (Circular 27/2020, Art. 6-7, 9, 11, 13): each subject's end-of-year
  level T/H/C, each quality and competency T/Đ/C, the year result, the titles
  and completion of the grade programme;
- lower secondary (Circular 22/2021, Art. 8-9, 12-15): the year's learning and
  conduct T/K/Đ/CĐ, the titles and promotion (promoted, re-test, summer
  training, both, repeating).

Every school of a level has the same columns, so rows compare. Two grouped
queries whatever the number of schools: the records with one conditional count
per column, and the primary subjects' end-of-year rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from hocbaso.assessment import COMPETENCIES, QUALITIES, curriculum
from hocbaso.records.models import School, SchoolYear, SubjectAssessment, YearlyRecord

LEVEL_TITLES = {
    "primary": _("Primary (Circular 27/2020)"),
    "secondary": _("Lower secondary (Circular 22/2021)"),
}
PRIMARY_RESULTS = (
    ("HTXS", _("Completed with excellence")),
    ("HTT", _("Completed well")),
    ("HT", _("Completed")),
    ("CHT", _("Not completed")),
)
SUBJECT_LEVELS = (("T", _("HTT")), ("H", _("HT")), ("C", _("CHT")))
QUALITY_LEVELS = (("T", _("Good")), ("Đ", _("Pass")), ("C", _("Needs effort")))
RANKS = (("T", _("Good")), ("K", _("Fair")), ("Đ", _("Pass")), ("CĐ", _("Fail")))


@dataclass(frozen=True)
class Column:
    key: str
    group: str  # the heading above a run of columns
    label: str
    when: Q


def _primary_columns() -> list[Column]:
    columns = [
        Column(f"result_{code}", _("Year result"), str(text), Q(result_code=code))
        for code, text in PRIMARY_RESULTS
    ]
    for name, names in (("qualities", QUALITIES), ("competencies", COMPETENCIES)):
        columns += [
            Column(f"{name}_{code}_{lv}", label, str(text), _json_level(name, code, lv))
            for code, label in names.items()
            for lv, text in QUALITY_LEVELS
        ]
    return [
        *columns,
        Column("title_HSXS", _("Title"), str(_("Excellent pupil")), Q(title="HSXS")),
        Column("title_HSTB", _("Title"), str(_("Exemplary pupil")), Q(title="HSTB")),
        Column(
            "completed",
            _("Completion"),
            str(_("Completed the grade")),
            Q(completed=True),
        ),
    ]


def _json_level(name: str, code: str, level: str) -> Q:
    # qualities and competencies are stored as {"YN": "T", …} (domain.md §10).
    return Q(**{f"{name}__{code}": level})


def _secondary_columns() -> list[Column]:
    columns = []
    for name, group in (("learning", _("Learning")), ("conduct", _("Conduct"))):
        columns += [
            Column(f"{name}_{code}", group, str(text), Q(**{f"year_{name}": code}))
            for code, text in RANKS
        ]
    promotion = (
        ("promoted", _("Promoted")),
        ("retest", _("Re-test")),
        ("summer_training", _("Summer training")),
        ("retest_and_summer_training", _("Re-test and summer training")),
        ("repeat", _("Repeats the grade")),
    )
    return [
        *columns,
        Column("title_HSXS", _("Title"), str(_("Excellent pupil")), Q(title="HSXS")),
        Column("title_HSG", _("Title"), str(_("Good pupil")), Q(title="HSG")),
        *(
            Column(f"promotion_{code}", _("Promotion"), str(text), Q(promotion=code))
            for code, text in promotion
        ),
    ]


def primary_subjects() -> list[tuple[str, str]]:
    """Every primary subject in curriculum order, grades 1 to 5 (same columns)."""
    seen: dict[str, str] = {}
    for grade in range(1, 6):
        for spec in curriculum("primary", grade):
            seen.setdefault(spec.code, spec.name)
    return list(seen.items())


def _subject_columns() -> list[Column]:
    return [
        Column(f"subject_{code}_{lv}", name, str(text), Q())
        for code, name in primary_subjects()
        for lv, text in SUBJECT_LEVELS
    ]


def columns_of(level: str) -> list[Column]:
    if level == "primary":
        return _subject_columns() + _primary_columns()
    return _secondary_columns()


@dataclass
class StatRow:
    """One school, grade or class of a level: its pupils and a count per column."""

    school_code: str
    school_name: str
    grade: int | None
    class_name: str
    pupils: int = 0
    assessed: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def cells(self, columns: list[Column]) -> list[tuple[int, float | None]]:
        """(count, share of the assessed pupils) per column, in order."""
        return [
            (n, n / self.assessed if self.assessed else None)
            for n in (self.counts.get(c.key, 0) for c in columns)
        ]


@dataclass
class Statistics:
    year: SchoolYear
    round: str
    by: str
    levels: dict[str, list[StatRow]]  # "primary" / "secondary" → rows and a total
    columns: dict[str, list[Column]]


def _group_fields(by: str, prefix: str = "") -> list[str]:
    extra = {"school": [], "grade": ["grade"], "class": ["grade", "school_class__name"]}
    return [f"{prefix}school__code", f"{prefix}school__name"] + [
        prefix + f for f in extra[by]
    ]


def _records(schools, year: SchoolYear, round_name: str) -> QuerySet[YearlyRecord]:
    records = YearlyRecord.objects.filter(school__in=schools, school_year=year)
    # The latest version only: a corrected record and its original are one pupil.
    records = records.filter(corrected_by__isnull=True)
    return records.filter(round=round_name) if round_name else records


def statistics(
    schools: QuerySet[School], year: SchoolYear, round_name: str, by: str
) -> Statistics:
    """The results of ``schools``' records of ``year`` (of one round, or all)."""
    records = _records(schools, year, round_name)
    levels: dict[str, list[StatRow]] = {}
    columns = {level: columns_of(level) for level in ("primary", "secondary")}
    for level in columns:
        rows = _record_rows(records, level, columns[level], by)
        if level == "primary":
            _add_subjects(rows, records, by)
        if rows:
            levels[level] = [*rows.values(), _total(rows.values())]
    return Statistics(year, round_name, by, levels, columns)


def _record_rows(records, level: str, columns: list[Column], by: str):
    group = _group_fields(by)
    counts = {c.key: Count("pk", filter=c.when) for c in columns if c.when}
    query = (
        records.filter(school__level=level)
        .values(*group)
        .annotate(
            pupils=Count("pk"),
            assessed=Count("pk", filter=Q(computed_at__isnull=False)),
            **counts,
        )
        .order_by(*group)
    )
    rows: dict[tuple, StatRow] = {}
    for found in query:
        key = tuple(found[g] for g in group)
        rows[key] = StatRow(
            found["school__code"],
            found["school__name"],
            found.get("grade"),
            found.get("school_class__name", ""),
            found["pupils"],
            found["assessed"],
            {name: found[name] for name in counts},
        )
    return rows


def _add_subjects(rows: dict[tuple, StatRow], records, by: str) -> None:
    """Each primary subject's end-of-year level (Circular 27, Art. 6-7)."""
    group = _group_fields(by, "record__")
    found = (
        SubjectAssessment.objects.filter(record__in=records, term="hk2")
        .values(*group, "subject_code")
        .annotate(
            **{
                lv: Count("record", distinct=True, filter=Q(data__level=lv))
                for lv, _text in SUBJECT_LEVELS
            }
        )
        .order_by()
    )
    for item in found:
        row = rows.get(tuple(item[g] for g in group))
        if row is None:
            continue
        for lv, _text in SUBJECT_LEVELS:
            row.counts[f"subject_{item['subject_code']}_{lv}"] = item[lv]


def _total(rows) -> StatRow:
    result = StatRow("", str(_("Total")), None, "")
    for row in rows:
        result.pupils += row.pupils
        result.assessed += row.assessed
        for key, n in row.counts.items():
            result.counts[key] = result.counts.get(key, 0) + n
    return result
