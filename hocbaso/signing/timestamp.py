"""RFC 3161 timestamps over a SignatureValue, kept as a XAdES SignatureTimeStamp.

Choice (documented in docs/packet.md): the timestamp is an unsigned property in a second
Object: xades:QualifyingProperties/UnsignedProperties/…/SignatureTimeStamp
(ETSI EN 319 132-1 §5.3.1, XAdES 1.3.2 §7.3). Its message imprint is the SHA-256 of the
canonical (C14N 1.0) ds:SignatureValue element. Verifiers that do not know XAdES ignore
the Object; ours uses the timestamp's genTime as a proven signing time.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from asn1crypto import cms, tsp
from cryptography import x509
from lxml import etree

from hocbaso.signing import xmldsig as X
from hocbaso.signing.algorithms import C14N_10, SignatureAlgorithm, is_valid_signature
from hocbaso.signing.errors import TimestampError

XADES_NS = "http://uri.etsi.org/01903/v1.3.2#"
TIMESTAMP_QUERY = "application/timestamp-query"  # RFC 3161 §3.4
_GRANTED = ("granted", "granted_with_mods")  # PKIStatus 0 and 1, RFC 3161 §2.4.2


class TimestampAuthority(Protocol):
    """A time-stamping authority: DER TimeStampReq in, DER TimeStampResp out."""

    def timestamp(self, request: bytes) -> bytes:
        """Answer one RFC 3161 request."""
        ...


class HttpTimestampAuthority:
    """An RFC 3161 TSA reached over HTTP (RFC 3161 §3.4), e.g. a licensed CA's."""

    def __init__(self, url: str, *, timeout: float = 10.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise TimestampError(f"a TSA URL must be http or https, not {url!r}")
        self._url = url
        self._timeout = timeout

    def timestamp(self, request: bytes) -> bytes:
        """POST the request; TimestampError on any network or HTTP failure."""
        # Imported here: verification reads timestamps and never needs HTTP.
        import urllib.request

        http_request = urllib.request.Request(  # noqa: S310 - scheme checked above
            self._url, data=request, headers={"Content-Type": TIMESTAMP_QUERY}
        )
        try:
            with urllib.request.urlopen(http_request, timeout=self._timeout) as answer:  # noqa: S310
                body: bytes = answer.read()
        except OSError as exc:
            raise TimestampError(
                f"the timestamp authority did not answer: {exc}"
            ) from exc
        return body


def request_timestamp(authority: TimestampAuthority, data: bytes) -> bytes:
    """A TimeStampToken (DER) over SHA-256(data), its nonce and imprint checked."""
    nonce = secrets.randbits(63)
    request = tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": _imprint(data),
            "nonce": nonce,
            "cert_req": True,
        }
    )
    try:
        response = tsp.TimeStampResp.load(authority.timestamp(request.dump()))
        status = response["status"]["status"].native
        token = response["time_stamp_token"]
        if status not in _GRANTED or not isinstance(token, cms.ContentInfo):
            raise TimestampError(f"the timestamp authority refused: {status}")
        if _tst_info(token)["nonce"].native != nonce:
            raise TimestampError("the timestamp answers another request (nonce)")
        token_der: bytes = token.dump()
    except (ValueError, KeyError, TypeError) as exc:
        raise TimestampError(
            f"the timestamp authority's answer is unreadable: {exc}"
        ) from exc
    read_timestamp(token_der, data)
    return token_der


def _imprint(data: bytes) -> tsp.MessageImprint:
    return tsp.MessageImprint(
        {
            "hash_algorithm": {"algorithm": "sha256"},
            "hashed_message": hashlib.sha256(data).digest(),
        }
    )


def _tst_info(token: cms.ContentInfo) -> tsp.TSTInfo:
    encap = token["content"]["encap_content_info"]
    if encap["content_type"].native != "tst_info":
        raise TimestampError("the token does not carry a TSTInfo")
    info: tsp.TSTInfo = encap["content"].parsed
    return info


@dataclass(frozen=True)
class TimestampInfo:
    """A checked timestamp: the time it proves and the TSA's certificates."""

    time: datetime
    tsa_certificate: x509.Certificate
    certificates: tuple[x509.Certificate, ...]


