"""Remote signing for the school pages: a teacher's credential at a CSC v2 service.

The teacher's key is at their provider (hocbaso.signing.remote), not on a token on
their computer, so the server calls the service where the page would call the
signing agent; the rest of the batch is the agent's flow (hocbaso/school/batches.py):

    round "certificate":  chain = credential_chain(user, credential_id)
                          batches.give_certificate(batch, item_id, chain)
    a round of digests:   values = sign_digests(user, credential_id, work["digests"],
                                                otp=otp, pin=pin)
                          batches.give_signatures(batch, item_id, round, values)

For the seal's rounds pass ``seal_of=school`` (the school's organisation credential).
The credential's certificate must be registered to the user's person (the school, for
the seal) before any OTP is spent, and give_signatures then checks every value and
the registration again, exactly as for the agent (deferred_actions). A
RemoteSigningError (wrong OTP, expired authorization, another key's signature, a
service down) writes nothing: the item stays prepared; show ``message_for(exc)``,
ask for a new OTP and call sign_digests again with the same work.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.utils.translation import gettext as _

from hocbaso.records import signing_steps as steps
from hocbaso.records.deferred_actions import ReplaySigner
from hocbaso.records.models import School
from hocbaso.signing.csc import CscClient, RemoteErrorCode, RemoteSigningError
from hocbaso.signing.remote import CscSigner

Code = RemoteErrorCode


def is_enabled() -> bool:
    """Whether this installation offers remote signing (HOCBASO_CSC_URL is set)."""
    return bool(getattr(settings, "HOCBASO_CSC_URL", ""))


def csc_client() -> CscClient:
    """The configured provider's client; BAD_CONFIGURATION when it is off."""
    if not is_enabled():
        raise RemoteSigningError(Code.BAD_CONFIGURATION)
    return CscClient(
        settings.HOCBASO_CSC_URL,
        client_id=settings.HOCBASO_CSC_CLIENT_ID,
        client_secret=settings.HOCBASO_CSC_CLIENT_SECRET,
        timeout=settings.HOCBASO_CSC_TIMEOUT_SECONDS,
    )


def credential_chain(
    user,
    credential_id: str,
    *,
    seal_of: School | None = None,
    client: CscClient | None = None,
) -> list[str]:
    """The credential's certificate chain as PEM, once its certificate is known to be
    registered to the user's person (to ``seal_of``, for the seal).

    Raises RemoteSigningError, or CertificateNotRegisteredError / NotAllowedToSign
    Error (RecordsError) when the credential is someone else's.
    """
    remote = _owned_signer(user, credential_id, seal_of, client)
    return [
        c.public_bytes(serialization.Encoding.PEM).decode("ascii")
        for c in remote.certificate_chain
    ]


def sign_digests(
    user,
    credential_id: str,
    digests: Sequence[str],
    *,
    otp: str,
    pin: str | None = None,
    seal_of: School | None = None,
    client: CscClient | None = None,
) -> list[str]:
    """The credential's signatures (base64) of a round's digests (base64), in order,
    confirmed with one OTP; each value already checked against its certificate."""
    raw = [_digest(n, d) for n, d in enumerate(digests, 1)]
    remote = _owned_signer(user, credential_id, seal_of, client)
    values = remote.sign_digests(raw, otp=otp.strip(), pin=pin or None)
    return [base64.b64encode(v).decode("ascii") for v in values]


def _owned_signer(
    user, credential_id: str, seal_of: School | None, client: CscClient | None
) -> CscSigner:
    remote = CscSigner(client or csc_client(), credential_id.strip())
    chain: tuple[x509.Certificate, ...] = remote.certificate_chain
    if seal_of is not None:
        steps.registered_to(ReplaySigner(chain, {}), school=seal_of)
    else:
        steps.registered_to(ReplaySigner(chain, {}), person=steps.person_of(user))
    return remote


def _digest(position: int, text: str) -> bytes:
    try:
        value = base64.b64decode(text, validate=True)
    except (binascii.Error, TypeError, ValueError):
        value = b""
    if len(value) != 32:
        raise RemoteSigningError(Code.BAD_DIGEST, position=position)
    return value


def message_for(error: RemoteSigningError) -> str:
    """One Vietnamese sentence for the page (via gettext), naming what is wrong."""
    params = {key: "" for key in _PARAMETERS} | dict(error.params)
    if error.code is Code.BAD_DIGEST and not params.get("position"):
        return _("There is no digest to sign.")
    return _MESSAGES.get(error.code, _service_refused)() % params


_PARAMETERS = ("host", "step", "detail", "position", "credential", "limit", "count")


def _service_refused() -> str:
    return _("The remote signing service refused: %(detail)s")


_MESSAGES = {
    Code.SERVICE_UNAVAILABLE: lambda: _(
        "The remote signing service %(host)s cannot be reached; nothing was signed."
        " Try again in a moment."
    ),
    Code.SERVICE_ERROR: lambda: _(
        "The remote signing service gave an unusable answer (%(step)s);"
        " nothing was signed."
    ),
    Code.SERVICE_REFUSED: _service_refused,
    Code.CLIENT_REFUSED: lambda: _(
        "The remote signing service does not accept this system's client id or"
        " secret; tell the administrator."
    ),
    Code.CREDENTIAL_NOT_FOUND: lambda: _(
        "The remote signing service has no certificate with this credential id;"
        " check the id."
    ),
    Code.WRONG_OTP: lambda: _(
        "The one-time code (OTP) is wrong or was already used; nothing was signed."
        " Enter the new code shown on your phone."
    ),
    Code.WRONG_PIN: lambda: _(
        "The PIN of the signing certificate is wrong; nothing was signed."
    ),
    Code.ACCESS_DENIED: lambda: _(
        "The remote signing service refuses this certificate (locked after repeated"
        " wrong codes, or disabled); nothing was signed."
    ),
    Code.AUTHORIZATION_EXPIRED: lambda: _(
        "The signing confirmation has expired; nothing was signed. Enter a new OTP"
        " to sign again."
    ),
    Code.SIGNATURE_MISMATCH: lambda: _(
        "Signature %(position)s returned by the remote signing service does not"
        " match the certificate of credential %(credential)s; nothing was signed."
    ),
    Code.UNSUPPORTED_KEY: lambda: _(
        "The certificate's key is neither RSA nor ECDSA P-256; it cannot sign"
        " transcripts."
    ),
    Code.TOO_MANY_HASHES: lambda: _(
        "The certificate allows %(limit)s signatures per confirmation; this class"
        " needs %(count)s."
    ),
    Code.BAD_DIGEST: lambda: _("Digest %(position)s is not a SHA-256 digest."),
    Code.BAD_CONFIGURATION: lambda: _(
        "Remote signing is not configured on this system."
    ),
}
