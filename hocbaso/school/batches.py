"""Running a signing batch item by item (models.SigningBatch), for the pages' JSON.

With the signing agent, each item goes: ``next_work`` prepares the digests of its
round (hocbaso.records.deferred_actions) → the page has the agent sign them →
``give_signatures`` checks and completes. The principal's item has two rounds
(leader, then seal) and is then submitted to the registry as a class package. With
the demo keys, ``next_work`` does the whole item on the server. Every refusal is
stored on the item (state failed) and returned; ``retry`` puts failed items back in
the queue.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Iterable

from cryptography import x509
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from hocbaso.records import actions
from hocbaso.records import deferred_actions as deferred
from hocbaso.records.errors import RecordsError
from hocbaso.records.keys import KeyDirectory
from hocbaso.records.models import RecordStatus, SchoolClass, YearlyRecord
from hocbaso.registry import actions as registry
from hocbaso.registry.actors import Actor
from hocbaso.registry.errors import RegistryError
from hocbaso.registry.models import Receipt, Submission
from hocbaso.registry.package import build_package
from hocbaso.registry.results import ReceiptView
from hocbaso.school import clock, unready
from hocbaso.school.models import BatchItem, SigningBatch
from hocbaso.season.tasks import answer_later

State = BatchItem.State
Kind = SigningBatch.Kind
DONE_STATES = {
    Kind.SUBJECT: {State.SIGNED},
    Kind.HOMEROOM: {State.SIGNED},
    Kind.ISSUE: {State.SUBMITTED},
}


class BatchError(Exception):
    """A request about a batch that cannot be answered (bad input, wrong batch)."""


def demo_keys_allowed() -> bool:
    return bool(getattr(settings, "HOCBASO_DEMO_SIGNING", False))


def demo_keys() -> KeyDirectory:
    return KeyDirectory(settings.DATA_DIR / "pki")


@transaction.atomic
def create_batch(
    user,
    kind: str,
    classes: Iterable[SchoolClass],
    mode: str,
    reason: str = "",
) -> SigningBatch:
    """A batch over classes of one school and school year (in the given order)."""
    classes = list(classes)
    if kind not in Kind.values:
        raise BatchError(_("unknown kind of batch: %(kind)s") % {"kind": kind})
    if mode not in SigningBatch.Mode.values:
        raise BatchError(_("unknown way of signing: %(mode)s") % {"mode": mode})
    if mode == SigningBatch.Mode.DEMO and not demo_keys_allowed():
        raise BatchError(_("this deployment does not sign with demo keys"))
    if not classes:
        raise BatchError(_("choose at least one class"))
    if len({(c.school_id, c.school_year_id) for c in classes}) != 1:
        raise BatchError(_("a batch holds classes of one school and school year"))
    batch = SigningBatch.objects.create(
        user=user,
        school=classes[0].school,
        school_year=classes[0].school_year,
        kind=kind,
        mode=mode,
        reason=reason.strip(),
        signing_time=clock.now(),
    )
    BatchItem.objects.bulk_create(
        BatchItem(batch=batch, position=n, school_class=c)
        for n, c in enumerate(classes, 1)
    )
    return batch


def status(batch: SigningBatch) -> dict:
    """What the page shows: each item's state and the counts."""
    items = list(batch.items.select_related("school_class").order_by("position"))
    waiting = _settle([i for i in items if i.state == State.SUBMITTED])
    done = DONE_STATES[batch.kind]
    return {
        "batch": batch.public_id,
        "kind": batch.kind,
        "mode": batch.mode,
        "status": batch.status,
        "total": len(items),
        "done": sum(1 for i in items if i.state in done),
        "failed": sum(1 for i in items if i.state == State.FAILED),
        "records": sum(i.records for i in items),
        "accepted": sum(i.accepted for i in items),
        "items": [
            {
                "id": i.pk,
                "class": i.school_class.name,
                "state": i.state,
                "state_label": str(i.get_state_display()),
                "records": i.records,
                "accepted": i.accepted,
                "answered": i.pk not in waiting,
                "error": i.error,
            }
            for i in items
        ],
    }


def _settle(items: list[BatchItem]) -> set[int]:
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


def _next_item(batch: SigningBatch) -> BatchItem | None:
    done = DONE_STATES[batch.kind] | {State.FAILED}
    return (
        batch.items.exclude(state__in=done)
        .select_related("school_class__school", "school_class__school_year")
        .order_by("position")
        .first()
    )


def _finish_if_done(batch: SigningBatch) -> None:
    if not batch.items.exclude(state__in=DONE_STATES[batch.kind]).exists():
        batch.status = SigningBatch.Status.DONE
        batch.save(update_fields=["status", "updated_at"])


