"""What the season's background work keeps (docs/architecture.md, "Background work").

- ``WorkerBeat``: each worker's latest heartbeat; a task left RUNNING by a worker
  whose beat is older than the lease is given back to the queue (``engine``).
- ``PeriodicSlot``: when a periodic task is next due; the worker that moves the slot
  forward (one conditional UPDATE) is the one that enqueues it, so N workers on N
  machines enqueue it once.
- ``DeadlineSchedule``: the deadline tasks enqueued for a school year (a lock per
  round, a reminder per round and day); a task whose ``run_at`` is no longer the
  stored one was left behind by a moved deadline and does nothing.
- ``MissingAtLock``: a school's records that had no current submission when its
  round was locked, as the dashboards show them.
- ``Reminder``: a reminder sent to a school before a deadline, once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hocbaso.records.models import Round, School, SchoolYear


class WorkerBeat(models.Model):
    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=200, blank=True)
    pid = models.IntegerField(default=0)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"


class PeriodicSlot(models.Model):
    name = models.CharField(max_length=100, unique=True)
    due_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class DeadlineSchedule(models.Model):
    class Kind(models.TextChoices):
        LOCK = "lock", _("lock")
        REMIND = "remind", _("reminder")

    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE)
    round = models.CharField(max_length=20, choices=Round.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    days_before = models.PositiveSmallIntegerField(default=0)
    run_at = models.DateTimeField()
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school_year", "round", "kind", "days_before"],
                name="season_one_schedule_per_deadline",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.round} {self.run_at:%Y-%m-%d %H:%M}"


class MissingAtLock(models.Model):
    """The records a school had not submitted when its round locked."""

    school = models.ForeignKey(School, on_delete=models.CASCADE)
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE)
    round = models.CharField(_("round"), max_length=20, choices=Round.choices)
    locked_at = models.DateTimeField(_("locked at"))
    lock_id = models.CharField(max_length=40)
    count = models.PositiveIntegerField(_("missing records"))
    records = models.JSONField(default=list)

    class Meta:
        verbose_name = _("records missing at the lock")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "round"],
                name="season_one_missing_list_per_lock",
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.round}: {self.count}"


class Reminder(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE)
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE)
    round = models.CharField(max_length=20, choices=Round.choices)
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()
    missing = models.PositiveIntegerField()
    recipients = models.JSONField(default=list)
    delivered = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "round", "days_before"],
                name="season_one_reminder_per_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.round} -{self.days_before}d"


class Job(models.Model):
    """A long piece of background work a person waits for, and how far it got.

    The task that does the work updates ``done``/``total`` and ``step`` as it goes
    (``progress``), so the page that started it shows a real progress bar. Results
    a page needs (counts, problems, the zip written) stay on the row.
    """

    class Kind(models.TextChoices):
        DELIVERY = "delivery", _("delivery to the national repository")
        EXPORT = "export", _("soft copies export")
        IMPORT = "import", _("workbook import")

    class State(models.TextChoices):
        WAITING = "waiting", _("waiting for a worker")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    public_id = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default="waiting")
    step = models.CharField(max_length=40, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    result = models.JSONField(default=dict, blank=True)
    params = models.JSONField(default=dict, blank=True)
    file = models.CharField(max_length=300, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.public_id} {self.state} {self.done}/{self.total}"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
