"""The signing agent's rounds of a batch item (docs/school.md, "Signing from the
page: hash out, signature in").

The server prepares the digests of the item's round (hocbaso.records.deferred_actions)
and the agent signs them on the teacher's computer; nothing from the client is
trusted: the certificates and values it gives are read here, and every check of the
records' actions applies when the round completes. The principal's item takes two
rounds: the leader's signatures, then the seal's.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt

from cryptography import x509
from django.utils.translation import gettext as _

from hocbaso.records import deferred_actions as deferred
from hocbaso.school import clock
from hocbaso.school.batch_items import (
    BatchError,
    Kind,
    State,
    records_of,
    refuse_if_nothing_ready,
)
from hocbaso.school.models import BatchItem, SigningBatch


def prepare_round(batch: SigningBatch, item: BatchItem) -> dict | None:
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
            records_of(item),
            chain_from_pem(stage["chain"]),
            {int(k): b64(v) for k, v in stage["leader_values"].items()},
            chain_from_pem(stage["seal_chain"]),
            at,
            issued_on=clock.now().date(),
        )
        stage["round"], key = "seal", "seal"
    else:
        at = clock.now().replace(microsecond=0)
        chain = chain_from_pem(stage["chain"])
        if batch.kind == Kind.HOMEROOM:
            digests = deferred.prepare_homeroom(user, school_class, chain, at)
        elif batch.kind == Kind.SUBJECT:
            digests = deferred.prepare_subject_teacher(user, school_class, chain, at)
        else:
            digests = deferred.prepare_leader(user, records_of(item), chain, at)
        stage["signing_time"] = at.isoformat()
        stage["round"] = "leader" if batch.kind == Kind.ISSUE else "signer"
        key = "personal"
    if not digests:  # nothing left to sign in this class, or nothing ready
        refuse_if_nothing_ready(item)
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


def check_leader_values(batch, item, stage, values, at) -> None:
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


def b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, TypeError, ValueError):
        raise BatchError(_("a signature is not valid base64")) from None


def chain_from_pem(chain_pem: list[str]) -> list[x509.Certificate]:
    certificates = []
    for pem in chain_pem or []:
        try:
            certificates += x509.load_pem_x509_certificates(pem.encode("ascii"))
        except (ValueError, UnicodeEncodeError, AttributeError):
            raise BatchError(_("the certificate is not a PEM certificate")) from None
    return certificates
