"""Correction after the lock, on the school's and the approver's pages.

The procedure is the registry's (docs/registry.md, "Correction after the lock"):
these pages only validate the form and call its public actions
(``request_correction``, ``decide_correction``, ``issue_correction``), so every
rule (who may ask, who decides, the evidence's size, the identity fields, the
packet of the approved version) is the registry's, in its own words.

Lists that go through a class's records show one version per pupil-year, the
latest (``hocbaso.school.review.current``); a version is marked as the corrected
copy with a link to the correction's history.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath, PureWindowsPath

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocbaso.records.models import Role, YearlyRecord
from hocbaso.registry.correcting import MAX_EVIDENCE_BYTES, check_approver
from hocbaso.registry.errors import RegistryError
from hocbaso.registry.models import Correction, Submission

# Who files the request for the school: the principal (who signs it) or the clerk.
REQUESTING_ROLES = (Role.PRINCIPAL, Role.CLERK)
# The identity fields the form offers (a subset of the registry's correctable ones).
IDENTITY_FIELDS = ("full_name", "date_of_birth", "place_of_birth", "ethnicity")
# Their names on the pages: a field id is never shown.
IDENTITY_NAMES = {
    "full_name": gettext_lazy("Full name"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "place_of_birth": gettext_lazy("Place of birth"),
    "ethnicity": gettext_lazy("Ethnicity"),
}


def locked_submission(record: YearlyRecord) -> Submission | None:
    """The record's locked, accepted submission (what a correction starts from)."""
    return Submission.objects.filter(
        record=record, state=Submission.State.ACCEPTED, locked_at__isnull=False
    ).first()


def correction_of(record: YearlyRecord) -> Correction | None:
    """The correction that made this version, or the live one asked for it."""
    made = Correction.objects.filter(version=record).first()
    if made is not None:
        return made
    return (
        Correction.objects.filter(record=record)
        .exclude(state=Correction.State.REFUSED)
        .first()
    )


def history_of(correction: Correction) -> list[Correction]:
    """Every correction of the same pupil-year, oldest first."""
    original = correction.record
    while original.corrects_id is not None:
        original = original.corrects
    records = [original.pk]
    following = YearlyRecord.objects.filter(corrects_id=original.pk).first()
    while following is not None:
        records.append(following.pk)
        following = YearlyRecord.objects.filter(corrects_id=following.pk).first()
    return list(
        Correction.objects.filter(record_id__in=records)
        .select_related("version", "issued", "locked")
        .order_by("requested_at")
    )


def may_decide(actor, correction: Correction, on_date) -> bool:
    try:
        check_approver(actor, correction.school, on_date)
    except RegistryError:
        return False
    return True


def safe_file_name(name: str) -> str:
    """The base name of an upload: no directories, no control characters."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    cleaned = "".join(c for c in base if c.isprintable() and c not in '"\\/')
    return cleaned.strip()[:200] or "evidence"


class RequestForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the correction"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence = forms.FileField(label=gettext_lazy("Evidence (a file, at most 10 MiB)"))
    full_name = forms.CharField(
        label=gettext_lazy("Corrected full name"), max_length=150, required=False
    )
    date_of_birth = forms.DateField(
        label=gettext_lazy("Corrected date of birth"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=gettext_lazy("dd/mm/yyyy"),
    )
    place_of_birth = forms.CharField(
        label=gettext_lazy("Corrected place of birth"), max_length=200, required=False
    )
    ethnicity = forms.CharField(
        label=gettext_lazy("Corrected ethnicity"), max_length=60, required=False
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "As principal I sign this request: the reason and the evidence are true"
        )
    )

    def clean_evidence(self):
        upload = self.cleaned_data["evidence"]
        if upload.size > MAX_EVIDENCE_BYTES:
            raise forms.ValidationError(
                _("The evidence file is %(size)s bytes; at most %(max)s are taken.")
                % {"size": upload.size, "max": MAX_EVIDENCE_BYTES}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The evidence file is empty."))
        return upload

    def identity(self, record: YearlyRecord) -> dict[str, str]:
        """The identity fields given that differ from the record's own."""
        from hocbaso.records.versions import student_identity

        shown = student_identity(record)
        changed = {}
        for name in IDENTITY_FIELDS:
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            text = value.isoformat() if hasattr(value, "isoformat") else value.strip()
            before = getattr(shown, name, None)
            before = before.isoformat() if hasattr(before, "isoformat") else before
            if text != (before or ""):
                changed[name] = text
        return changed


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("approve", gettext_lazy("Approve the correction")),
            ("refuse", gettext_lazy("Refuse the correction")),
        ],
        widget=forms.RadioSelect,
    )
    number = forms.CharField(
        label=gettext_lazy("Decision number"), max_length=60, required=False
    )
    date = forms.DateField(
        label=gettext_lazy("Decision date"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=gettext_lazy("dd/mm/yyyy"),
    )
    signer = forms.CharField(
        label=gettext_lazy("Signed by"), max_length=150, required=False
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the refusal"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I confirm this decision: it is written to the registry's ledger and "
            "cannot be undone"
        )
    )

    def arguments(self) -> dict:
        data = self.cleaned_data
        if data["decision"] == "approve":
            return {
                "approve": True,
                "number": data["number"],
                "date": data["date"],
                "signer": data["signer"],
            }
        return {"approve": False, "reason": data["reason"]}


class IssueForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I confirm: the corrected version replaces the locked one in the registry"
        )
    )


def identity_changes(correction: Correction) -> list[tuple[str, str, str]]:
    """(name, before, after) of each identity field the correction changes, by the
    names a reader knows, dates as dd/mm/yyyy."""
    from hocbaso.records.versions import student_identity

    before = student_identity(correction.record)
    return [
        (
            str(IDENTITY_NAMES.get(name, name)),
            _identity_text(getattr(before, name, None)),
            _identity_text(value),
        )
        for name, value in sorted((correction.identity or {}).items())
    ]


def _identity_text(value) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else str(value)
