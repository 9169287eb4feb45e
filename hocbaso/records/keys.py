"""Server-held demo keys: the files ``hocbaso pki demo`` writes, and signers from them.

Only for the demo and the tests: real teachers sign on their own tokens or through a
remote-signing service (domain.md §8). Layout under the key directory (never inside
the repository; every private key file has mode 0600, every directory 0700):

    ca/root.key.pem  ca/root.crt.pem  ca/issuing.key.pem  ca/issuing.crt.pem
    people/<personal id>.key.pem   people/<personal id>.crt.pem   (certificate, CA)
    schools/<school code>.key.pem  schools/<school code>.crt.pem
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.utils.translation import gettext as _

from hocbaso.records.errors import RecordSigningError
from hocbaso.records.models import Person, School
from hocbaso.signing import KeyFileSigner, SigningError
from hocbaso.signing.pki import CertificateAuthority, Credential, DemoPki

_PEM = serialization.Encoding.PEM


@dataclass(frozen=True)
class KeyPair:
    """Where one owner's key and certificate chain are kept."""

    key: Path
    chain: Path

    def exists(self) -> bool:
        return self.key.is_file() and self.chain.is_file()

    def certificate(self) -> x509.Certificate:
        """The owner's certificate (the first of the chain file)."""
        return x509.load_pem_x509_certificates(self.chain.read_bytes())[0]

    def signer(self) -> KeyFileSigner:
        """A signer with the key loaded once; RecordSigningError if unusable."""
        try:
            return KeyFileSigner.from_pem(
                self.key.read_bytes(), self.chain.read_bytes()
            )
        except (OSError, SigningError) as exc:
            raise RecordSigningError(
                _("the demo key %(path)s cannot be used: %(error)s")
                % {"path": self.key, "error": exc}
            ) from exc

    def write(self, credential: Credential) -> None:
        """Write the key (mode 0600) and the chain; an older pair is replaced."""
        key = credential.key.private_bytes(
            _PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        write_private(self.key, key)
        self.chain.write_bytes(b"".join(c.public_bytes(_PEM) for c in credential.chain))


def write_private(path: Path, data: bytes) -> None:
    """Write a secret readable by its owner only (mode 0600, even if it existed)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        os.fchmod(fh.fileno(), 0o600)
        fh.write(data)


class KeyDirectory:
    """The demo key directory (default ``DATA_DIR / "pki"``)."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def person(self, person: Person) -> KeyPair:
        return self._pair("people", person.personal_id)

    def school(self, school: School) -> KeyPair:
        return self._pair("schools", school.code)

    def signer_for_person(self, person: Person) -> KeyFileSigner:
        """The server-held signer of a person; RecordSigningError if there is none."""
        return self._signer(self.person(person), person.full_name)

    def signer_for_school(self, school: School) -> KeyFileSigner:
        """The server-held seal of a school; RecordSigningError if there is none."""
        return self._signer(self.school(school), school.name)

    def _signer(self, pair: KeyPair, owner: str) -> KeyFileSigner:
        if not pair.exists():
            raise RecordSigningError(
                _("no demo key for %(owner)s in %(path)s: run 'hocbaso pki demo'")
                % {"owner": owner, "path": self.root}
            )
        return pair.signer()

    def _pair(self, kind: str, name: str) -> KeyPair:
        folder = self.root / kind
        return KeyPair(folder / f"{name}.key.pem", folder / f"{name}.crt.pem")

    def prepare(self) -> None:
        """Create the directories, readable by their owner only."""
        for folder in (self.root, self.root / "ca", self.root / "people"):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        (self.root / "schools").mkdir(mode=0o700, exist_ok=True)

    def load_ca(self, now: datetime | None = None) -> DemoPki | None:
        """The demo CA kept here, or None if there is none yet."""
        root, issuing = self._pair("ca", "root"), self._pair("ca", "issuing")
        if not (root.exists() and issuing.exists()):
            return None
        now = now or datetime.now(UTC)
        return DemoPki(
            CertificateAuthority(_credential(root), now),
            CertificateAuthority(_credential(issuing), now),
        )

    def save_ca(self, pki: DemoPki) -> None:
        """Keep the root and issuing CA keys (0600) to issue more certificates later."""
        self._pair("ca", "root").write(pki.root.credential)
        self._pair("ca", "issuing").write(pki.issuing.credential)


def _credential(pair: KeyPair) -> Credential:
    key = serialization.load_pem_private_key(pair.key.read_bytes(), None)
    chain = x509.load_pem_x509_certificates(pair.chain.read_bytes())
    return Credential(chain[0], key, tuple(chain[1:]))  # type: ignore[arg-type]
