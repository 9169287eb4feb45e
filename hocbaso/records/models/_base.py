"""Small helpers shared by the models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImmutableFieldError(ValueError):
    """A field that must never change was changed (a lookup code, a student code)."""


def refuse_changes(instance: models.Model, *field_names: str) -> None:
    """Raise ImmutableFieldError if a saved instance's fields differ from the database.

    Called from save(): the admin makes these fields read-only, but imports,
    shells and later code paths must not be able to change them either.
    """
    if instance._state.adding or instance.pk is None:
        return
    stored = (
        type(instance)
        ._default_manager.filter(pk=instance.pk)
        .values(*field_names)
        .first()
    )
    if stored is None:
        return
    for name in field_names:
        if stored[name] != getattr(instance, name):
            raise ImmutableFieldError(
                _("%(field)s cannot be changed once set.")
                % {"field": instance._meta.get_field(name).verbose_name}
            )


class SchoolLevel(models.TextChoices):
    """The two levels of the pilot; values equal hocbaso.assessment.Level."""

    PRIMARY = "primary", _("Primary")
    SECONDARY = "secondary", _("Lower secondary")


# Level-group codes (mã nhóm cấp học) of the national feed, domain.md §2.
LEVEL_GROUP_CODES = {SchoolLevel.PRIMARY: "02", SchoolLevel.SECONDARY: "03"}

GRADES = [(g, str(g)) for g in range(1, 10)]


def level_of_grade(grade: int) -> SchoolLevel:
    return SchoolLevel.PRIMARY if grade <= 5 else SchoolLevel.SECONDARY
