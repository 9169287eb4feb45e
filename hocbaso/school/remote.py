"""A signing batch run with remote credentials (CSC API v2) instead of the agent.

The server plays the page's part of the agent's flow (batches.py) with
hocbaso.records.remote_signing: certificate rounds need no confirmation, and at
most one round of signatures is signed per call, since one OTP confirms one
authorization. The answer then says what the page must ask for next (``need``):
a new OTP (``key`` personal or seal) or the seal's credential id. A refusal
(wrong OTP, an expired confirmation, another key's signature, the service down)
raises RemoteSigningError and leaves the item prepared: the same call with a new
OTP carries on.
"""

from __future__ import annotations

from hocbaso.records import remote_signing
from hocbaso.school import batches
from hocbaso.school.models import SigningBatch


def run_remote(
    batch: SigningBatch,
    user,
    *,
    credential: str,
    seal_credential: str = "",
    otp: str = "",
    pin: str = "",
) -> dict:
    """Advance the batch with the user's credential (and the school's, to seal)
    until it ends or needs the page: {"status", "work"?, "need"?, "key"?}."""
    credentials = {"personal": credential.strip(), "seal": seal_credential.strip()}
    otp_left = bool(otp.strip())
    answer = batches.next_work(batch)
    for _ in range(4 * batch.items.count() + 4):  # each turn ends a round or an item
        work = answer.get("work")
        if work is None:
            if _finished(answer["status"]):
                return answer
            answer = batches.next_work(batch)  # a submission, or the next item
            continue
        chosen = credentials.get(work["key"], "")
        if not chosen:
            need = "seal_credential" if work["key"] == "seal" else "credential"
            return {**answer, "need": need}
        school = batch.school if work["key"] == "seal" else None
        if work["round"] == "certificate":
            chain = remote_signing.credential_chain(user, chosen, seal_of=school)
            answer = batches.give_certificate(batch, work["item"], chain)
            continue
        if not otp_left:  # one OTP confirms one round: the page asks for another
            return {**answer, "need": "otp", "key": work["key"]}
        values = remote_signing.sign_digests(
            user, chosen, work["digests"], otp=otp, pin=pin or None, seal_of=school
        )
        otp_left = False
        answer = batches.give_signatures(batch, work["item"], work["round"], values)
    return answer


def _finished(status: dict) -> bool:
    return (
        status["status"] != "open"
        or status["done"] + status["failed"] >= (status["total"])
    )
