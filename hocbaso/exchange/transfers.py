"""Transfers of a transcript to a school of another province (R15), directly
between the two departments, each message signed with its sender's exchange key.

1. consent: the parent's consent, a token signed by the sending department
   (``issue_consent``; the citizen share codes of hocbaso.portal.citizen take its
   place once they exist), naming the student, the level and the receiving school;
2. request (receiving department → sending): ``request_transfer`` sends it with the
   consent; the sending department checks both signatures and records the
   registry's transfer request (its ledger: transcript:transfer-request);
3. release (sending school): the registry's ``release_transfer`` by the school's
   staff, then ``send_transcript`` delivers every locked signed record of the
   transcript with a signed manifest;
4. the receiving department verifies every packet, takes the transcript in (the
   student, the transcript with its lookup code, the signed records carried as they
   are) and records request, release and acknowledgement in its own registry and
   ledger; its signed acknowledgement lets the sending registry acknowledge, so
   ``Transcript.school`` becomes the receiving school on both sides.

Both sides share ``transfer_messages``; the receiving department's steps are in
``transfer_receiving``, the sending department's in ``transfer_sending``.
"""

from __future__ import annotations

from hocbaso.exchange.transfer_messages import (
    CONSENT_DAYS,
    PACKAGES_PATH,
    REQUESTS_PATH,
    issue_consent,
)
from hocbaso.exchange.transfer_receiving import request_transfer, take_in
from hocbaso.exchange.transfer_sending import receive_request, send_transcript

__all__ = [
    "CONSENT_DAYS",
    "PACKAGES_PATH",
    "REQUESTS_PATH",
    "issue_consent",
    "receive_request",
    "request_transfer",
    "send_transcript",
    "take_in",
]
