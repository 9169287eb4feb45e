"""Pages in Vietnamese: what a reader sees carries no English sentence.

The detector flags whole English words that only a sentence of English UI
would carry; terms the project chose to keep in English (API, PDF, XML,
names of formats) are allowed. The public pages are crawled from the home
page, following same-site GET links up to a bound.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client, override_settings
from django.utils import translation

from hocbaso.demo.seed import seed_district
from hocbaso.portal import purposes
from hocbaso.portal.citizen.models import CitizenAccount, Guardianship, Relation
from hocbaso.portal.models import AccessEvent
from hocbaso.records.models import RecordStatus, Role, YearlyRecord

ENGLISH = frozenset(
    "the is are not missing of must signed valid invalid unchanged required "
    "given should cannot your with from this that which "
    # raw keys of the data and Python's own words, shown where a label belongs
    "level score year retest none true false school book".split()
)
# A stored list or a field id printed as it is (``['8', '7']``, ``a.b[TV].c``).
RAW = re.compile(r"\['|\w\.\w+\[|\b(?:tx|gk|ck|hk[12]):")
MAX_PAGES = 40
PER_SHAPE = 3
SKIP = ("/static/", "/admin/", "/api/", "/i18n/", "/logout/")


class _Text(HTMLParser):
    """The visible text and the same-site links of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def english_in(text: str) -> set[str]:
    """The English UI words found in ``text`` (whole words, any case)."""
    text = re.sub(r"--[\w-]+", "", text)  # a command's options are not prose
    words = {w for w in re.findall(r"[A-Za-z]+", text) if w.lower() in ENGLISH}
    return words | {m.group() for m in RAW.finditer(text)}


def crawl(
    client: Client, start: str, limit: int = MAX_PAGES, skip: tuple[str, ...] = SKIP
) -> dict[str, set[str]]:
    """Every page reached from ``start`` with the English words it shows.

    Pages of one shape (``/school/class/7/`` and ``/school/class/8/``) show
    the same template: a few of each are read, so the bound covers many.
    """
    seen, queue, found = set(), [start], {}
    shapes: dict[str, int] = {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        shape = re.sub(r"\d+", "#", url)
        if url in seen or shapes.get(shape, 0) >= PER_SHAPE:
            continue
        seen.add(url)
        shapes[shape] = shapes.get(shape, 0) + 1
        page = client.get(url)
        if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
            continue
        parser = _Text()
        parser.feed(page.content.decode())
        found[url] = english_in(" ".join(parser.text))
        queue.extend(_links(url, parser.links, skip))
    return found


def _links(url: str, hrefs: list[str], skip: tuple[str, ...]) -> list[str]:
    """The same-site links of a page, as path and query, without ``skip``."""
    links = []
    for href in hrefs:
        target = urlsplit(urljoin(url, href))
        if target.netloc or not target.path.startswith("/"):
            continue
        if not any(part in target.path for part in skip):
            query = f"?{target.query}" if target.query else ""
            links.append(target.path + query)
    return links


def test_the_detector_flags_an_english_sentence_and_not_a_chosen_term():
    assert english_in("integrity (HocBaSo): the signed bytes are unchanged")
    assert english_in("TV: missing, a compulsory subject of grade 1")
    assert english_in("NV tx: ['8', '7'] gk: 7.0 level: T")
    assert english_in("results.subjects[TV].test_score")
    assert not english_in("Tệp PDF và gói XML; API; mã tra cứu")
    assert not english_in("Tiếng Việt — điểm kiểm tra; TX1 TX2 GK CK")


@pytest.mark.django_db
def test_the_public_pages_show_no_english_to_an_english_browser():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    pages = crawl(client, "/")
    for start in ("/verify/", "/ledger/"):
        pages.update(crawl(client, start))
    assert len(pages) >= 3
    assert {url: words for url, words in pages.items() if words} == {}


def test_a_system_purpose_is_shown_by_its_label():
    event = AccessEvent(
        purpose=purposes.CLASS_REVIEW, detail={"purpose": purposes.CLASS_REVIEW}
    )
    with translation.override("vi"):
        assert event.purpose_label == "xem trang lớp của trường"


def test_a_typed_purpose_that_looks_like_a_code_is_shown_as_typed():
    # someone stating the purpose "school:class-review" in a lookup does not
    # pass for the school's own page in the family's access list
    event = AccessEvent(purpose=purposes.CLASS_REVIEW, detail={})
    with translation.override("vi"):
        assert event.purpose_label == purposes.CLASS_REVIEW


# --- Every page a role meets ----------------------------------------------
# The tiny demo district (hocbaso seed) is built once for the module, in a
# transaction rolled back after its last test; each persona's pages are
# crawled from its landing page, logged in, in the site's default language.

PERSONA_PAGES = 60
DOWNLOADS = ("ban-sao", "soft-copy", "download", "export", "tai-", ".xlsx", ".pdf")
STAFF_ROLES = (
    Role.CLERK,
    Role.HOMEROOM_TEACHER,
    Role.SUBJECT_TEACHER,
    Role.PRINCIPAL,
    Role.UNIT_OFFICER,
    Role.DEPARTMENT_OFFICER,
    Role.DEPARTMENT_ADMIN,
)


@pytest.fixture(scope="module")
def district(django_db_setup, django_db_blocker):
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            summary = seed_district(scale="tiny", seed=5, password="demo pages")
            citizen = _citizen_of_a_seeded_student()
        except BaseException:
            atomic.__exit__(*sys.exc_info())
            raise
    yield {login.role: login.username for login in summary.logins}, citizen
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def _citizen_of_a_seeded_student():
    """A parent whose child has a yearly record held by the registry."""
    record = (
        YearlyRecord.objects.exclude(status=RecordStatus.DRAFT)
        .select_related("transcript__student")
        .order_by("pk")
        .first()
    )
    user = get_user_model().objects.create_user("citizen-pages")
    CitizenAccount.objects.create(
        user=user, personal_id="001085012345", full_name="Nguyễn Văn Hùng"
    )
    Guardianship.objects.create(
        student=record.transcript.student,
        guardian_personal_id="001085012345",
        guardian_name="Nguyễn Văn Hùng",
        relation=Relation.FATHER,
    )
    return user


def persona_pages(client: Client, start: str) -> dict[str, set[str]]:
    """The persona's pages, without downloads, up to ``PERSONA_PAGES``."""
    return crawl(client, start, limit=PERSONA_PAGES, skip=SKIP + DOWNLOADS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", STAFF_ROLES)
def test_every_page_a_member_of_staff_meets_is_in_vietnamese(district, role):
    logins, _citizen = district
    client = Client()
    client.force_login(get_user_model().objects.get(username=logins[role]))
    pages = persona_pages(client, "/")
    assert len(pages) >= 3, pages
    assert {url: words for url, words in pages.items() if words} == {}


@pytest.mark.django_db
def test_every_page_a_parent_meets_is_in_vietnamese(district):
    _logins, citizen = district
    client = Client()
    client.force_login(citizen)
    pages = persona_pages(client, "/me/")
    assert len(pages) >= 2, pages
    # the transcript read on screen, reached from the parent's page
    assert any(url.startswith("/me/transcripts/") for url in pages), pages
    assert {url: words for url, words in pages.items() if words} == {}
