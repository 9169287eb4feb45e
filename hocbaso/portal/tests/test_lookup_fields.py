"""The lookup's fields read without a form (forms.clean_lookup) are what the
form reads: the same values for what it passes, nothing for what it refuses
(the form is then built to say why)."""

from __future__ import annotations

import pytest
from django import forms
from django.http import QueryDict
from hypothesis import given, settings
from hypothesis import strategies as st

from hocbaso.portal import forms as forms_module
from hocbaso.portal.forms import LookupForm, clean_lookup, cleans_only_fields

pytestmark = pytest.mark.once

# Text a visitor might send: controls, formatting characters, combining marks,
# several kinds of space, decomposed Vietnamese, ASCII.
_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(
            " \t\n\r\x00\x1f\u00a0\u2000\u200b\u202e\ufeff-@.0123456789abcdefABCDEF"
        ),
        st.sampled_from("ươ\u0301\u0303\u0323ệỆđĐ"),
        st.characters(codec="utf-8"),
    ),
    max_size=70,
)
_EMAIL = st.one_of(_TEXT, st.emails().map(lambda e: f" {e} "), st.just(""))
_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "code": st.one_of(_TEXT, st.uuids().map(str), st.just("a" * 64 + "b")),
        "organisation": st.one_of(_TEXT, st.just("x" * 201)),
        "purpose": _TEXT,
        "contact": _EMAIL,
    },
)


def _query(fields: dict[str, str], repeated: str | None = None) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        data.setlist(name, [value, value + "?"] if name == repeated else [value])
    return data


@settings(max_examples=400, deadline=None)
@given(fields=_FIELDS, repeated=st.sampled_from([None, "code", "contact"]))
def test_the_fields_read_without_a_form_are_what_the_form_reads(fields, repeated):
    data = _query(fields, repeated)
    form = LookupForm(data)
    expected = form.cleaned_data if form.is_valid() else None
    assert clean_lookup(data) == expected


def test_a_valid_code_with_each_field_is_read_without_a_form():
    data = _query(
        {
            "code": " 0123ABCD-0123-4567-89ab-0123456789ab ",
            "organisation": "Trường THCS Nguyễn Du",
            "purpose": "Tuye\u0302\u0309n sinh",  # decomposed: kept NFC
            "contact": " Co.Van@Example.vn ",
        }
    )
    assert clean_lookup(data) == {
        "code": "0123ABCD-0123-4567-89ab-0123456789ab",
        "organisation": "Trường THCS Nguyễn Du",
        "purpose": "Tuyển sinh",
        "contact": "Co.Van@Example.vn",
    }


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"code": "  "},
        {"code": "abc\x00"},
        {"code": "a" * 65},
        {"code": "abc", "contact": "not an address"},
        {"code": "abc", "purpose": "Tuyển sinh\u202e"},
    ],
)
def test_what_the_form_refuses_is_left_to_the_form(fields):
    data = _query(fields)
    assert not LookupForm(data).is_valid()
    assert clean_lookup(data) is None


def test_a_form_that_cleans_more_than_its_fields_is_always_built():
    class CheckedCode(LookupForm):
        def clean_code(self):
            return self.cleaned_data["code"]

    class CheckedForm(LookupForm):
        def clean(self):
            return super().clean()

    assert cleans_only_fields(LookupForm)
    assert not cleans_only_fields(CheckedCode)
    assert not cleans_only_fields(CheckedForm)
    assert cleans_only_fields(forms.Form)


def test_a_value_far_too_long_is_read_by_the_form_alone(monkeypatch):
    # Each character of a typed text is looked at in Python: read here and
    # then again by the form, a body of megabytes cost twice what it did.
    looked_at: list[int] = []
    read = forms_module.text_problem

    def counted(value: str, label: str, max_length: int) -> str | None:
        looked_at.append(len(value))
        return read(value, label, max_length)

    monkeypatch.setattr(forms_module, "text_problem", counted)
    data = _query({"code": "0" * 32, "purpose": "ạ" * 100_000})

    assert clean_lookup(data) is None
    form = LookupForm(data)
    assert not form.is_valid() and list(form.errors) == ["purpose"]
    assert looked_at.count(100_000) == 1


def test_a_long_value_that_strips_short_is_still_a_valid_lookup():
    from django.test import RequestFactory

    from hocbaso.portal.views import _fields

    code = " " * 5000 + "0123abcd0123abcd0123abcd0123abcd"
    request = RequestFactory().post("/", {"code": code, "purpose": "Tuyển sinh"})

    fields = _fields(request, "portal/lookup.html")

    assert isinstance(fields, dict) and fields["code"] == code.strip()
    assert fields["purpose"] == "Tuyển sinh"
