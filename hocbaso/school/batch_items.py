"""A signing batch's items: their states, what ends an item for each kind of
batch, the records of an item's class, and the error every step raises
(docs/school.md, "Signing from the page").
"""

from __future__ import annotations

from hocbaso.records import actions
from hocbaso.school import unready
from hocbaso.school.models import BatchItem, SigningBatch

State = BatchItem.State
Kind = SigningBatch.Kind
DONE_STATES = {
    Kind.SUBJECT: {State.SIGNED},
    Kind.HOMEROOM: {State.SIGNED},
    Kind.ISSUE: {State.SUBMITTED},
}


class BatchError(Exception):
    """A request about a batch that cannot be answered (bad input, wrong batch)."""


def records_of(item: BatchItem):
    return actions.class_records(item.school_class)


def refuse_if_nothing_ready(item: BatchItem) -> None:
    """A class whose records are all drafts fails with why, instead of ending
    "signed" with no record signed."""
    why = unready.nothing_ready(item.school_class)
    if why:
        raise BatchError(why)
