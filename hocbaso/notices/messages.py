"""The words of each notice, in the site's language (Vietnamese).

A message names the pupil and the event, and nothing else about the pupil: never
the lookup code, a share code, the date of birth, an identification number, the
class, marks or results, nor a correction's reason (which may quote the wrong
data); only staff messages name the school, the one they act for. Text typed by a
reader (organisation, purpose) or by a family (whom a share code was given to) is
cut short, and runs that look like a code, an identification number, a date of
birth or a link are replaced, since whoever typed it chose what the family would
read (``reader_text``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

READER_TEXT_MAX = 120
HIDDEN = "[…]"
# A word that could be part of a code or number: it holds a digit, or is four or
# more hexadecimal letters. Runs of such words, whatever separates them, are read
# as one value (a lookup code typed in groups, a date, a phone number).
_WORD = r"(?:[0-9A-Za-z]*[0-9][0-9A-Za-z]*|[A-Fa-f]{4,})"
_RUN = re.compile(rf"(?<!\w){_WORD}(?:[\s\-_./:+]+{_WORD})*(?!\w)")
_SEPARATORS = re.compile(r"[\s\-_./:+]")
_SCHOOL_YEAR = re.compile(r"(?:19|20)\d\d\s*[-/]\s*(?:19|20)\d\d")
_LINK_OR_ADDRESS = re.compile(r"(?i)\S*(?:://|www\.|@)\S*")


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def reader_text(text: str) -> str:
    """Free text someone else typed, safe to quote in a family's message."""
    text = " ".join((text or "").split())[:READER_TEXT_MAX]
    text = _LINK_OR_ADDRESS.sub(HIDDEN, text)
    return _RUN.sub(_hide_values, text) or _("(left empty)")


def _hide_values(match: re.Match) -> str:
    run = match.group(0)
    if _SCHOOL_YEAR.fullmatch(run):
        return run
    compact = _SEPARATORS.sub("", run)
    digits = sum(c.isdigit() for c in compact)
    if digits >= 6 or (len(compact) >= 12 and digits):
        return HIDDEN  # identification numbers, dates, phone numbers, codes
    if len(compact) >= 16:
        return HIDDEN  # a code of hexadecimal letters only
    return run


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def _page(path: str) -> str:
    base = settings.HOCBASO_PUBLIC_URL
    return f"{base}{path}" if base else ""


def _family(subject: str, body: str, words: dict) -> Message:
    link = _page("/me/")
    footer = _(
        "You receive this because your e-mail address is set on your transcripts "
        "page (Học bạ số). Choose which notices you receive there, under "
        "'E-mail notices'."
    )
    lines = [body % words, ""]
    if link:
        lines.append(link)
    lines.append(footer)
    return Message(subject % words, "\n".join(lines))


def _in_language(build):
    def wrapped(*args, **kwargs) -> Message:
        with translation.override(settings.LANGUAGE_CODE):
            return build(*args, **kwargs)

    wrapped.__name__ = build.__name__
    wrapped.__doc__ = build.__doc__
    return wrapped


@_in_language
def effective(pupil: str, year: str, at: dt.datetime) -> Message:
    words = {"pupil": pupil, "year": year, "at": local(at)}
    return _family(
        _("%(pupil)s: the transcript of school year %(year)s is effective"),
        _(
            "The school year %(year)s record of %(pupil)s was locked in the "
            "department's registry at %(at)s. From then on it is effective and "
            "no longer changes; an error found later is corrected only by a new "
            "version, by decision."
        ),
        words,
    )


@_in_language
def lookup(pupil: str, organisation: str, purpose: str, at: dt.datetime) -> Message:
    words = {
        "pupil": pupil,
        "organisation": reader_text(organisation),
        "purpose": reader_text(purpose),
        "at": local(at),
    }
    return _family(
        _("%(pupil)s: the transcript was looked up"),
        _(
            "At %(at)s someone holding the lookup code looked up the transcript "
            "of %(pupil)s.\nOrganisation given: %(organisation)s\nPurpose given: "
            "%(purpose)s\nIf you did not give the code to anyone, ask the school "
            "for help. Every access is listed on your transcripts page."
        ),
        words,
    )


