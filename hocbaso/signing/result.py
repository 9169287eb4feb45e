"""What verification answers: a status, the checks behind it, and the signatures seen.

Reasons are English sentences marked with _() for later translation (gettext_noop
style): the portal shows them to verifiers, so each says what is wrong in plain words.
A reason with values is a Reason: the template is the msgid, the values are kept
apart, and the boundary translates the one and fills in the other (in_language).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from cryptography import x509

from hocbaso.packet import RecordSnapshot
from hocbaso.signing.errors import VerificationFailedError
from hocbaso.signing.roles import Role


class Reason(str):
    """A reason: the English sentence, keeping its template and values apart.

    ``str(reason)`` is the sentence filled in (logs, ``raise_for_status``, tests);
    a boundary calls ``in_language(gettext)`` to translate the template first and
    fill it in after, so a sentence with a certificate's name or an element's Id
    still finds its translation (the templates are the catalogue's msgids).
    """

    template: str
    params: dict[str, str]

    def __new__(cls, template: str, **params: object) -> Reason:
        values = {key: _kept(value) for key, value in params.items()}
        reason = super().__new__(cls, template.format(**values) if values else template)
        reason.template = template
        reason.params = values
        return reason

    def format(self, *args: object, **params: object) -> Reason:
        """``_("… {x} …").format(x=…)`` keeps the template: a new Reason."""
        if args:
            raise TypeError("a reason's values are named")
        return Reason(self.template, **params)

    def in_language(self, translate: Callable[[str], str]) -> str:
        """The template translated by ``translate``, then filled in; a value that
        is itself a Reason is translated the same way."""
        # only a nested Reason is translated: a certificate's name is data
        values = {
            key: value.in_language(translate) if isinstance(value, Reason) else value
            for key, value in self.params.items()
        }
        try:
            return translate(self.template).format(**values)
        except (KeyError, IndexError, ValueError):  # a translation that lost a value
            return self.template.format(**values)

    def __reduce__(self) -> tuple[object, ...]:
        return (_reason, (self.template, self.params))


def _reason(template: str, params: dict[str, str]) -> Reason:
    return Reason(template, **params)


def _kept(value: object) -> str:
    """A value as text; a Reason stays one so that it is translated too."""
    return value if isinstance(value, Reason) else str(value)


def in_language(reason: str, translate: Callable[[str], str]) -> str:
    """Any reason in the reader's language: a Reason by its template, a plain
    sentence (an exception's message) translated as it is."""
    if isinstance(reason, Reason):
        return reason.in_language(translate)
    return translate(reason) if reason else reason


def _(message: str) -> Reason:
    """Mark a message for translation; translated where it is shown, not here.

    The same message gives the same Reason, made once: a reason does not change
    (``format`` makes a new one), and a packet's verification passes a hundred
    checks with fixed sentences. The messages are the code's literals; bounded
    all the same."""
    found = _MARKED.get(message)
    if found is None:
        found = Reason(message)
        if len(_MARKED) < _MAX_MARKED:
            _MARKED[message] = found
    return found


_MARKED: dict[str, Reason] = {}
_MAX_MARKED = 1000


def role_name(role: Role) -> Reason:
    """The role as a reader names it, a Reason of its own: a sentence that names
    a role takes it as a value and is read with it in the reader's language."""
    return _ROLE_NAMES[role]


_ROLE_NAMES = {
    Role.SUBJECT_TEACHER: _("subject teacher"),
    Role.HOMEROOM_TEACHER: _("homeroom teacher"),
    Role.LEADER: _("principal"),
    Role.SEAL: _("school seal"),
}


def listing(reasons: list[Reason], separator: str = "; ") -> Reason:
    """Several reasons as one, each read in the reader's language."""
    template = separator.join(f"{{r{i}}}" for i in range(len(reasons)))
    return Reason(template, **{f"r{i}": r for i, r in enumerate(reasons)})


class Status(enum.StrEnum):
    """valid, invalid, or cannot determine: a verifier says which, with reasons."""

    VALID = "valid"
    INVALID = "invalid"
    INDETERMINATE = "indeterminate"


@dataclass(frozen=True, slots=True)
class Check:
    """One check: its name, whether it passed, and why.

    A failed check with indeterminate=True only means "cannot determine" (an unknown
    CA, no revocation data); any other failure makes the packet invalid.
    """

    name: str
    ok: bool
    reason: str
    signature_id: str | None = None
    indeterminate: bool = False


@dataclass(frozen=True, slots=True)
class SignatureReport:
    """One signature as found: who signed in which role, and when."""

    signature_id: str
    role: Role
    identifier: str
    signer: str
    signing_time: datetime | None
    timestamped: bool


@dataclass(frozen=True)
class VerificationResult:
    """The answer for one packet; the snapshot when the packet could be read."""

    status: Status
    checks: tuple[Check, ...]
    signatures: tuple[SignatureReport, ...] = ()
    snapshot: RecordSnapshot | None = None

    @property
    def failures(self) -> tuple[Check, ...]:
        """The checks that did not pass."""
        return tuple(c for c in self.checks if not c.ok)

    def raise_for_status(self) -> None:
        """Raise VerificationFailedError with the reasons unless the status is valid."""
        if self.status is Status.VALID:
            return
        reasons = "; ".join(f"{c.name}: {c.reason}" for c in self.failures)
        raise VerificationFailedError(f"the packet is {self.status.value}: {reasons}")


def status_of(checks: list[Check]) -> Status:
    """Invalid if a check failed outright, else indeterminate if one could not tell."""
    # One pass over the hundred-odd checks of a packet, then the few failures.
    failed = [c for c in checks if not c.ok]
    if not failed:
        return Status.VALID
    if any(not c.indeterminate for c in failed):
        return Status.INVALID
    return Status.INDETERMINATE


@dataclass(frozen=True, slots=True)
class RoleContext:
    """What a role binding needs: the slot's identifier, record and signing time."""

    role: Role
    identifier: str
    snapshot: RecordSnapshot
    signing_time: datetime


@dataclass(frozen=True, slots=True)
class BindingDecision:
    """A role binding's answer with its reason."""

    bound: bool
    reason: str = ""


class RoleBinding(Protocol):
    """Decides whether certificate belonged to whoever held role for that record then.

    The records layer implements it from the certificates registered to people
    (domain.md §8); the default, bind_by_subject_identifier, reads the subject.
    """

    def __call__(
        self, role: Role, certificate: x509.Certificate, context: RoleContext
    ) -> bool | BindingDecision: ...


def bind_by_subject_identifier(
    role: Role, certificate: x509.Certificate, context: RoleContext
) -> BindingDecision:
    """Bound when a subject UID or serialNumber ends in the slot's identifier.

    Vietnamese CAs write the personal id as UID "CCCD:<12 digits>" and an
    organisation's code as "MST:…"/"MNS:…"; the part after the last colon is compared.
    """
    if context.identifier in _subject_identifiers(certificate):
        return BindingDecision(True, _("the certificate names the signer of this role"))
    return BindingDecision(
        False, _("the certificate does not name {who}").format(who=context.identifier)
    )


# The same few certificates sign thousands of packets: what their subjects name is
# read once per certificate (x509 Name lookups cost more than the rest of the
# binding). Bounded against a flood of strangers.
_IDENTIFIERS: dict[x509.Certificate, frozenset[str]] = {}
_MAX_IDENTIFIERS = 20_000


def _subject_identifiers(certificate: x509.Certificate) -> frozenset[str]:
    """What follows the last colon of each subject UID and serialNumber."""
    found = _IDENTIFIERS.get(certificate)
    if found is None:
        oids = (x509.NameOID.USER_ID, x509.NameOID.SERIAL_NUMBER)
        found = frozenset(
            str(a.value).rsplit(":", 1)[-1]
            for oid in oids
            for a in certificate.subject.get_attributes_for_oid(oid)
        )
        if len(_IDENTIFIERS) >= _MAX_IDENTIFIERS:
            _IDENTIFIERS.clear()
        _IDENTIFIERS[certificate] = found
    return found
