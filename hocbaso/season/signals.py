"""What the season listens to: a school year saved (its deadlines scheduled) and a
school's round locked (its missing records stored, in the lock's transaction)."""

from __future__ import annotations

from django.db.models.signals import post_save


def _year_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return  # loaddata: no tasks for fixtures
    from hocbaso.season.deadlines import schedule_year

    schedule_year(instance)


def _school_locked(sender, school_lock, missing, **kwargs) -> None:
    from hocbaso.season.reminders import store_missing

    store_missing(school_lock, missing)


def connect() -> None:
    from hocbaso.records.models import SchoolYear
    from hocbaso.registry.locking import school_locked

    post_save.connect(_year_saved, sender=SchoolYear, dispatch_uid="season-year")
    school_locked.connect(_school_locked, dispatch_uid="season-missing")
