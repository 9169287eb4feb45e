"""The registry's tasks (Django's tasks API; docs/architecture.md, "Background work").

Each body is idempotent: it checks the state under a row lock in one transaction,
so a task run again after its worker died finds its work done and does nothing
(``engine`` gives such tasks back to the queue). Arguments are plain JSON values.
With Django 6 the import below becomes ``from django.tasks import task``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from hocbaso.records.models import SchoolYear
from hocbaso.registry import processing
from hocbaso.registry.models import Receipt
from hocbaso.registry.results import ReceiptView
from hocbaso.registry.verification import InProcessVerifier
from hocbaso.season import deadlines, engine, grouping, reminders


@task()
def answer_receipt(receipt_id: str) -> str:
    """Verify and store every packet of a received receipt (a class package); its
    status after."""
    return answer_by_id(receipt_id)


def answer_by_id(receipt_id: str) -> str:
    """The body of ``answer_receipt``."""
    found = Receipt.objects.select_related("school").filter(public_id=receipt_id)
    receipt = found.first()
    if receipt is None:
        return "missing"
    return str(answer(receipt).status)


def answer(receipt: Receipt) -> Receipt:
    """Answer one receipt alone, at the time it was received (``grouping.answer``)."""
    return grouping.answer([receipt])[0]


@task(takes_context=True)
def answer_packets(context) -> dict[str, int]:
    """Answer the packets sent alone that wait, a batch at a time (``grouping``);
    how many were answered, and how many alone after their batch failed."""
    return grouping.answer_claimed(str(context.task_result.id), answer_packets)


@task()
def recover_receipts() -> int:
    """Answer the receipts left "received" past the grace (periodic)."""
    return len(processing.recover_receipts(verifier=InProcessVerifier(), clock=None))


@task()
def lock_at_deadline(year_id: int, round_name: str, days: int, run_at: str) -> dict:
    """Lock the round at its deadline (``deadlines.lock_due``)."""
    return deadlines.lock_due(year_id, round_name, run_at)


@task()
def remind_before(year_id: int, round_name: str, days: int, run_at: str) -> dict:
    """Remind schools with missing records (``reminders.remind_due``)."""
    return reminders.remind_due(year_id, round_name, days, run_at)


@task()
def schedule_deadlines() -> int:
    """Schedule the deadlines of every year still running (periodic): years saved
    before the engine ran, or changed without ``save()``, get theirs too."""
    since = timezone.localdate() - dt.timedelta(days=1)
    years = SchoolYear.objects.filter(supplementary_lock_date__gte=since)
    return sum(deadlines.schedule_year(year) for year in years)


@task()
def retimestamp_archive() -> dict:
    """Re-timestamp the soft copies of HOCBASO_ARCHIVE_DIR that are due (daily);
    nothing without HOCBASO_TSA_URL. Rewrites files only, each atomically."""
    from hocbaso.printing.archive import renew_configured_archive

    if not settings.HOCBASO_TSA_URL or not settings.HOCBASO_ARCHIVE_DIR.is_dir():
        return {"skipped": True}
    report = renew_configured_archive(
        settings.HOCBASO_ARCHIVE_DIR,
        tsa_url=settings.HOCBASO_TSA_URL,
        trust_store=settings.HOCBASO_TRUST_STORE,
        now=timezone.now(),
    )
    return {
        "renewed": len(report.renewed),
        "current": len(report.current),
        "failed": [name for name, _ in report.failed],
    }


def answer_later(receipt: ReceiptView) -> ReceiptView:
    """Have a worker answer a receipt just given; the receipt as it stands now
    (already answered when the engine runs tasks inline)."""
    if receipt.status != Receipt.Status.RECEIVED:
        return receipt
    if receipt.kind == Receipt.Kind.PACKET and engine.can_defer():
        # a packet sent alone: answered with the others waiting (grouping)
        grouping.answer_packets_later(answer_packets)
        return receipt
    # The same bytes sent again get the same receipt: its one task, however often
    # a client repeats its call (the task's id is the receipt's; engine.py).
    engine.enqueue_once(answer_receipt, receipt.receipt_id)
    if engine.can_defer():
        return receipt  # a worker answers it: "received" is what stands now
    found = Receipt.objects.select_related("school").get(public_id=receipt.receipt_id)
    return ReceiptView.from_model(found)
