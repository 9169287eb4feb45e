"""Signing a batch item on the server with the demo keys (docs/school.md, "The
demo"): allowed only where HOCBASO_DEMO_SIGNING is set.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from hocbaso.records import actions
from hocbaso.records.keys import KeyDirectory
from hocbaso.records.models import RecordStatus
from hocbaso.school import clock
from hocbaso.school.batch_items import (
    BatchError,
    Kind,
    State,
    records_of,
    refuse_if_nothing_ready,
)
from hocbaso.school.models import BatchItem, SigningBatch


def demo_keys_allowed() -> bool:
    return bool(getattr(settings, "HOCBASO_DEMO_SIGNING", False))


def demo_keys() -> KeyDirectory:
    return KeyDirectory(settings.DATA_DIR / "pki")


def sign_with_demo_keys(batch: SigningBatch, item: BatchItem) -> None:
    keys, user, school_class = demo_keys(), batch.user, item.school_class
    person = getattr(user, "person", None)
    if person is None:
        raise BatchError(_("this login is not linked to a member of staff"))
    at = clock.now().replace(microsecond=0)
    signer = keys.signer_for_person(person)
    signable = records_of(item).filter(
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
            records_of(item),
            signer,
            keys.signer_for_school(school_class.school),
            signing_time=at,
            issued_on=at.date(),
        )
    if not steps:
        refuse_if_nothing_ready(item)
    item.state, item.error = State.SIGNED, ""
    item.records = len({s.record_id for s in steps})
    item.save(update_fields=["state", "error", "records", "updated_at"])
