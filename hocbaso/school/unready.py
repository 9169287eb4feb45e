"""Why a class has nothing to sign: said once per cause, with how many records.

A signing batch over a class whose records are all drafts would otherwise end
"signed, 0 records", which reads as success. The cause is what the class page
shows per record (``review.problems_of``: the rules' problems, a missing mark
named by its subject and term), counted over the class, so 32 records missing
the same mark make one line, not 32.
"""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _

from hocbaso.records.models import RecordStatus, SchoolClass, YearlyRecord
from hocbaso.school.review import current, problems_of

SHOWN = 5  # causes named in full; the others are counted


def nothing_ready(school_class: SchoolClass) -> str | None:
    """The sentence saying why nothing of the class can be signed, or None when
    some record is past draft (signed already, or waiting for another signer,
    which the signing actions name themselves)."""
    records = list(
        current(YearlyRecord.objects.filter(school_class=school_class))
        .select_related("transcript__student", "school_year", "school", "school_class")
        .prefetch_related("assessments")
    )
    if any(r.status != RecordStatus.DRAFT for r in records):
        return None
    if not records:
        return _("Nothing is ready to sign: class %(cls)s has no records") % {
            "cls": school_class.name
        }
    return _("Nothing is ready to sign: %(causes)s") % {
        "causes": "; ".join(_causes(records))
    }


def _causes(records: list[YearlyRecord]) -> list[str]:
    counts: Counter[str] = Counter()
    for record in records:
        # A record counts once per cause, however often the rules repeat it.
        counts.update(set(problems_of(record)) or {_not_finalised()})
    lines = [
        _("%(n)s records: %(cause)s") % {"n": n, "cause": cause}
        for cause, n in counts.most_common(SHOWN)
    ]
    if len(counts) > SHOWN:
        lines.append(_("and %(n)s other problems") % {"n": len(counts) - SHOWN})
    return lines


def _not_finalised() -> str:
    return _("not finalised yet (the homeroom teacher finalises the class)")
