"""A yearly record's lifecycle on the school side (domain.md §7): its status, its
round, the fields recompute() writes and the fields a signature vouches for.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordStatus(models.TextChoices):
    """The school side of the lifecycle, domain.md §7."""

    DRAFT = "draft", _("Draft")
    FINALISED = "finalised", _("Finalised")
    SIGNING = "signing", _("Being signed")
    ISSUED = "issued", _("Issued")
    SUBMITTED = "submitted", _("Submitted")


class Round(models.TextChoices):
    MAIN = "main", _("Main round (by 30/6)")
    SUPPLEMENTARY = "supplementary", _("Supplementary round (by 15/8)")


# Fields recompute() writes; saved with update_fields so it never overwrites
# raw data someone else changed meanwhile.
COMPUTED_FIELDS = [
    "results",
    "result_code",
    "year_learning",
    "year_conduct",
    "promotion",
    "title",
    "completed",
    "round",
    "computed_at",
]


# What a signature vouches for: a change to any of these after signing returns the
# record to draft and drops its signatures (domain.md §7). The computed results are
# watched too, so that recomputing under changed rules cannot leave a stale packet.
SIGNED_FIELDS = (
    "transcript",
    "school_year",
    "grade",
    "school",
    "school_class",
    "qualities",
    "competencies",
    "conduct",
    "absences",
    "retest",
    "summer_conduct",
    "supplementary_assessed",
    "class_recognition",
    "class_recognition_by",
    "class_recognition_note",
    "comments",
    "homeroom_comment",
    "ad_hoc_commendations",
    "results",
)
