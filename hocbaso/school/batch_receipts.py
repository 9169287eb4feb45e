"""Sending a signed class to the registry and counting the registry's answers
(docs/school.md, "Signing from the page"; docs/registry.md, "Submitting").

New records go as a class package, records accepted before as replacements with
the batch's reason. A receipt a worker answers later (hocbaso.season) is counted
when the batch's status is next read.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from hocbaso.records.models import RecordStatus, YearlyRecord
from hocbaso.registry import actions as registry
from hocbaso.registry.actors import Actor
from hocbaso.registry.models import Receipt, Submission
from hocbaso.registry.package import build_package
from hocbaso.registry.results import ReceiptView
from hocbaso.school import clock
from hocbaso.school.batch_items import BatchError, State
from hocbaso.school.models import BatchItem, SigningBatch
from hocbaso.season.tasks import answer_later


def settle(items: list[BatchItem]) -> set[int]:
    """Count the submitted items whose receipts a worker has answered since
    (hocbaso.season); the ids of the items still waiting for an answer."""
    awaiting = [i for i in items if i.stage.get("awaiting")]
    ids = {r for item in awaiting for r in item.stage["awaiting"]}
    receipts = {
        r.public_id: r
        for r in Receipt.objects.filter(public_id__in=ids).select_related("school")
    }
    waiting = set()
    for item in awaiting:
        mine = [receipts[r] for r in item.stage["awaiting"] if r in receipts]
        if any(r.status == Receipt.Status.RECEIVED for r in mine):
            waiting.add(item.pk)
        else:
            _tally(item, [ReceiptView.from_model(r) for r in mine])
    return waiting


def _tally(item: BatchItem, receipts: list[ReceiptView]) -> None:
    accepted, problems = _counted(receipts)
    item.accepted += accepted
    item.error = "; ".join(filter(None, [item.error, *problems]))
    item.stage = {}
    item.save(update_fields=["accepted", "error", "stage", "updated_at"])


def _counted(receipts: list[ReceiptView]) -> tuple[int, list[str]]:
    """The records accepted and the problems of answered receipts."""
    accepted, problems = 0, []
    for receipt in receipts:
        accepted += len(receipt.accepted)
        problems += [str(p.message) for p in receipt.errors]
        for outcome in receipt.rejected:
            problems += [str(p.message) for p in outcome.problems]
    return accepted, problems


def submit(batch: SigningBatch, item: BatchItem) -> None:
    """Send the class's issued records: new ones as a package, accepted ones as
    replacements with the batch's reason."""
    issued = list(
        YearlyRecord.objects.filter(
            school_class=item.school_class, status=RecordStatus.ISSUED
        )
        # A version corrected after the lock is issued on its correction's page
        # (registry.issue_correction); sent as a submission it would be refused.
        .filter(corrects__isnull=True)
        .select_related("packet")
        .order_by("pk")
    )
    current = set(
        Submission.objects.filter(
            record__in=issued, state=Submission.State.ACCEPTED
        ).values_list("record_id", flat=True)
    )
    fresh = [r for r in issued if r.pk not in current]
    again = [r for r in issued if r.pk in current]
    if again and not batch.reason:
        raise BatchError(
            _("%(n)s records were accepted before: give a reason for the replacement")
            % {"n": len(again)}
        )
    actor = Actor.of_user(batch.user)
    school_class = item.school_class
    receipts = []
    for records, send in ((fresh, registry.submit), (again, registry.replace)):
        if not records:
            continue
        package = build_package(
            [bytes(r.packet.data) for r in records],
            school_code=school_class.school.code,
            school_year=school_class.school_year.name,
            class_name=school_class.name,
        )
        extra = {"reason": batch.reason} if send is registry.replace else {}
        receipt = answer_later(
            send(
                package,
                school=school_class.school,
                actor=actor,
                clock=registry_clock(),
                process=False,
                **extra,
            )
        )
        receipts.append(receipt)
    answered = [r for r in receipts if r.status != Receipt.Status.RECEIVED]
    accepted, problems = _counted(answered)
    item.receipt_ids = [*item.receipt_ids, *(r.receipt_id for r in receipts)]
    item.accepted += accepted
    item.state = State.SUBMITTED
    item.error = "; ".join(problems)
    # The others are counted when a worker has answered them (``_settle``).
    item.stage = {"awaiting": [r.receipt_id for r in receipts if r not in answered]}
    fields = ["receipt_ids", "accepted", "state", "error", "stage", "updated_at"]
    item.save(update_fields=fields)


def registry_clock():
    return clock.registry_clock()