@_in_language
def share_used(
    pupil: str, recipient: str, organisation: str, purpose: str, at: dt.datetime
) -> Message:
    words = {
        "pupil": pupil,
        "recipient": reader_text(recipient),
        "organisation": reader_text(organisation),
        "purpose": reader_text(purpose),
        "at": local(at),
    }
    return _family(
        _("%(pupil)s: a share code was used"),
        _(
            "At %(at)s the share code you gave to %(recipient)s was used to read "
            "the transcript of %(pupil)s.\nOrganisation given: %(organisation)s\n"
            "Purpose given: %(purpose)s\nYou can revoke the code on your "
            "transcripts page."
        ),
        words,
    )


@_in_language
def correction(pupil: str, year: str, state: str, decision: str) -> Message:
    """A family's notice of a correction: requested, approved, refused, issued."""
    words = {"pupil": pupil, "year": year, "decision": decision}
    bodies = {
        "requested": _(
            "The school asked for a correction of the school year %(year)s record "
            "of %(pupil)s. The competent level will decide on it."
        ),
        "approved": _(
            "The correction of the school year %(year)s record of %(pupil)s was "
            "approved by decision %(decision)s. The school will issue the "
            "corrected version."
        ),
        "refused": _(
            "The correction of the school year %(year)s record of %(pupil)s was "
            "refused. Ask the school for the reason."
        ),
        "issued": _(
            "The corrected version of the school year %(year)s record of "
            "%(pupil)s, by decision %(decision)s, is effective. The earlier "
            "version stays readable, marked as superseded."
        ),
    }
    return _family(_("%(pupil)s: a correction of the transcript"), bodies[state], words)


@_in_language
def review_declined(pupil: str, year: str) -> Message:
    words = {"pupil": pupil, "year": year}
    return _family(
        _("%(pupil)s: the school answered your request"),
        _(
            "The school declined your request to review the school year %(year)s "
            "record of %(pupil)s. Its reason is on your transcripts page."
        ),
        words,
    )


@_in_language
def staff_review(school: str, pupil: str, year: str, record_id: int) -> Message:
    """The school's staff: a family asks that a locked record be reviewed."""
    words = {"school": school, "pupil": pupil, "year": year}
    body = _(
        "A family asks %(school)s to review the locked school year %(year)s "
        "record of %(pupil)s. Read the request on the record's correction page, "
        "then request the correction or decline with a reason."
    )
    link = _page(f"/school/record/{record_id}/correction/")
    return Message(
        _("%(school)s: a family asks to review a record") % words,
        f"{body % words}\n\n{link}".rstrip(),
    )


@_in_language
def reader_corrected(
    pupil: str, year: str, looked_up: dt.datetime, decision: str
) -> Message:
    words = {
        "pupil": pupil,
        "year": year,
        "looked_up": local(looked_up),
        "decision": decision,
    }
    return Message(
        _("A transcript you looked up was corrected") % words,
        _(
            "At %(looked_up)s you looked up the transcript of %(pupil)s in Học bạ "
            "số and left this address. Its school year %(year)s record has since "
            "been corrected by decision %(decision)s: the version you saw is "
            "superseded. Look the transcript up again with the code you were "
            "given to see the version in force.\n\nYou receive this message once "
            "per correction, because you left this address with your lookup."
        )
        % words,
    )


@_in_language
def staff_correction(
    school: str, pupil: str, year: str, state: str, correction_id: str
) -> Message:
    words = {"school": school, "pupil": pupil, "year": year, "id": correction_id}
    subjects = {
        "requested": _("%(school)s asks for a correction (%(id)s)"),
        "approved": _("Correction %(id)s approved"),
        "refused": _("Correction %(id)s refused"),
    }
    bodies = {
        "requested": _(
            "%(school)s asks for the correction %(id)s of the locked school year "
            "%(year)s record of %(pupil)s. Decide it on its page."
        ),
        "approved": _(
            "The correction %(id)s of the school year %(year)s record of %(pupil)s "
            "is approved: review, sign and seal the corrected version, then "
            "issue it on its page."
        ),
        "refused": _(
            "The correction %(id)s of the school year %(year)s record of %(pupil)s "
            "is refused; the reason is on its page."
        ),
    }
    link = _page(f"/school/corrections/{correction_id}/")
    body = bodies[state] % words
    return Message(subjects[state] % words, f"{body}\n\n{link}".rstrip())
