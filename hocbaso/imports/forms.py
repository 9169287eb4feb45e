"""The import page's forms."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hocbaso.records.models import School


class ImportForm(forms.Form):
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), empty_label=None
    )
    file = forms.FileField(
        label=_("Workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    dry_run = forms.BooleanField(label=_("Check only, import nothing"), required=False)

    def __init__(self, *args, schools=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.HOCBASO_IMPORT_MAX_BYTES
        if upload.size > limit:
            # Refused before it is read into memory.
            raise forms.ValidationError(
                _("The file is too large: %(size)s MB, at most %(limit)s MB.")
                % {
                    "size": f"{upload.size / 1_000_000:.1f}".replace(".", ","),
                    "limit": f"{limit / 1_000_000:.1f}".replace(".", ","),
                }
            )
        return upload


class StudentsTemplateForm(forms.Form):
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), empty_label=None
    )
    year = forms.ModelChoiceField(
        label=_("School year"), queryset=None, empty_label=None
    )

    def __init__(self, *args, schools=None, years=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["year"].queryset = years
