"""Property: any valid snapshot comes back equal from its packet (hypothesis)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hocbaso.assessment.curriculum import COMPETENCIES, QUALITIES
from hocbaso.packet import (
    Certificate,
    HistoryRow,
    Issuance,
    Leader,
    Person,
    PrimaryResults,
    PrimarySubject,
    Rating,
    RecordSnapshot,
    School,
    SecondaryResults,
    SecondarySubject,
    Sex,
    Student,
    build_packet,
    parse_packet,
)

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxy"
    "àảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
)
FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
]

word = st.text(alphabet=VIETNAMESE, min_size=1, max_size=8).map(str.capitalize)
name = st.builds(
    lambda f, ws: " ".join([f, *ws]),
    st.sampled_from(FAMILY),
    st.lists(word, min_size=1, max_size=3),
)
# Free text: letters, digits, punctuation, inner spaces and newlines; never blank.
text = st.text(
    alphabet=VIETNAMESE + VIETNAMESE.upper() + "0123456789 ,.;:-/()\n<>&'\"",
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")
opt_text = st.none() | text
pid = st.from_regex(r"[0-9]{12}", fullmatch=True)
day = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))
score = st.integers(0, 100).map(lambda n: Decimal(n) / 10)
mark = score | st.sampled_from(["Đ", "CĐ", "M"])
year = st.integers(2000, 2030).map(lambda y: f"{y}-{y + 1}")
person = st.builds(Person, name, pid)
codes = st.lists(
    st.from_regex(r"[A-Z][A-Z0-9]{0,5}", fullmatch=True),
    min_size=1,
    max_size=6,
    unique=True,
)


@st.composite
def primary_results(draw: st.DrawFn) -> PrimaryResults:
    subjects = tuple(
        PrimarySubject(
            code,
            draw(text),
            draw(st.sampled_from("THCM")),
            draw(st.none() | st.integers(1, 10).map(Decimal)),
            draw(opt_text),
        )
        for code in draw(codes)
    )
    rating = st.sampled_from(["T", "Đ", "C"])
    result = draw(st.sampled_from(["HTXS", "HTT", "HT", "CHT"]))
    # Circular 27, Art. 11-12: the principal decides only for a pupil who did not
    # complete; one who completed goes up.
    promoted = (
        st.none() | st.booleans() if result == "CHT" else st.none() | st.just(True)
    )
    return PrimaryResults(
        subjects=subjects,
        qualities=tuple(Rating(c, draw(rating), draw(opt_text)) for c in QUALITIES),
        competencies=tuple(
            Rating(c, draw(rating), draw(opt_text)) for c in COMPETENCIES
        ),
        result=result,
        completed=result != "CHT",
        title=draw(st.none() | st.sampled_from(["HSXS", "HSTB"])),
        promoted=draw(promoted),
    )


@st.composite
def secondary_results(draw: st.DrawFn) -> SecondaryResults:
    subjects = tuple(
        SecondarySubject(
            code,
            draw(text),
            draw(mark),
            draw(mark),
            draw(mark),
            draw(st.none() | mark),
            draw(opt_text),
            draw(st.none() | person),
        )
        for code in draw(codes)
    )
    level = st.sampled_from(["T", "K", "Đ", "CĐ"])
    return SecondaryResults(
        subjects,
        draw(level),
        draw(level),
        draw(level),
        draw(level),
        draw(level),
        draw(level),
        retest_learning=draw(st.none() | level),
        summer_conduct=draw(st.none() | level),
        promoted=draw(st.none() | st.booleans()),
        promotion_note=draw(opt_text),
        title=draw(st.none() | st.sampled_from(["HSXS", "HSG"])),
    )


student = st.builds(
    Student,
    name,
    pid,
    st.from_regex(r"[0-9A-Z]{1,20}", fullmatch=True),
    st.sampled_from(Sex),
    day,
    text,
    text,
    text,
    opt_text,
    opt_text,
    st.none() | name,
    opt_text,
    st.none() | name,
    opt_text,
    st.none() | name,
    opt_text,
    opt_text,
)
school = st.builds(
    School,
    st.from_regex(r"[0-9]{8}", fullmatch=True),
    text,
    st.just("01"),
    text,
    opt_text,
    opt_text,
)
history = st.lists(st.builds(HistoryRow, year, text, text, text, day), max_size=3).map(
    tuple
)
count = st.none() | st.integers(0, 200)
measure = st.none() | st.integers(10, 2000).map(lambda n: Decimal(n) / 10)
certificates = st.lists(st.builds(Certificate, text, st.none() | day), max_size=2)


@st.composite
def snapshots(draw: st.DrawFn) -> RecordSnapshot:
    primary = draw(st.booleans())
    return RecordSnapshot(
        lookup_code=draw(st.uuids()).hex,
        school_year=draw(year),
        grade=draw(st.integers(1, 5) if primary else st.integers(6, 9)),
        class_name=draw(text),
        student=draw(student),
        school=draw(school),
        results=draw(primary_results() if primary else secondary_results()),
        homeroom_teacher=draw(person),
        leader=draw(st.builds(Leader, name, pid, text)),
        absences_excused=draw(count),
        absences_unexcused=draw(count),
        absences_total=draw(count),
        commendation=draw(opt_text),
        adhoc_commendation=draw(opt_text),
        homeroom_comment=draw(opt_text),
        register_number=draw(opt_text),
        history=draw(history),
        issuance=draw(st.none() | st.builds(Issuance, text, day, text)),
        height_cm=draw(measure),
        weight_kg=draw(measure.filter(lambda v: v is None or v <= 200)),
        disability_not_assessed=draw(st.none() | st.booleans()),
        contests=draw(opt_text),
        certificates=tuple(draw(certificates)),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(snapshots())
def test_any_valid_snapshot_round_trips_through_its_packet(
    snapshot: RecordSnapshot,
) -> None:
    assert parse_packet(build_packet(snapshot)) == snapshot