def _fail(item: BatchItem, error: Exception) -> None:
    item.state = State.FAILED
    item.error = str(error)
    item.stage = {}
    item.save(update_fields=["state", "error", "stage", "updated_at"])


def next_work(batch: SigningBatch) -> dict:
    """Advance the batch: the digests the agent must sign next, or progress.

    Returns {"work": {...}} when signatures are needed, else {"status": ...}.
    """
    if batch.status != SigningBatch.Status.OPEN:
        return {"status": status(batch)}
    item = _next_item(batch)
    if item is None:
        _finish_if_done(batch)
        return {"status": status(batch)}
    try:
        if item.state == State.SIGNED:  # the principal's: signed, sealed, to submit
            _submit(batch, item)
        elif batch.mode == SigningBatch.Mode.DEMO:
            _sign_with_demo_keys(batch, item)
        else:
            work = _prepare(batch, item)
            if work is None:
                return next_work(batch)
            return {"work": work, "status": status(batch)}
    except (RecordsError, RegistryError, BatchError) as exc:
        _fail(item, exc)
    _finish_if_done(batch)
    return {"status": status(batch)}


def _records_of(item: BatchItem):
    return actions.class_records(item.school_class)


def _prepare(batch: SigningBatch, item: BatchItem) -> dict | None:
    user, school_class = batch.user, item.school_class
    stage = dict(item.stage)
    if stage.get("want") == "seal" or not stage.get("chain"):
        return {
            "item": item.pk,
            "round": "certificate",
            "key": "seal" if stage.get("want") == "seal" else "personal",
            "class": school_class.name,
            "digests": [],
        }
    if item.state == State.LEADER_SIGNED:
        at = dt.datetime.fromisoformat(stage["signing_time"])
        digests = deferred.prepare_seal(
            user,
            _records_of(item),
            _chain_from_pem(stage["chain"]),
            {int(k): _b64(v) for k, v in stage["leader_values"].items()},
            _chain_from_pem(stage["seal_chain"]),
            at,
            issued_on=clock.now().date(),
        )
        stage["round"], key = "seal", "seal"
    else:
        at = clock.now().replace(microsecond=0)
        chain = _chain_from_pem(stage["chain"])
        if batch.kind == Kind.HOMEROOM:
            digests = deferred.prepare_homeroom(user, school_class, chain, at)
        elif batch.kind == Kind.SUBJECT:
            digests = deferred.prepare_subject_teacher(user, school_class, chain, at)
        else:
            digests = deferred.prepare_leader(user, _records_of(item), chain, at)
        stage["signing_time"] = at.isoformat()
        stage["round"] = "leader" if batch.kind == Kind.ISSUE else "signer"
        key = "personal"
    if not digests:  # nothing left to sign in this class, or nothing ready
        _refuse_if_nothing_ready(item)
        item.state, item.stage = State.SIGNED, {}
        item.save(update_fields=["state", "stage", "updated_at"])
        return None
    stage["digests"] = [d.as_json() for d in digests]
    if item.state == State.PENDING:
        item.state = State.PREPARED
    item.stage = stage
    item.save(update_fields=["state", "stage", "updated_at"])
    return {
        "item": item.pk,
        "round": stage["round"],
        "key": key,
        "class": school_class.name,
        "digests": [d["digest"] for d in stage["digests"]],
    }


def give_certificate(batch: SigningBatch, item_id: int, chain_pem: list[str]) -> dict:
    """The agent's certificate chain for the next round (personal key or seal)."""
    item = _item(batch, item_id)
    chain = _chain_from_pem(chain_pem)
    if not chain:
        raise BatchError(_("the signer's certificate is missing"))
    stage = dict(item.stage)
    if stage.get("want") == "seal":
        stage["seal_chain"] = chain_pem
        stage.pop("want")
        item.state = State.LEADER_SIGNED
    else:
        stage["chain"] = chain_pem
    item.stage = stage
    item.save(update_fields=["state", "stage", "updated_at"])
    return next_work(batch)


