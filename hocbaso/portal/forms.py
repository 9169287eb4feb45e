"""The portal's forms, and the one rule for the free text a visitor types.

Organisation, purpose and the other short texts are written to the audit trail
and shown to the department and the family: they are NFC, on one line, without
control or formatting characters (a NUL is refused by PostgreSQL; a
right-to-left override would make the audit page lie about who looked) and
bounded in length. ``text_problem`` is shared by the pages and the JSON API.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocbaso.portal.models import AccessAction

# Unicode categories refused in typed text: controls (NUL, newlines, escapes)
# and formatting characters (bidirectional overrides, zero-width characters).
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def text_problem(value: str, label: str, max_length: int) -> str | None:
    """Why ``value`` cannot be kept as typed text (a sentence), or None."""
    for position, char in enumerate(value, start=1):
        if unicodedata.category(char) in REFUSED_CATEGORIES:
            return _(
                "%(field)s contains a control or invisible character (U+%(code)04X "
                "at position %(position)s). Type it again without that character."
            ) % {"field": label, "code": ord(char), "position": position}
    if len(value) > max_length:
        return _(
            "%(field)s is too long (%(length)s characters; at most %(limit)s)."
        ) % {"field": label, "length": len(value), "limit": max_length}
    return None


def clean_text(value: str) -> str:
    return unicodedata.normalize("NFC", value or "").strip()


class TextField(forms.CharField):
    """A CharField whose value follows ``text_problem``, with a sentence that
    names the field, the character and where it is."""

    def to_python(self, value):
        return clean_text(super().to_python(value))

    def run_validators(self, value):
        problem = text_problem(value or "", str(self.label), self.max_length or 1000)
        if problem:
            raise forms.ValidationError(problem, code="text")
        # the built-in checks (NUL, length) would only repeat the sentence above

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators = []


class LookupForm(forms.Form):
    code = TextField(
        label=gettext_lazy("Lookup code"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "size": 40}
        ),
        help_text=gettext_lazy("32 letters and digits, printed on every page."),
    )
    organisation = TextField(
        label=gettext_lazy("Your organisation (optional)"),
        max_length=200,
        required=False,
    )
    purpose = TextField(
        label=gettext_lazy("Purpose of the lookup (optional)"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Shown to the student and the family."),
    )
    # Kept in the lookup's audit row; told if the transcript is corrected later
    # (docs/notices.md).
    contact = forms.EmailField(
        label=gettext_lazy("Your e-mail address (optional)"),
        max_length=254,
        required=False,
        help_text=gettext_lazy("To be told if this transcript is corrected later."),
        error_messages={
            "invalid": gettext_lazy(
                "The e-mail address is not valid: write it as name@example.vn, "
                "without spaces."
            )
        },
    )


def clean_lookup(data: QueryDict) -> dict[str, Any] | None:
    """The lookup's fields as ``LookupForm(data).cleaned_data``, or None when the
    form must be built (a field is not valid: the form says why, in its words;
    or a value is far too long to be worth reading twice).

    Each value goes through the form's own field (``base_fields``: same reading of
    the data, same normalisation, same checks) without a form instance, whose
    fields are deep-copied and bound one by one: that cost a sixth of a lookup.
    The form has no cleaning of its own beyond its fields (checked here), so what
    passes is what the form would pass."""
    if not _FIELDS_ONLY or _is_far_too_long(data):
        return None
    cleaned = {}
    for name, field in LookupForm.base_fields.items():
        try:
            cleaned[name] = field.clean(
                field.widget.value_from_datadict(data, {}, name)
            )
        except forms.ValidationError:
            return None
    return cleaned


# Far more than any field keeps: such a value is left to the form, which
# refuses it unless stripping leaves it short. Cleaning it here first (each
# character looked at in Python) doubled what a body of megabytes cost.
_FAR_TOO_LONG = 4096


def _is_far_too_long(data: QueryDict) -> bool:
    return any(
        len(value) > _FAR_TOO_LONG
        for name in LookupForm.base_fields
        for value in data.getlist(name)
    )


_FORM_STEPS = ("clean", "full_clean", "_clean_fields", "_clean_form", "_post_clean")


def cleans_only_fields(form_class: type[forms.Form]) -> bool:
    """Whether the form cleans nothing but its fields (no clean_<name>, clean()
    or other step of its own)."""
    steps = all(
        getattr(form_class, step) is getattr(forms.Form, step) for step in _FORM_STEPS
    )
    return steps and not any(name.startswith("clean_") for name in dir(form_class))


# otherwise clean_lookup leaves every lookup to the form
_FIELDS_ONLY = cleans_only_fields(LookupForm)


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Soft copy (PDF) or data packet (XML)"), required=False
    )
    code = TextField(
        label=gettext_lazy("Lookup code or the address in the QR code"),
        max_length=400,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 50}),
    )
    digest = TextField(
        label=gettext_lazy("Content digest printed on the page"),
        max_length=40,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("code"):
            raise forms.ValidationError(
                _("Choose a file to check, or enter the code of a printout.")
            )
        return data


class AuditSearchForm(forms.Form):
    since = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        required=False,
        choices=[("", "—"), *AccessAction.choices],
    )
    school = TextField(label=gettext_lazy("School code"), required=False, max_length=50)
    actor = TextField(label=gettext_lazy("Who"), required=False, max_length=200)
    client = TextField(label=gettext_lazy("Client"), required=False, max_length=64)
