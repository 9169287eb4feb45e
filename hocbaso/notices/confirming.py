"""Confirming a family's address: a code mailed to it, typed back on the page.

The code is a keyed hash of the login and the address (``SECRET_KEY``), ten
characters of Crockford base32 (50 bits): nothing is stored, a code confirms only
that address for that login, and a changed address needs its own code. A code
typed on the page is compared in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hocbaso.notices.messages import Message
from hocbaso.notices.models import Kind, Preference
from hocbaso.notices.sending import send_once

_B32 = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
)
_TYPED = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def code_for(account_id: int, email: str) -> str:
    key = f"hocbaso-notices-confirm:{settings.SECRET_KEY}".encode()
    mac = hmac.new(key, f"{account_id}\x1f{email}".encode(), hashlib.sha256)
    raw = base64.b32encode(mac.digest()).decode()[:10].translate(_B32)
    return f"{raw[:5]}-{raw[5:]}"


def matches(pref: Preference, typed: str) -> bool:
    cleaned = "".join((typed or "").split()).replace("-", "").upper()
    expected = code_for(pref.account_id, pref.email).replace("-", "")
    return bool(pref.email) and hmac.compare_digest(cleaned.translate(_TYPED), expected)


def send_code(account_id: int, email: str) -> dict:
    """Mail the code to the address, once an hour at most per login and address
    (saving the form again must not flood the address)."""
    pref = Preference.objects.filter(account_id=account_id, email=email).first()
    if pref is None or pref.is_confirmed:
        return {"skipped": "address changed or confirmed meanwhile"}
    hour = timezone.localtime().strftime("%Y%m%d%H")
    digest = hashlib.sha256(email.encode()).hexdigest()[:24]
    sent = send_once(
        f"confirm:{account_id}:{digest}:{hour}",
        Kind.CONFIRM,
        email,
        _message(code_for(account_id, email)),
        account_id=account_id,
    )
    return {"sent": int(sent)}


def _message(code: str) -> Message:
    with translation.override(settings.LANGUAGE_CODE):
        return Message(
            _("Học bạ số: the code that confirms your address"),
            _(
                "Your confirmation code is %(code)s. Type it on the 'E-mail "
                "notices' page of Học bạ số to start receiving notices at this "
                "address.\n\nIf you did not ask for it, ignore this message: "
                "nothing is sent to this address without the code."
            )
            % {"code": code},
        )
