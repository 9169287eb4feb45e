from __future__ import annotations

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from hocbaso.notices.models import FAMILY_KINDS, Kind, Preference


class PreferenceForm(forms.ModelForm):
    """The address and the kinds; every kind is on until switched off."""

    class Meta:
        model = Preference
        fields = ["email", *FAMILY_KINDS]
        labels = {
            "email": _("E-mail address for notices"),
            Kind.EFFECTIVE: _("A school year's record became effective (locked)"),
            Kind.LOOKUP: _("An organisation looked a transcript up with its code"),
            Kind.SHARE: _("A share code you made was used"),
            Kind.CORRECTION: _("A correction was requested, decided or issued"),
        }
        help_texts = {
            "email": _("Leave it empty to receive no e-mail at all."),
        }
        error_messages = {
            "email": {
                "invalid": _(
                    "The e-mail address is not valid: write it as name@example.vn, "
                    "without spaces."
                )
            }
        }

    def clean_email(self) -> str:
        value = unicodedata.normalize("NFC", self.cleaned_data.get("email") or "")
        return value.strip().lower()
