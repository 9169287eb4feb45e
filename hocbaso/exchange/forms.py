from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ProcedureForm(forms.Form):
    PROCEDURES = [
        ("grade6", _("Admission to grade 6")),
        ("transfer", _("School transfer")),
    ]

    share_code = forms.CharField(
        label=_("Share code from the parent"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    procedure = forms.ChoiceField(label=_("Procedure"), choices=PROCEDURES)
    holder = forms.ChoiceField(
        label=_("Department that holds the transcript"), required=False
    )

    def __init__(self, *args, holders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].choices = list(holders)
