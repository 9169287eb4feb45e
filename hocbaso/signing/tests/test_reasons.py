"""A reason keeps its template and values apart, so a boundary can translate it."""

import pickle

from hocbaso.signing import Reason, in_language
from hocbaso.signing.result import _

CATALOGUE = {
    "cannot determine who issued the certificate: {why}": (
        "không xác định được ai đã cấp chứng thư số: {why}"
    ),
    "the issuer {name} is unknown": "không rõ tổ chức đã cấp chứng thư số: {name}",
}


def vi(message: str) -> str:
    return CATALOGUE.get(message, message)


def test_a_filled_reason_reads_in_english_and_translates_by_its_template():
    inner = _("the issuer {name} is unknown").format(name="CN=Root")
    reason = _("cannot determine who issued the certificate: {why}").format(why=inner)

    assert (
        reason
        == "cannot determine who issued the certificate: the issuer CN=Root is unknown"
    )
    assert in_language(reason, vi) == (
        "không xác định được ai đã cấp chứng thư số: "
        "không rõ tổ chức đã cấp chứng thư số: CN=Root"
    )


def test_a_value_with_braces_is_not_read_as_a_template():
    reason = _("the issuer {name} is unknown").format(name="CN={why}")

    assert in_language(reason, vi) == "không rõ tổ chức đã cấp chứng thư số: CN={why}"
    assert pickle.loads(pickle.dumps(reason)) == reason  # noqa: S301 (own bytes)


def test_a_translation_that_lost_a_value_falls_back_to_english():
    reason = _("the issuer {name} is unknown").format(name="CN=Root")

    assert in_language(reason, lambda m: "không rõ {other}") == str(reason)


def test_a_plain_sentence_is_translated_as_it_is():
    assert in_language("the issuer {name} is unknown", vi).startswith("không rõ")
    again = pickle.loads(pickle.dumps(Reason("x {a}", a=1)))  # noqa: S301 (own bytes)
    assert isinstance(again, Reason)
