"""The duties' forms: typed text follows the portal's rule (``portal.forms``).

One-line texts (a heading, a note) are ``TextField``: NFC, no control or
invisible character, bounded. A message keeps its line breaks and nothing
else of the sort: ``\\r\\n`` becomes ``\\n`` and each line follows the same
rule, so a right-to-left override or a NUL is refused with its position.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocbaso.portal.forms import TextField, clean_text, text_problem
from hocbaso.rollout.models import (
    HEADING_LENGTH,
    MESSAGE_LENGTH,
    NOTE_LENGTH,
    Category,
    ReadinessItem,
)

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
NOT_A_DATE = gettext_lazy(
    "The date is not a date: write it as dd/mm/yyyy, e.g. 20/04/2026."
)
# [decision] A readiness item done more than five years before the school year
# began is a typing mistake (01/01/0001), not a fact about the school.
OLDEST_YEARS = 5


class MessageField(forms.CharField):
    widget = forms.Textarea

    def to_python(self, value):
        text = super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")
        return clean_text(text)

    def run_validators(self, value):
        # A newline is the one control character a message keeps: the check
        # sees it as a space, so positions still count every character.
        flat = (value or "").replace("\n", " ")
        problem = text_problem(flat, str(self.label), self.max_length or MESSAGE_LENGTH)
        if problem:
            raise forms.ValidationError(problem, code="text")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators = []


class ReadinessForm(forms.Form):
    item = forms.ChoiceField(choices=ReadinessItem.choices)
    done = forms.BooleanField(required=False, label=gettext_lazy("Done"))
    done_on = forms.DateField(
        required=False,
        input_formats=DATE_FORMATS,
        label=gettext_lazy("Date done"),
        error_messages={"invalid": NOT_A_DATE},
    )
    note = TextField(required=False, max_length=NOTE_LENGTH, label=gettext_lazy("Note"))

    def __init__(self, *args, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year

    def clean(self):
        data = super().clean()
        done, done_on = data.get("done"), data.get("done_on")
        if "done_on" not in data:
            return data
        if done and done_on is None:
            self.add_error("done_on", _("Give the date the item was done."))
        elif not done and done_on is not None:
            self.add_error(
                "done_on",
                _(
                    "A date done is given for an item not marked done: tick Done "
                    "or clear the date."
                ),
            )
        elif done_on is not None:
            self._check_date(done_on)
        return data

    def _check_date(self, done_on: dt.date) -> None:
        today = timezone.localdate()
        oldest = self.year.start_date.replace(
            year=self.year.start_date.year - OLDEST_YEARS
        )
        if done_on > today:
            self.add_error(
                "done_on",
                _("The date done %(date)s is in the future (today is %(today)s).")
                % {
                    "date": done_on.strftime("%d/%m/%Y"),
                    "today": today.strftime("%d/%m/%Y"),
                },
            )
        elif done_on < oldest:
            self.add_error(
                "done_on",
                _(
                    "The date done %(date)s is more than %(years)s years before the "
                    "school year began."
                )
                % {"date": done_on.strftime("%d/%m/%Y"), "years": OLDEST_YEARS},
            )


class DueForm(forms.Form):
    item = forms.ChoiceField(choices=ReadinessItem.choices)
    due_on = forms.DateField(
        input_formats=DATE_FORMATS,
        label=gettext_lazy("Due date"),
        error_messages={"invalid": NOT_A_DATE, "required": NOT_A_DATE},
    )

    def __init__(self, *args, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        first, last = self.year.start_date, self.year.end_date
        if not first - dt.timedelta(days=366) <= due_on <= last:
            raise forms.ValidationError(
                _(
                    "The due date %(date)s is not within school year %(year)s "
                    "(it may be up to a year before it begins)."
                )
                % {"date": due_on.strftime("%d/%m/%Y"), "year": self.year.name}
            )
        return due_on


class DifficultyForm(forms.Form):
    heading = TextField(
        max_length=HEADING_LENGTH,
        label=gettext_lazy("Heading"),
        error_messages={"required": gettext_lazy("Write the difficulty's heading.")},
    )
    category = forms.ChoiceField(
        choices=Category.choices, label=gettext_lazy("Category")
    )
    text = MessageField(
        max_length=MESSAGE_LENGTH,
        label=gettext_lazy("Description"),
        error_messages={"required": gettext_lazy("Describe the difficulty.")},
    )


ANSWER, REPLY, CLOSE = "answer", "reply", "close"


class MessageForm(forms.Form):
    """An answer (officers), a reply (the school) or closing it (the school)."""

    action = forms.ChoiceField(choices=[(a, a) for a in (ANSWER, REPLY, CLOSE)])
    text = MessageField(
        max_length=MESSAGE_LENGTH, label=gettext_lazy("Your message"), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("action") in (ANSWER, REPLY) and not data.get("text"):
            if "text" in data:
                self.add_error("text", _("Write the message before sending it."))
        return data
