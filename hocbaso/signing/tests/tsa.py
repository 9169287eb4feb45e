"""A local RFC 3161 time-stamping authority for the tests (in process, or over HTTP)."""

from __future__ import annotations

import hashlib
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, HTTPServer

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from hocbaso.signing.pki import Credential


class LocalTimestampAuthority:
    """Answers TimeStampReq with a token signed by credential, at a fixed time."""

    def __init__(self, credential: Credential, at: datetime) -> None:
        self.credential = credential
        self.at = at
        self.requests = 0

    def timestamp(self, request: bytes) -> bytes:
        self.requests += 1
        req = tsp.TimeStampReq.load(request)
        info = tsp.TSTInfo(
            {
                "version": 1,
                "policy": "1.2.3.4.1",
                "message_imprint": req["message_imprint"],
                "serial_number": self.requests,
                "gen_time": self.at,
                "nonce": req["nonce"],
            }
        )
        token = self._sign(info)
        return tsp.TimeStampResp(
            {"status": {"status": "granted"}, "time_stamp_token": token}
        ).dump()

    def _sign(self, info: tsp.TSTInfo) -> cms.ContentInfo:
        content = info.dump()
        cert = asn1_x509.Certificate.load(
            self.credential.certificate.public_bytes(serialization.Encoding.DER)
        )
        signed_attrs = cms.CMSAttributes(
            [
                cms.CMSAttribute({"type": "content_type", "values": ["tst_info"]}),
                cms.CMSAttribute(
                    {
                        "type": "message_digest",
                        "values": [hashlib.sha256(content).digest()],
                    }
                ),
            ]
        )
        to_sign = signed_attrs.dump()
        key = self.credential.key
        if isinstance(key, rsa.RSAPrivateKey):
            signature, algo = (
                key.sign(to_sign, padding.PKCS1v15(), hashes.SHA256()),
                "sha256_rsa",
            )
        else:
            assert isinstance(key, ec.EllipticCurvePrivateKey)
            signature, algo = (
                key.sign(to_sign, ec.ECDSA(hashes.SHA256())),
                "sha256_ecdsa",
            )
        signer = cms.SignerInfo(
            {
                "version": "v1",
                "sid": cms.SignerIdentifier(
                    {
                        "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                            {"issuer": cert.issuer, "serial_number": cert.serial_number}
                        )
                    }
                ),
                "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
                "signed_attrs": signed_attrs,
                "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": algo}),
                "signature": signature,
            }
        )
        signed_data = cms.SignedData(
            {
                "version": "v3",
                "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
                "encap_content_info": {
                    "content_type": "tst_info",
                    "content": core.ParsableOctetString(content),
                },
                # the TSA's chain, as licensed TSAs send it: a verifier years
                # later builds the path of the last document timestamp from it
                "certificates": [cert, *self._intermediates()],
                "signer_infos": [signer],
            }
        )
        return cms.ContentInfo({"content_type": "signed_data", "content": signed_data})

    def _intermediates(self) -> list[asn1_x509.Certificate]:
        der = serialization.Encoding.DER
        return [
            asn1_x509.Certificate.load(c.public_bytes(der))
            for c in self.credential.intermediates
        ]


class HttpTimestampServer:
    """The local TSA behind http.server on 127.0.0.1 (RFC 3161 §3.4)."""

    def __init__(self, authority: LocalTimestampAuthority) -> None:
        tsa = authority

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.headers["Content-Type"] != "application/timestamp-query":
                    self.send_error(415)
                    return
                answer = tsa.timestamp(body)
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/tsa"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HttpTimestampServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
