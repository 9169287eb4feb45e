from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hocbaso.portal.citizen.models import ConsentPurpose
from hocbaso.portal.citizen.sharing import MAX_DAYS


class ShareForm(forms.Form):
    records = forms.TypedMultipleChoiceField(
        label=_("School years to share"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one school year to share.")},
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=MAX_DAYS,
        initial=30,
        help_text=_("At most %(days)d days.") % {"days": MAX_DAYS},
    )
    recipient = forms.CharField(
        label=_("Given to (for your own records)"),
        max_length=200,
        required=False,
    )

    def __init__(self, *args, records=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["records"].choices = [
            (r.pk, f"{r.school_year.name} · {_('grade')} {r.grade} · {r.school.name}")
            for r in records
        ]


class ShareReadForm(forms.Form):
    code = forms.CharField(
        label=_("Share code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    organisation = forms.CharField(label=_("Your organisation"), max_length=200)
    purpose = forms.CharField(label=_("Purpose of the reading"), max_length=300)


class ConsentForm(forms.Form):
    student = forms.IntegerField(min_value=1)
    purpose = forms.ChoiceField(choices=ConsentPurpose.choices)
    decision = forms.ChoiceField(
        choices=[("give", _("give consent")), ("withdraw", _("withdraw consent"))]
    )


class CorrectionAskForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong, and what it should be"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For example: the date of birth is 03/05/2014, the birth certificate "
            "says 05/03/2014. The school reviews it and answers on your page."
        ),
    )