def give_signatures(
    batch: SigningBatch, item_id: int, round_name: str, signatures: list[str]
) -> dict:
    """The agent's values for the digests of the item's prepared round, in order."""
    item = _item(batch, item_id)
    stage = dict(item.stage)
    if stage.get("round") != round_name or "digests" not in stage:
        raise BatchError(_("this round was not prepared; ask for the next work"))
    digests = [_b64(d["digest"]) for d in stage["digests"]]
    if len(signatures) != len(digests):
        raise BatchError(
            _("%(given)s signatures for %(wanted)s digests")
            % {"given": len(signatures), "wanted": len(digests)}
        )
    values = [_b64(s) for s in signatures]
    at = dt.datetime.fromisoformat(stage["signing_time"])
    try:
        if round_name == "leader":
            _check_leader_values(batch, item, stage, values, at)
            return next_work(batch)
        chain = _chain_from_pem(stage["chain"])
        by_digest = dict(zip(digests, values, strict=True))
        if round_name == "seal":
            leader_by_record = {
                int(k): _b64(v) for k, v in stage["leader_values"].items()
            }
            leader_digests = {
                _b64(d["digest"]): leader_by_record[d["record"]]
                for d in stage["leader_digests"]
            }
            steps = deferred.complete_leader_and_seal(
                batch.user,
                _records_of(item),
                chain,
                leader_digests,
                _chain_from_pem(stage["seal_chain"]),
                by_digest,
                at,
                issued_on=clock.now().date(),
            )
        elif batch.kind == Kind.HOMEROOM:
            steps = deferred.complete_homeroom(
                batch.user, item.school_class, chain, by_digest, at
            )
        else:
            steps = deferred.complete_subject_teacher(
                batch.user, item.school_class, chain, by_digest, at
            )
    except (RecordsError, RegistryError) as exc:
        _fail(item, exc)
        return {"status": status(batch)}
    item.state, item.stage, item.error = State.SIGNED, {}, ""
    item.records = len({s.record_id for s in steps})
    item.save(update_fields=["state", "stage", "error", "records", "updated_at"])
    return next_work(batch)


def _check_leader_values(batch, item, stage, values, at) -> None:
    """First round of the principal's item: keep the leader's values, ask for the
    seal's certificate. prepare_seal checks every value against the certificate."""
    stage["leader_values"] = {
        str(d["record"]): base64.b64encode(v).decode("ascii")
        for d, v in zip(stage["digests"], values, strict=True)
    }
    stage["leader_digests"] = stage.pop("digests")
    stage["want"] = "seal"
    stage["round"] = "seal-certificate"
    item.stage = stage
    item.save(update_fields=["stage", "updated_at"])


def _sign_with_demo_keys(batch: SigningBatch, item: BatchItem) -> None:
    keys, user, school_class = demo_keys(), batch.user, item.school_class
    person = getattr(user, "person", None)
    if person is None:
        raise BatchError(_("this login is not linked to a member of staff"))
    at = clock.now().replace(microsecond=0)
    signer = keys.signer_for_person(person)
    signable = _records_of(item).filter(
        status__in=(RecordStatus.FINALISED, RecordStatus.SIGNING)
    )
    if batch.kind == Kind.ISSUE and not signable.exists():
        steps = []  # issued already: only the submission is left
    elif batch.kind == Kind.HOMEROOM:
        steps = actions.sign_as_homeroom_teacher(
            user, school_class, signer, signing_time=at
        )
    elif batch.kind == Kind.SUBJECT:
        steps = actions.sign_as_subject_teacher(
            user, school_class, signer, signing_time=at
        )
    else:
        steps = actions.sign_and_issue(
            user,
            _records_of(item),
            signer,
            keys.signer_for_school(school_class.school),
            signing_time=at,
            issued_on=at.date(),
        )
    if not steps:
        _refuse_if_nothing_ready(item)
    item.state, item.error = State.SIGNED, ""
    item.records = len({s.record_id for s in steps})
    item.save(update_fields=["state", "error", "records", "updated_at"])


def _refuse_if_nothing_ready(item: BatchItem) -> None:
    """A class whose records are all drafts fails with why, instead of ending
    "signed" with no record signed."""
    why = unready.nothing_ready(item.school_class)
    if why:
        raise BatchError(why)


def _submit(batch: SigningBatch, item: BatchItem) -> None:
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


def retry(batch: SigningBatch) -> dict:
    """Failed items back in the queue; the batch runs again."""
    batch.items.filter(state=State.FAILED).update(state=State.PENDING, error="")
    batch.status = SigningBatch.Status.OPEN
    batch.save(update_fields=["status", "updated_at"])
    return status(batch)


def _item(batch: SigningBatch, item_id) -> BatchItem:
    try:
        return batch.items.select_related("school_class").get(pk=int(item_id))
    except (BatchItem.DoesNotExist, TypeError, ValueError):
        raise BatchError(_("no such item in this batch")) from None


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, TypeError, ValueError):
        raise BatchError(_("a signature is not valid base64")) from None


def _chain_from_pem(chain_pem: list[str]) -> list[x509.Certificate]:
    certificates = []
    for pem in chain_pem or []:
        try:
            certificates += x509.load_pem_x509_certificates(pem.encode("ascii"))
        except (ValueError, UnicodeEncodeError, AttributeError):
            raise BatchError(_("the certificate is not a PEM certificate")) from None
    return certificates
