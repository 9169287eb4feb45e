"""The forms of the appointments and certificate registration pages (views.py)."""

from __future__ import annotations

from cryptography import x509
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hocbaso.records import identifiers
from hocbaso.records.models import (
    Appointment,
    Department,
    ManagementUnit,
    Person,
    Role,
    School,
    SchoolClass,
    SchoolYear,
)
from hocbaso.records.models.people import personal_id_errors
from hocbaso.records.permissions import grantable_roles
from hocbaso.records.scope import filter_for

_PLACES = {"school": School, "unit": ManagementUnit, "department": Department}


class AppointmentForm(forms.Form):
    """Who, which role, where, which year: the rule itself is permissions.py's."""

    personal_id = forms.CharField(label=_("personal identification number"))
    full_name = forms.CharField(label=_("full name"), max_length=200)
    role = forms.ChoiceField(label=_("role"))
    school_year = forms.ModelChoiceField(
        label=_("school year"), queryset=SchoolYear.objects.none()
    )
    place = forms.ChoiceField(label=_("school, unit or department"))
    school_class = forms.ModelChoiceField(
        label=_("class"), queryset=SchoolClass.objects.none(), required=False
    )
    subject_code = forms.CharField(label=_("subject code"), required=False)

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        roles = grantable_roles(user)
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r in roles]
        self.fields["school_year"].queryset = SchoolYear.objects.active()
        self.fields["place"].choices = [
            (f"{kind}:{row.pk}", str(row))
            for kind, model in _PLACES.items()
            for row in filter_for(user, model.objects.all())
        ]
        self.fields["school_class"].queryset = filter_for(
            user,
            SchoolClass.objects.filter(school_year__in=SchoolYear.objects.active()),
        ).select_related("school", "school_year")

    def clean_personal_id(self) -> str:
        pid = self.cleaned_data["personal_id"].strip()
        if errors := personal_id_errors(pid):
            raise ValidationError(errors)
        return pid

    def clean(self):
        cleaned = super().clean()
        pid, name = cleaned.get("personal_id"), cleaned.get("full_name")
        if pid and name:
            person = Person.objects.filter(personal_id=pid).first()
            # One sentence for "unknown" and "another name": the page must not
            # tell whose personal id this is.
            if person is not None and person.full_name.casefold() != (
                identifiers.normalise_name(name).casefold()
            ):
                self.add_error(
                    "full_name",
                    _("The name does not match the person with this personal id."),
                )
        return cleaned

    def appointment(self, person: Person) -> Appointment:
        """The unsaved appointment of ``person`` the form describes."""
        data = self.cleaned_data
        kind, _colon, pk = data["place"].partition(":")
        return Appointment(
            person=person,
            role=data["role"],
            school_year=data["school_year"],
            school_class=data.get("school_class"),
            subject_code=data.get("subject_code") or "",
            **{kind: _PLACES[kind].objects.get(pk=pk)},
        )


class CertificateForm(forms.Form):
    """A certificate in PEM and the personal id or school code of its owner."""

    owner = forms.CharField(
        label=_("owner"),
        max_length=20,
        help_text=_("The person's personal id, or the school's code for its seal."),
    )
    pem = forms.CharField(label=_("certificate (PEM)"), widget=forms.Textarea)

    def clean_pem(self) -> x509.Certificate:
        text = self.cleaned_data["pem"].strip()
        if text.count("-----BEGIN CERTIFICATE-----") != 1:
            raise ValidationError(_("Paste exactly one certificate, in PEM."))
        try:
            return x509.load_pem_x509_certificate(text.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            raise ValidationError(
                _("The certificate is not a PEM X.509 certificate.")
            ) from None