def read_timestamp(token_der: bytes, data: bytes) -> TimestampInfo:
    """Check a TimeStampToken against data; its time and the TSA's certificate.

    Checks the message imprint (RFC 3161 §2.4.2) and the CMS signature over the signed
    attributes, whose message-digest must be that of the TSTInfo (RFC 5652 §5.4). The
    TSA certificate's path to a trust anchor is for the caller to check.
    """
    try:
        token = cms.ContentInfo.load(token_der)
        info = _tst_info(token)
        if info["message_imprint"].dump() != _imprint(data).dump():
            raise TimestampError("the timestamp covers other data")
        signed_data = token["content"]
        certs = tuple(
            x509.load_der_x509_certificate(c.chosen.dump())
            for c in signed_data["certificates"]
        )
        signer_info = signed_data["signer_infos"][0]
        tsa_cert = _signer_certificate(signer_info, certs)
        _check_cms_signature(
            signer_info, signed_data["encap_content_info"]["content"].contents, tsa_cert
        )
        time: datetime = info["gen_time"].native
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise TimestampError(f"the timestamp token is unreadable: {exc}") from exc
    return TimestampInfo(time, tsa_cert, certs)


def _signer_certificate(
    signer_info: cms.SignerInfo, certs: tuple[x509.Certificate, ...]
) -> x509.Certificate:
    sid = signer_info["sid"].chosen
    for cert in certs:
        if (
            cert.serial_number == sid["serial_number"].native
            and cert.issuer.public_bytes() == sid["issuer"].dump()
        ):
            return cert
    raise TimestampError("the timestamp token lacks the TSA's certificate")


def _check_cms_signature(
    signer_info: cms.SignerInfo, content: bytes, cert: x509.Certificate
) -> None:
    attrs = {
        a["type"].native: a["values"][0].native for a in signer_info["signed_attrs"]
    }
    if attrs.get("message_digest") != hashlib.sha256(content).digest():
        raise TimestampError(
            "the timestamp's message digest does not match its TSTInfo"
        )
    signed = signer_info["signed_attrs"].untag().dump()
    algo = signer_info["signature_algorithm"].signature_algo
    value = signer_info["signature"].native
    method = (
        SignatureAlgorithm.RSA_SHA256
        if algo.startswith("rsa")
        else SignatureAlgorithm.ECDSA_SHA256
    )
    if method is SignatureAlgorithm.ECDSA_SHA256:
        from hocbaso.signing.algorithms import ecdsa_der_to_raw

        value = ecdsa_der_to_raw(value)
    if not is_valid_signature(cert.public_key(), method, signed, value):  # type: ignore[arg-type]
        raise TimestampError("the timestamp's signature does not verify")


def add_signature_timestamp(
    signature: etree._Element, authority: TimestampAuthority
) -> None:
    """Timestamp the SignatureValue and append the XAdES unsigned property Object."""
    value = signature.find(X.ds("SignatureValue"))
    assert value is not None
    token = request_timestamp(authority, X.canonicalize(value))
    obj = etree.SubElement(signature, X.ds("Object"))
    qualifying = etree.SubElement(
        obj,
        _x("QualifyingProperties"),
        Target="#" + signature.get(X.ID_ATTR, ""),
        nsmap={"xades": XADES_NS},
    )
    unsigned = etree.SubElement(
        etree.SubElement(qualifying, _x("UnsignedProperties")),
        _x("UnsignedSignatureProperties"),
    )
    stamp = etree.SubElement(unsigned, _x("SignatureTimeStamp"))
    etree.SubElement(stamp, X.ds("CanonicalizationMethod"), Algorithm=C14N_10)
    etree.SubElement(stamp, _x("EncapsulatedTimeStamp")).text = X.b64(token)


def find_signature_timestamp(signature: etree._Element) -> bytes | None:
    """The DER token of the signature's SignatureTimeStamp, if it has one."""
    found = signature.find(_TIMESTAMP_PATH)
    if found is None or not found.text:
        return None
    import base64

    return base64.b64decode(found.text)


def _x(name: str) -> str:
    return f"{{{XADES_NS}}}{name}"


_TIMESTAMP_PATH = "/".join(
    [
        X.ds("Object"),
        *map(
            _x,
            [
                "QualifyingProperties",
                "UnsignedProperties",
                "UnsignedSignatureProperties",
                "SignatureTimeStamp",
                "EncapsulatedTimeStamp",
            ],
        ),
    ]
)
