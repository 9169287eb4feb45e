"""Reminders before a lock deadline, and the lists of records missing at the lock.

``remind_due`` runs the configured days before a round's lock deadline
(settings.HOCBASO_REMINDER_DAYS): every school whose round is still open and has
records without a current submission gets one e-mail, through Django's mail API,
to its principal's and clerk's addresses of that year, listing the count and the
deadline, and a ``Reminder`` row. The row is written in the same transaction as the
sending, under its unique key, so a task run again sends nothing new; a worker
killed between the sending and the commit sends it once more (mail is at least
once, the row exactly once). A mail server that refuses leaves the row with
``delivered`` false: the reminder is still listed where the school looks.

``store_missing`` is called by the registry's lock in its transaction (the
``school_locked`` signal): the school's missing records at the lock, as the
rollout pages show them (``missing_lists``).
"""

from __future__ import annotations

import datetime as dt
import logging
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hocbaso.records.models import Appointment, Role, School, SchoolYear
from hocbaso.registry import rounds
from hocbaso.registry.locking import MissingRecord, missing_of
from hocbaso.registry.models import SchoolRoundLock
from hocbaso.season.models import DeadlineSchedule, MissingAtLock, Reminder

RECIPIENT_ROLES = (Role.PRINCIPAL, Role.CLERK)
logger = logging.getLogger(__name__)


def remind_due(year_id: int, round_name: str, days: int, run_at: str) -> dict:
    from hocbaso.season.deadlines import still_scheduled

    kind = DeadlineSchedule.Kind.REMIND
    if not still_scheduled(year_id, round_name, kind, days, run_at):
        return {"skipped": "deadline moved"}
    if days not in settings.HOCBASO_REMINDER_DAYS:
        return {"skipped": "no reminder that many days before"}  # setting changed
    year = SchoolYear.objects.get(pk=year_id)
    deadline = rounds.lock_deadline(year, round_name)
    locked = set(
        SchoolRoundLock.objects.filter(school_year=year, round=round_name).values_list(
            "school_id", flat=True
        )
    )
    sent = 0
    for school in rounds.schools_in(None, year, round_name).order_by("code"):
        if school.pk in locked:
            continue
        missing = missing_of(school, year, round_name)
        if missing and _remind(school, year, round_name, days, deadline, missing):
            sent += 1
    return {"reminded": sent}


def _remind(school, year, round_name, days, deadline, missing) -> bool:
    recipients = recipients_of(school, year)
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(  # unique: once per school and day
                school=school,
                school_year=year,
                round=round_name,
                days_before=days,
                sent_at=timezone.now(),
                missing=len(missing),
                recipients=recipients,
            )
            if recipients:
                reminder.delivered = _send(
                    school, year, round_name, deadline, len(missing), recipients
                )
                reminder.save(update_fields=["delivered"])
    except IntegrityError:
        return False  # reminded already (the task ran before)
    return True


def recipients_of(school: School, year: SchoolYear) -> list[str]:
    """The e-mail addresses of the school's principal and clerks for the year."""
    emails = Appointment.objects.filter(
        school=school, school_year=year, role__in=RECIPIENT_ROLES
    ).values_list("person__user__email", flat=True)
    return sorted({e for e in emails if e})


def _send(school, year, round_name, deadline, count, recipients) -> bool:
    with translation.override(settings.LANGUAGE_CODE):
        words = {
            "school": school.name,
            "year": year.name,
            "round": rounds.round_name_in_text(round_name),
            "count": count,
            "deadline": _local(deadline - dt.timedelta(seconds=1)),
        }
        subject = _(
            "%(school)s: %(count)s records of the %(round)s round not submitted"
        )
        body = _(
            "The %(round)s round of school year %(year)s locks at %(deadline)s. "
            "%(count)s records of %(school)s have no accepted submission yet: "
            "sign and submit them before the deadline. Records not submitted by "
            "then are listed as missing at the lock."
        )
        try:
            send_mail(subject % words, body % words, None, recipients)
        except (OSError, SMTPException) as exc:  # kept as not delivered, shown so
            logger.warning("reminder to %s not sent: %s", school.code, exc)
            return False
    return True


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def store_missing(school_lock: SchoolRoundLock, missing: list[MissingRecord]) -> None:
    MissingAtLock.objects.create(
        school_id=school_lock.school_id,
        school_year_id=school_lock.school_year_id,
        round=school_lock.round,
        locked_at=school_lock.locked_at,
        lock_id=school_lock.lock.public_id,
        count=len(missing),
        records=[
            {
                "class": m.class_name,
                "grade": m.grade,
                "student_code": m.student_code,
                "student_name": m.student_name,
            }
            for m in missing
        ],
    )


def missing_lists(schools, year: SchoolYear, round_name: str):
    """The lists of records missing at the lock of these schools (for dashboards)."""
    return MissingAtLock.objects.filter(
        school__in=schools, school_year=year, round=round_name
    ).order_by("school__code")
