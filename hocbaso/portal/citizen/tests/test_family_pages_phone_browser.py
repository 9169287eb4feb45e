"""Every page a family meets, on a phone (390 px) in headless Chromium, with the
long names and purposes real families and organisations type: the page itself
never scrolls sideways (a wide mark table scrolls inside its own box, its first
column kept), and axe-core finds no serious or critical violation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hocbaso.notices.models import Notice, Preference
from hocbaso.portal.audit import record_access
from hocbaso.portal.citizen import consent, review, sharing
from hocbaso.portal.citizen.models import (
    CitizenAccount,
    ConsentPurpose,
    Guardianship,
    Relation,
    ShareUse,
)
from hocbaso.portal.citizen.tests.conftest import (
    LONG_ORGANISATION,
    LONG_PURPOSE,
    PARENT,
    browser_login,
)
from hocbaso.portal.models import AccessAction, ActorKind
from hocbaso.portal.tests.append_only import empty_append_only_tables
from hocbaso.portal.tests.registry.registry_support import fill
from hocbaso.registry.tests.district import build
from hocbaso.tests.journeys.browse import (
    DESKTOP,
    PHONE,
    assert_no_sideways_scroll,
    check_accessibility,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.once]

SCHOOL = "Trường Tiểu học và Trung học cơ sở Nguyễn Bỉnh Khiêm, phường Xuân Phương"
ORGANISATION = LONG_ORGANISATION
# Addresses are single words wider than a phone's line.
MAILBOX = "nguyen.van.hung.phu.huynh.hoc.sinh.lop4a1@truong-tieu-hoc-my-dinh.edu.vn"
RECIPIENT = f"{ORGANISATION} (tuyensinh.thptchuyen.hanoi-amsterdam@hanoi.edu.vn)"
PURPOSE = LONG_PURPOSE


@pytest.fixture
def registry(settings, tmp_path, transactional_db):
    settings.DATA_DIR = tmp_path
    settings.HOCBASO_TRUST_STORE = tmp_path / "pki" / "trust"
    settings.HOCBASO_LEDGER_KEY = tmp_path / "ledger.key"
    yield fill(build(tmp_path))
    # A share code's uses point at access events, which must go first.
    ShareUse.objects.all().delete()
    empty_append_only_tables()


def _family_history(registry) -> sharing.MadeShare:
    """What a family's pages show after a while: consents given and withdrawn, a
    share code given to an organisation with a long name and used by it, an
    access with a long purpose, a request to correct, a notice mailed."""
    account = CitizenAccount.objects.get(personal_id=PARENT[0])
    record = registry.effective
    student = record.transcript.student
    record.school.name = SCHOOL
    record.school.save()
    for purpose in ConsentPurpose.values:
        consent.decide(account, student, purpose, given=True)
    consent.decide(account, student, ConsentPurpose.NOTIFICATIONS, given=False)
    expiry = timezone.now() + dt.timedelta(days=30)
    sharing.make_share(account, record.transcript, [record], expiry)  # to nobody
    made = sharing.make_share(
        account,
        record.transcript,
        [record],
        expiry,
        recipient=RECIPIENT,
    )
    sharing.read_share(
        None, made.code, organisation=ORGANISATION, purpose=PURPOSE, via="page"
    )
    record_access(
        None,
        action=AccessAction.VIEW,
        transcript=record.transcript,
        actor_kind=ActorKind.ANONYMOUS,
        organisation=ORGANISATION,
        purpose=PURPOSE,
    )
    review.ask(account, record, "Điểm môn Tiếng Việt học kì II ghi sai: " + PURPOSE)
    Preference.objects.create(account=account, email=MAILBOX)  # to confirm
    Notice.objects.create(
        key="family-pages-phone",
        kind="read",
        recipient=MAILBOX,
        account=account,
        transcript=record.transcript,
        subject=f"Học bạ của {student.full_name} vừa được đọc: {ORGANISATION}",
        body="…",
        sent_at=timezone.now(),
        delivered=True,
    )
    return made


def _soft_copy(page, tmp_path, transcript):
    page.goto(f"/me/transcripts/{transcript.pk}/")
    with page.expect_download() as info:
        page.click("#reading-actions a[href$='/soft-copy/']")
    soft = tmp_path / "hocba.pdf"
    info.value.save_as(soft)
    return soft


def _look_up(page, transcript):
    page.goto("/")
    page.fill("#id_code", transcript.lookup_code)
    page.fill("#id_organisation", ORGANISATION)
    page.fill("#id_purpose", PURPOSE)
    with page.expect_navigation():
        page.click("#lookup-form button[type=submit]")


def _read_shared(page, code):
    """The organisation the family gave the code to reads the shared years."""
    page.goto("/me/share/")
    page.fill("#id_code", code)
    page.fill("#id_organisation", ORGANISATION)
    page.fill("#id_purpose", PURPOSE)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def _verify(page, soft):
    page.goto("/xac-minh/")
    page.set_input_files("#id_file", str(soft))
    with page.expect_navigation():
        page.click("main form button[type=submit]")


# The tables of a page that scroll inside their own box: whether each is a mark
# table of a year's form, and whether its first cell stays in view while the
# rest scrolls.
_SCROLLING = """() => [...document.querySelectorAll('main table')]
    .filter(t => t.scrollWidth > t.clientWidth)
    .map(t => ({
        table: (t.closest('[id]') || {}).id + ' ' + t.className,
        marks: t.closest('.form-sheet, .shared-record') !== null,
        kept: getComputedStyle(t.querySelector('tr > :first-child')).position
            === 'sticky',
    }))"""


def _fits(page, expected: str, *, mark_tables: bool = False) -> None:
    """The page shows ``expected``; on a desktop and on a phone axe finds no
    serious violation (the cards' table roles count at both widths); on the
    phone the page does not scroll sideways and no table scrolls but, where
    ``mark_tables``, a year's wide mark table in its own box with its first
    column kept."""
    assert expected in page.locator("main").inner_text(), page.url
    page.set_viewport_size(DESKTOP)
    check_accessibility(page)
    page.set_viewport_size(PHONE)
    # What a tap opens counts too: the privacy notice, a year's ledger proof
    # (hashes, the signed checkpoint), the earlier versions.
    page.evaluate(
        "document.querySelectorAll('main details').forEach(d => d.open = true)"
    )
    assert_no_sideways_scroll(page)
    check_accessibility(page)
    scrolling = page.evaluate(_SCROLLING)
    allowed = [t for t in scrolling if mark_tables and t["marks"] and t["kept"]]
    assert scrolling == allowed, (page.url, scrolling)


def _share_labels(page) -> list[list[str]]:
    rows = page.locator("#shares").get_by_role("row").filter(has=page.locator("td"))
    return [
        [c.get_attribute("data-label") for c in row.locator("td[data-label]").all()]
        for row in rows.all()
    ]


def _shares_are_labelled_cards(page) -> None:
    """The share codes on /me/ at the phone width: still a table to a screen
    reader, each code a card inside its section, labelled where it has a value."""
    assert page.locator("#shares").get_by_role("columnheader").count() == 6
    card = page.locator("#shares").bounding_box()
    for row in page.locator("#shares tr.share").all():
        box = row.bounding_box()
        assert box["x"] >= card["x"]
        assert box["x"] + box["width"] <= card["x"] + card["width"]
    # Newest first: whom the code was given to is labelled, absent for nobody.
    rest = ["Hết hạn", "Tình trạng", "Lượt dùng"]
    assert _share_labels(page) == [["Gửi cho", *rest], rest]


def test_every_page_a_family_meets_fits_a_phone(page, registry, oidc, tmp_path):
    transcript = registry.effective.transcript
    Guardianship.objects.create(
        student=transcript.student,
        guardian_personal_id=PARENT[0],
        guardian_name=PARENT[1],
        relation=Relation.MOTHER,
    )
    browser_login(page)
    made = _family_history(registry)
    page.set_viewport_size(PHONE)
    cards = {
        "/me/": ORGANISATION,  # years, shares, consents, requests, accesses
        "/me/notices/": MAILBOX,
        f"/me/records/{registry.effective.pk}/correction/": SCHOOL,
        f"/me/transcripts/{transcript.pk}/share/": transcript.student.full_name,
        f"/me/shares/{made.share.pk}/": RECIPIENT,
    }
    for url, expected in cards.items():
        assert page.goto(url).ok, url
        _fits(page, expected)
    page.goto("/me/")
    _shares_are_labelled_cards(page)
    page.goto(f"/me/transcripts/{transcript.pk}/")
    _fits(page, transcript.student.full_name, mark_tables=True)
    soft = _soft_copy(page, tmp_path, transcript)
    _look_up(page, transcript)
    _fits(page, transcript.student.full_name, mark_tables=True)
    _read_shared(page, made.code)
    assert page.locator("#shared-transcript .shared-record").count() == 1
    _fits(page, transcript.student.full_name, mark_tables=True)
    _verify(page, soft)
    assert page.locator("#verdict").inner_text() == "hợp lệ"
    _fits(page, transcript.student.full_name)
